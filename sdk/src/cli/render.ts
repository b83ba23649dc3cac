import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { MeshMode, MeshObject, objectYaml, parseRendered } from "../mesh";
import {
  ApplyOrder,
  applyOrder,
  ApplyOrderNotes,
  applyOrderText,
  changedClusters,
  Serves,
  servesByIngressSelector,
} from "./applyOrder";
import { buildAllFromFiles, buildOwnClusters, FileBuild, objectsByCluster, specOf } from "./build";
import { FileContent, HEADER, isOwnedText, ownedFilesIn, portable, withHeader, writeOutputDir } from "./files";
import { Io } from "./io";
import { jsonDocument, OutputFormat } from "./json";
import { Progress, progress, ProgressIo } from "./progress";
import { summarize, summaryData, warningsOf } from "./summary";

export type Layout = "files" | "kustomize";

export interface RenderOptions {
  /** One spec file per GlobalNamespace, in the order their objects go into each cluster's file. `-`: stdin. */
  specs: string[];
  manifests: string[];
  out: string;
  /** `files`: `<out>/<cluster>.yaml`; `kustomize`: `<out>/<cluster>/globalmesh.yaml` + `kustomization.yaml`. */
  layout?: Layout;
  /** Delete owned files of clusters no longer rendered. */
  prune?: boolean;
  /**
   * The spec applied before: the apply order is relative to it instead of the files in `--out`. It is built with the
   * same manifests, so when it shows no change but the files in `--out` differ (a move made in the manifests), the
   * order is from those files.
   */
  previous?: string;
  output?: OutputFormat;
  quiet?: boolean;
  allowEmpty?: boolean;
}

/** The file (relative to `--out`) holding a cluster's objects, per layout. */
function clusterFile(cluster: string, layout: Layout): string {
  return layout === "kustomize" ? join(cluster, "globalmesh.yaml") : `${cluster}.yaml`;
}

const KUSTOMIZATION = [
  "apiVersion: kustomize.config.k8s.io/v1beta1",
  "kind: Kustomization",
  "resources:",
  "  - globalmesh.yaml",
  "",
].join("\n");

/**
 * `globalmesh render`: one multi-document YAML file per cluster, holding the objects of every GlobalNamespace the
 * cluster is a member of (in spec order). Writes nothing unless the whole input is valid, claims included; then
 * replaces the owned files of `--out` (see files.ts: all written aside first, each renamed into place).
 */
export function render(opts: RenderOptions, io: ProgressIo): number {
  const layout = opts.layout ?? "files";
  const shown = progress(io, "render", opts.output !== "json" && !opts.quiet);
  try {
    return renderWith(opts, io, layout, shown);
  } finally {
    shown.done();
  }
}

function renderWith(opts: RenderOptions, io: Io, layout: Layout, shown: Progress): number {
  const builds = buildAllFromFiles(opts.specs, opts.manifests, io.cwd, { allowEmpty: opts.allowEmpty, io });
  const outDir = resolve(io.cwd, opts.out);
  shown.update(() => `reading the files in ${opts.out}`);
  const inOut = existsSync(outDir) ? objectsInOut(outDir) : undefined;
  const previous = opts.previous ? previousObjects(opts.previous, opts.manifests, io) : undefined;
  const objects = objectsByCluster(builds);
  const files = new Map<string, FileContent>();
  const fileOf = new Map<string, string>();
  const total = [...objects.values()].reduce((n, list) => n + list.length, 0);
  const written = { objects: 0 };
  for (const [cluster, list] of objects) {
    const path = clusterFile(cluster, layout);
    files.set(path, () => clusterYaml(list, () => shown.update(() => writing(++written.objects, total, path))));
    if (layout === "kustomize") files.set(join(cluster, "kustomization.yaml"), withHeader(KUSTOMIZATION));
    fileOf.set(cluster, relative(io.cwd, join(outDir, path)));
  }
  const result = writeOutputDir(outDir, files, { prune: Boolean(opts.prune), isStale: isClusterFile });
  // The progress line goes before the warnings and the summary are printed, or they would start on it.
  shown.done();
  // The gateways other clusters arrive at: the ingress gateway, and in east-west mode the east-west gateway.
  const ingress = new Map<string, Record<string, string>[]>();
  for (const b of builds)
    for (const c of b.model.clusters) {
      const own = b.model.mode === MeshMode.EAST_WEST ? c.gateways.eastWestSelector : c.gateways.ingressSelector;
      ingress.set(c.name, [...(ingress.get(c.name) ?? []), own]);
    }
  const { order, previousSawNothing } = orderOf(previous, inOut, objects, servesByIngressSelector(ingress));
  const staleFiles = new Set(result.stale.map(clusterOfFile).filter((c) => c !== ""));
  const warnings = builds.flatMap((b) => warningsOf(b).map((w) => `${b.source}: ${w}`));
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  for (const s of result.stale)
    io.stderr(
      `warning: ${relative(io.cwd, join(outDir, s))} belongs to no cluster rendered now, and a GitOps controller still applies it; render with --prune to delete it\n`,
    );
  if (opts.output === "json") {
    io.stdout(renderJson(builds, fileOf, outDir, io, layout, result, order));
    return 0;
  }
  if (opts.quiet) return 0;
  const lines = [
    builds.map((b) => summarize(b, fileOf)).join("\n"),
    applyOrderText(order, opts.out, { staleFiles, previousSawNothing }),
  ];
  if (result.pruned.length > 0) lines.push(`Pruned: ${result.pruned.map(portable).join(", ")}`);
  io.stdout(lines.join("\n") + "\n");
  return 0;
}

