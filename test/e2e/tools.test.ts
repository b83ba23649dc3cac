import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describeTool, isOnPath, missingTools, parseToolVersion, skipReport, versionWarning } from "../../e2e/tools";
import { TOOLS } from "../../e2e/versions";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "e2e-tools-test-"));
  for (const d of ["a", "b"]) mkdirSync(join(dir, d));
  writeFileSync(join(dir, "a", "kind"), "#!/bin/sh\n");
  chmodSync(join(dir, "a", "kind"), 0o755);
  // Present but not executable: not a tool.
  writeFileSync(join(dir, "a", "kubectl"), "");
  chmodSync(join(dir, "a", "kubectl"), 0o644);
  // A directory of the tool's name: not a tool either.
  mkdirSync(join(dir, "a", "pulumi"));
  writeFileSync(join(dir, "b", "pulumi"), "#!/bin/sh\n");
  chmodSync(join(dir, "b", "pulumi"), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("isOnPath: an executable file in a PATH directory, in any of them", () => {
  const path = [join(dir, "a"), "", join(dir, "missing"), join(dir, "b")].join(delimiter);
  expect(isOnPath("kind", path, "linux")).toBe(true);
  expect(isOnPath("pulumi", path, "linux")).toBe(true);
  expect(isOnPath("kubectl", path, "linux")).toBe(false);
  expect(isOnPath("docker", path, "linux")).toBe(false);
  expect(isOnPath("kind", undefined, "linux")).toBe(false);
  expect(isOnPath("kind", "", "linux")).toBe(false);
});

test("missingTools keeps the pinned order; skipReport names each with its pinned version, then `e2e: skipped`", () => {
  const missing = missingTools(TOOLS, (name) => name === "kind" || name === "pulumi");
  expect(missing.map((t) => t.name)).toEqual(["docker", "kubectl", "istioctl"]);
  const report = skipReport(missing);
  expect(report[0]).toBe("e2e: missing on PATH: docker, kubectl, istioctl");
  expect(report).toContain("  docker (not pinned)");
  expect(report.some((l) => l.startsWith("  kubectl v1.34.0  (linux/amd64: https://dl.k8s.io/"))).toBe(true);
  expect(report.some((l) => l.startsWith("  istioctl 1.30.3  "))).toBe(true);
  expect(report[report.length - 1]).toBe("e2e: skipped");
  expect(missingTools(TOOLS, () => true)).toEqual([]);
});

test("describeTool", () => {
  expect(TOOLS.map(describeTool)).toEqual([
    "docker (not pinned)",
    "kind v0.30.0",
    "kubectl v1.34.0",
    "istioctl 1.30.3",
    "pulumi v3.248.0",
  ]);
});

test("parseToolVersion reads what each tool prints", () => {
  expect(parseToolVersion("kind", "kind v0.30.0 go1.24.6 linux/amd64")).toBe("v0.30.0");
  expect(parseToolVersion("kubectl", "Client Version: v1.34.0\nKustomize Version: v5.7.1\n")).toBe("v1.34.0");
  expect(parseToolVersion("istioctl", "client version: 1.30.3\n")).toBe("1.30.3");
  expect(parseToolVersion("istioctl", "1.30.3\n")).toBe("1.30.3");
  expect(parseToolVersion("pulumi", "v3.248.0\n")).toBe("v3.248.0");
  expect(parseToolVersion("pulumi", "v3.249.0-alpha.x1a2b3c\n")).toBe("v3.249.0-alpha.x1a2b3c");
  expect(parseToolVersion("kind", "command not found")).toBeUndefined();
});

test("versionWarning: nothing for the pinned version or an unpinned tool, a warning otherwise", () => {
  const tool = (name: string) => TOOLS.find((t) => t.name === name)!;
  expect(versionWarning(tool("kind"), "kind v0.30.0 go1.24.6 linux/amd64")).toBeUndefined();
  expect(versionWarning(tool("docker"), "28.0.1")).toBeUndefined();
  expect(versionWarning(tool("kind"), "kind v0.29.0 go1.24.2 linux/amd64")).toBe(
    "e2e: warning: kind v0.29.0 found, v0.30.0 pinned; results may differ",
  );
  expect(versionWarning(tool("istioctl"), "")).toBe(
    "e2e: warning: istioctl (version not recognised) found, 1.30.3 pinned; results may differ",
  );
});
