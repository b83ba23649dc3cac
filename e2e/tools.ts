import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { Tool } from "./versions";

/**
 * Which of the run's tools are on PATH, found by looking at PATH's directories (no `which`, no child process: the
 * skipped run must start nothing and write nothing).
 */
export function isOnPath(name: string, path: string | undefined, platform: NodeJS.Platform = process.platform) {
  const exts = platform === "win32" ? ["", ".exe", ".cmd", ".bat"] : [""];
  for (const dir of (path ?? "").split(delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const file = join(dir, name + ext);
      try {
        if (!statSync(file).isFile()) continue;
        if (platform !== "win32") accessSync(file, constants.X_OK);
        return true;
      } catch {
        // Not there, or not executable: look further.
      }
    }
  }
  return false;
}

/** The tools `present` does not find, in the order given. */
export const missingTools = (tools: readonly Tool[], present: (name: string) => boolean) =>
  tools.filter((t) => !present(t.name));

/** What a tool is expected to be, for messages: `kind v0.30.0`, `docker (any recent Docker Engine, not pinned)`. */
export const describeTool = (t: Tool) => (t.version ? `${t.name} ${t.version}` : `${t.name} (not pinned)`);

/** The lines printed when tools are missing; the last one is `e2e: skipped`. */
export function skipReport(missing: readonly Tool[]): string[] {
  return [
    `e2e: missing on PATH: ${missing.map((t) => t.name).join(", ")}`,
    ...missing.map((t) => `  ${describeTool(t)}${t.downloadUrl ? `  (linux/amd64: ${t.downloadUrl})` : ""}`),
    "  The conformance run needs Docker, kind, kubectl, istioctl and the Pulumi CLI (README: Conformance run on real clusters).",
    "e2e: skipped",
  ];
}

/**
 * The version a tool printed (`versionArgs`), as `v1.2.3` / `1.2.3` the way versions.ts writes it; undefined when none
 * is recognised. kind: `kind v0.30.0 go1.24.6 linux/amd64`; kubectl: `Client Version: v1.34.0`; istioctl: `client
 * version: 1.29.2` or a bare `1.29.2`; pulumi: `v3.248.0`.
 */
export function parseToolVersion(tool: string, output: string): string | undefined {
  const m = /v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?/.exec(output);
  if (!m) return undefined;
  const bare = m[0].replace(/^v/, "");
  // istioctl writes its version without the `v`, the others with it (as versions.ts does).
  return tool === "istioctl" ? bare : `v${bare}`;
}

/** A warning when a tool present is not the pinned version (the run goes on: a maintainer may test a newer one). */
export function versionWarning(t: Tool, output: string): string | undefined {
  if (!t.version) return undefined;
  const found = parseToolVersion(t.name, output);
  if (found === t.version) return undefined;
  return `e2e: warning: ${t.name} ${found ?? "(version not recognised)"} found, ${t.version} pinned; results may differ`;
}