/** A cluster's file, object by object (each document made only when written): the header, then every object. */
function* clusterYaml(objects: readonly MeshObject[], onObject: () => void): Iterable<string> {
  yield `${HEADER}\n`;
  for (const object of objects) {
    yield objectYaml(object);
    onObject();
  }
}

function writing(done: number, total: number, path: string): string {
  return `${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} objects written (${portable(path)})`;
}

function renderJson(
  builds: FileBuild[],
  fileOf: Map<string, string>,
  outDir: string,
  io: Io,
  layout: Layout,
  result: ReturnType<typeof writeOutputDir>,
  order: ApplyOrder,
): string {
  return jsonDocument("RenderResult", {
    out: relative(io.cwd, outDir) || ".",
    layout,
    files: result.written.map(portable),
    pruned: result.pruned.map(portable),
    stale: result.stale.map(portable),
    applyOrder: order,
    globalNamespaces: builds.map((b) => summaryData(b, fileOf)),
  });
}

/**
 * A file render writes for a cluster, in either layout: `<cluster>.yaml`, or `<cluster>/globalmesh.yaml` and its
 * `kustomization.yaml`. Only these can be stale; globalmesh files elsewhere below `--out` (another rendering's) stay.
 */
function isClusterFile(path: string): boolean {
  const p = portable(path);
  return !p.includes("/") || /^[^/]+\/(globalmesh|kustomization)\.yaml$/.test(p);
}

/** The objects per cluster of the owned files already in `--out` (either layout): what was rendered before. */
function objectsInOut(outDir: string): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const path of ownedFilesIn(outDir).filter(isClusterFile)) {
    const cluster = clusterOfFile(path);
    if (!cluster) continue;
    try {
      const text = readFileSync(join(outDir, path), "utf8");
      if (isOwnedText(text)) out.set(cluster, [...(out.get(cluster) ?? []), ...parseRendered(text, path)]);
    } catch {
      // A file that does not parse tells nothing about the order.
    }
  }
  return out;
}

/** The cluster whose objects a cluster file holds (`""` for a kustomization.yaml). */
function clusterOfFile(path: string): string {
  return dirname(path) === "." ? path.replace(/\.ya?ml$/, "") : path.endsWith("globalmesh.yaml") ? dirname(path) : "";
}

/**
 * The apply order: relative to `--previous` when given, else to the files in `--out`. `--previous` is built with the
 * same manifests as the new spec, so a move made by editing the manifests looks like no change to it: then, when the
 * files in `--out` differ, the order is theirs.
 */
function orderOf(
  previous: Map<string, unknown[]> | undefined,
  inOut: Map<string, unknown[]> | undefined,
  objects: Map<string, MeshObject[]>,
  serves: Serves,
): { order: ApplyOrder; previousSawNothing?: ApplyOrderNotes["previousSawNothing"] } {
  const some = (m: Map<string, unknown[]> | undefined) => (m && m.size > 0 ? m : undefined);
  const fromOut = () => applyOrder(some(inOut), objects, "out", serves);
  if (!previous) return { order: fromOut() };
  const order = applyOrder(some(previous), objects, "previous", serves);
  if (order.basis === "none" || changedClusters(order) > 0) return { order };
  if (!some(inOut)) return { order, previousSawNothing: "none" };
  const files = fromOut();
  return changedClusters(files) > 0
    ? { order: files, previousSawNothing: "out" }
    : { order, previousSawNothing: "same" };
}

/** The objects of `--previous <spec>`, built with the manifests of its own clusters. */
function previousObjects(spec: string, manifests: string[], io: Io): Map<string, MeshObject[]> {
  return objectsByCluster([buildOwnClusters(specOf(spec, io.cwd, "--previous", io), manifests, io.cwd, io)]);
}
