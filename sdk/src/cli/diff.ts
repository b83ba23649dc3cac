import { ClusterDiff, diffMeshes, FieldChange, isEmptyDiff, MeshDiff, MeshObject } from "../mesh";
import { buildFromFiles } from "./build";
import { Paint, painter } from "./colour";
import { Io } from "./io";

export interface DiffOptions {
  oldSpec: string;
  newSpec: string;
  /** `cluster=path` values for both sides. */
  manifests: string[];
  /** Per side: replace the shared manifests of the same cluster. */
  oldManifests: string[];
  newManifests: string[];
}

/**
 * `globalmesh diff`: what going from the old GlobalNamespace to the new one does, explained first (the GlobalNamespace,
 * who may call what, each service), then every object added, removed and changed per cluster. Exit 0 when nothing
 * changes, 1 when something does (`git diff --exit-code`).
 */
export function diff(opts: DiffOptions, io: Io): number {
  const before = buildFromFiles(opts.oldSpec, sideManifests(opts.manifests, opts.oldManifests), io.cwd, "old spec");
  const after = buildFromFiles(opts.newSpec, sideManifests(opts.manifests, opts.newManifests), io.cwd, "new spec");
  const d = diffMeshes(before, after);
  if (isEmptyDiff(d)) {
    io.stdout("no changes\n");
    return 0;
  }
  io.stdout(formatDiff(d, painter(io)));
  return 1;
}

function sideManifests(shared: string[], own: string[]): string[] {
  const clusterOf = (v: string) => v.split("=")[0];
  const replaced = new Set(own.map(clusterOf));
  return [...shared.filter((v) => !replaced.has(clusterOf(v))), ...own];
}

export function formatDiff(d: MeshDiff, paint: Paint): string {
  const lines = [
    ...d.mesh.map((m) => paint("bold", m)),
    ...d.access.map((a) => paint("bold", a)),
    ...d.services.map((s) => `${paint("bold", s.host)} ${s.changes.join("; ")}`),
    ...d.clusters.map((c) => `${c.cluster}${c.membership ? ` (${c.membership})` : ""}: ${counts(c)}`),
  ];
  for (const c of d.clusters) {
    lines.push("", paint("bold", c.cluster));
    lines.push(...c.removed.map((o) => paint("red", `  - ${title(o)}`)));
    lines.push(...c.added.map((o) => paint("green", `  + ${title(o)}`)));
    for (const { object, fields } of c.changed) {
      lines.push(paint("yellow", `  ~ ${title(object)}`), ...fields.map((f) => `      ${field(f, paint)}`));
    }
  }
  return lines.join("\n") + "\n";
}

function counts(c: ClusterDiff): string {
  const parts = [
    [c.removed.length, "removed"],
    [c.added.length, "added"],
    [c.changed.length, "changed"],
  ].filter(([n]) => n !== 0) as [number, string][];
  if (parts.length === 0) return "no objects change";
  return parts
    .map(([n, what], i) => (i === 0 ? `${n} object${n === 1 ? "" : "s"} ${what}` : `${n} ${what}`))
    .join(", ");
}

function title(o: MeshObject): string {
  return `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
}

function field(f: FieldChange, paint: Paint): string {
  const show = (v: unknown) => JSON.stringify(v);
  if (f.op === "added") return paint("green", `+ ${f.path}: ${show(f.after)}`);
  if (f.op === "removed") return paint("red", `- ${f.path}: ${show(f.before)}`);
  return paint("yellow", `~ ${f.path}: ${show(f.before)} → ${show(f.after)}`);
}
