import { ClusterDiff, diffMeshes, diffTotals, FieldChange, isEmptyDiff, MeshDiff, MeshObject } from "../mesh";
import { buildLoaded, clusterNamesOf, specOf } from "./build";
import { Paint, painter } from "./colour";
import { loadManifests, usage } from "./inputs";
import { Io } from "./io";
import { jsonDocument } from "./json";

export interface DiffOptions {
  oldSpec: string;
  newSpec: string;
  /** `cluster=path` values for both sides. */
  manifests: string[];
  /** Per side: replace the shared manifests of the same cluster. */
  oldManifests: string[];
  newManifests: string[];
  /** `json`: one DiffResult document (docs/cli-json.md) instead of the text. Default text. */
  output?: "text" | "json";
  /** Print nothing; the exit code says whether something changes. */
  quiet?: boolean;
}

/**
 * `globalmesh diff`: what going from the old GlobalNamespace to the new one does, explained first (the GlobalNamespace,
 * who may call what, each service), then every object added, removed and changed per cluster. Exit 0 when nothing
 * changes, 1 when something does (`git diff --exit-code`).
 */
export function diff(opts: DiffOptions, io: Io): number {
  if (opts.oldSpec === "-" && opts.newSpec === "-")
    throw usage('"-" (standard input) is given for both specs; standard input holds one spec', "new spec");
  // The shared --manifests feed each side the clusters it has (a cluster added or removed is in one side only);
  // --old-/--new-manifests must name a cluster of their side.
  const side = (file: string, own: string[], flag: string) => {
    const spec = specOf(file, io.cwd, flag, io);
    const clusters = clusterNamesOf(spec);
    const shared = opts.manifests.filter((v) => !clusters || clusters.has(clusterOf(v)));
    return buildLoaded(spec, loadManifests(sideManifests(shared, own), io.cwd, io));
  };
  const before = side(opts.oldSpec, opts.oldManifests, "old spec");
  const after = side(opts.newSpec, opts.newManifests, "new spec");
  for (const w of [...(before.warnings ?? []), ...(after.warnings ?? [])]) io.stderr(`warning: ${w}\n`);
  const d = diffMeshes(before, after);
  const code = isEmptyDiff(d) ? 0 : 1;
  // JSON is the answer itself, so --quiet keeps it (as render and check do); it silences the text.
  if (opts.output === "json") io.stdout(diffJson(d));
  else if (!opts.quiet) io.stdout(code === 0 ? "no changes\n" : formatDiff(d, painter(io)));
  return code;
}

/** The DiffResult document (docs/cli-json.md): the same facts as the text, objects named by kind/namespace/name. */
export function diffJson(d: MeshDiff): string {
  const ref = (o: MeshObject) => ({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
  return jsonDocument("DiffResult", {
    changed: !isEmptyDiff(d),
    totals: diffTotals(d),
    ...(d.mode && { mode: d.mode }),
    globalNamespace: d.mesh,
    access: d.access,
    services: d.services,
    clusters: d.clusters.map((c) => ({
      cluster: c.cluster,
      ...(c.membership && { membership: c.membership }),
      added: c.added.map(ref),
      removed: c.removed.map(ref),
      changed: c.changed.map(({ object, fields }) => ({ ...ref(object), fields })),
    })),
  });
}

const clusterOf = (v: string) => v.split("=")[0];

function sideManifests(shared: string[], own: string[]): string[] {
  const replaced = new Set(own.map(clusterOf));
  return [...shared.filter((v) => !replaced.has(clusterOf(v))), ...own];
}

export function formatDiff(d: MeshDiff, paint: Paint): string {
  const lines = [
    ...d.mesh.map((m) => paint("bold", m)),
    ...d.access.map((a) => paint("bold", a)),
    ...d.services.map((s) => `${paint("bold", s.host)} ${s.changes.join("; ")}`),
    ...d.clusters.map((c) => `${c.cluster}${c.membership ? ` (${c.membership})` : ""}: ${counts(c)}`),
    totalsLine(d),
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

/** `total: 71 objects added, 20 changed in 3 clusters; 1 service changes`. */
export function totalsLine(d: MeshDiff): string {
  const t = diffTotals(d);
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const objects = counts({ cluster: "", added: [], removed: [], changed: [] }, t);
  const services =
    t.services === 0 ? "no service changes" : `${plural(t.services, "service")} change${t.services === 1 ? "s" : ""}`;
  return `total: ${objects} in ${plural(t.clusters, "cluster")}; ${services}`;
}

function counts(c: ClusterDiff, n?: { added: number; removed: number; changed: number }): string {
  const count = n ?? { removed: c.removed.length, added: c.added.length, changed: c.changed.length };
  const parts = [
    [count.removed, "removed"],
    [count.added, "added"],
    [count.changed, "changed"],
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
