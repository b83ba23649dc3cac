import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { MeshMode, rememberingObjectYaml } from "../mesh";
import {
  ApplyOrder,
  ApplyOrderNotes,
  applyOrderText,
  changedClusters,
  orderOf as placementOrder,
  Placement,
  Serves,
  servesByIngressSelector,
} from "./applyOrder";
import { buildAllFromFiles, buildOwnClusters, FileBuild, specOf } from "./build";
import { ClusterDocuments, clusterDocuments, clustersInOrder } from "./clusterDocuments";
import { DocumentMatch, documentsOf } from "./documentMatch";
import { emissionThreads, emitInWorkers } from "./emitInWorkers";
import { FileContent, HEADER, isOwnedText, ownedFilesIn, portable, withHeader, writeOutputDir } from "./files";
import { Io } from "./io";
import { jsonDocument, OutputFormat } from "./json";
import { Progress, progress, ProgressIo } from "./progress";
import { ObjectCounts, summarize, summaryData, warningsOf } from "./summary";

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
  const before = existsSync(outDir) ? filesInOut(outDir) : new Map<string, string[]>();
  const threads = emissionThreads(builds, io.env);
  const previous = opts.previous ? previousBuild(opts.previous, opts.manifests, io) : undefined;
  const serves = servesOf(builds);
  const names = clustersInOrder(builds);
  const emission = threads > 1 ? emitInWorkers(builds, names, threads) : undefined;
  const emit = rememberingObjectYaml();
  const clusters = emission?.clusters ?? names.map((c) => clusterDocuments(builds, c, emit));
  const places = { out: new Map<string, Placement>(), previous: new Map<string, Placement>() };
  const files = new Map<string, FileContent>();
  const fileOf = new Map<string, string>();
  const written = { objects: 0 };
  for (const [index, c] of clusters.entries()) {
    const path = clusterFile(c.cluster, layout);
    const compared = () => ({
      // Every rendered cluster once `--out` holds a rendering: one without a file there is new.
      out: before.size > 0 ? matchFiles(before.get(c.cluster) ?? []) : undefined,
      previous: previous && new DocumentMatch(previous.compiled.cluster(c.cluster).map(emit)),
    });
    const placed = (against: keyof typeof places, match: DocumentMatch) =>
      places[against].set(c.cluster, match.placement(c.cluster, serves));
    const onDocument = () => {
      written.objects++;
      shown.update(() => writing(written.objects, index + 1, clusters.length, path));
    };
    files.set(path, () => clusterYaml(c, compared, placed, onDocument));
    if (layout === "kustomize") files.set(join(c.cluster, "kustomization.yaml"), withHeader(KUSTOMIZATION));
    fileOf.set(c.cluster, relative(io.cwd, join(outDir, path)));
  }
  let result: ReturnType<typeof writeOutputDir>;
  try {
    result = writeOutputDir(outDir, files, { prune: Boolean(opts.prune), isStale: isClusterFile });
  } finally {
    emission?.close();
  }
  // The progress line goes before the warnings and the summary are printed, or they would start on it.
  shown.done();
  const { order, previousSawNothing } = orderOf(previous, before, places);
  const staleFiles = new Set(result.stale.map(clusterOfFile).filter((c) => c !== ""));
  const warnings = builds.flatMap((b) => warningsOf(b).map((w) => `${b.source}: ${w}`));
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  for (const s of result.stale)
    io.stderr(
      `warning: ${relative(io.cwd, join(outDir, s))} belongs to no cluster rendered now, and a GitOps controller still applies it; render with --prune to delete it\n`,
    );
  const counted = new Map(clusters.map((c) => [c.cluster, c.counts]));
  const counts = builds.map((b, i) => new Map(b.model.clusters.map((c) => [c.name, counted.get(c.name)?.[i] ?? 0])));
  if (opts.output === "json") {
    io.stdout(renderJson(builds, fileOf, counts, outDir, io, layout, result, order, threads));
    return 0;
  }
  if (opts.quiet) return 0;
  const lines = [
    builds.map((b, i) => summarize(b, fileOf, counts[i])).join("\n"),
    applyOrderText(order, opts.out, { staleFiles, previousSawNothing }),
  ];
  if (result.pruned.length > 0) lines.push(`Pruned: ${result.pruned.map(portable).join(", ")}`);
  io.stdout(lines.join("\n") + "\n");
  return 0;
}

type Against = "out" | "previous";

/**
 * A cluster's file, batch by batch as its documents are emitted: the header, then every object. Each document is
 * compared with the file already in `--out` (and `--previous`'s); the cluster's place in the apply order against
 * each is handed to `placed` once the last is written.
 */
function* clusterYaml(
  c: ClusterDocuments,
  compared: () => Partial<Record<Against, DocumentMatch>>,
  placed: (against: Against, match: DocumentMatch) => void,
  onDocument: () => void,
): Iterable<string> {
  yield `${HEADER}\n`;
  const matches = Object.entries(compared()) as [Against, DocumentMatch | undefined][];
  for (const batch of c.documents()) {
    for (const doc of batch) {
      for (const [, match] of matches) match?.offer(doc);
      onDocument();
    }
    yield batch.join("");
  }
  for (const [against, match] of matches) if (match) placed(against, match);
}

function writing(objects: number, cluster: number, clusters: number, path: string): string {
  return `${objects.toLocaleString("en-US")} objects written, cluster ${cluster} of ${clusters} (${portable(path)})`;
}

/** The gateways other clusters arrive at: the ingress gateway, and in east-west mode the east-west gateway. */
function servesOf(builds: readonly FileBuild[]): Serves {
  const ingress = new Map<string, Record<string, string>[]>();
  for (const b of builds)
    for (const c of b.model.clusters) {
      const own = b.model.mode === MeshMode.EAST_WEST ? c.gateways.eastWestSelector : c.gateways.ingressSelector;
      ingress.set(c.name, [...(ingress.get(c.name) ?? []), own]);
    }
  return servesByIngressSelector(ingress);
}

function renderJson(
  builds: FileBuild[],
  fileOf: Map<string, string>,
  counts: ObjectCounts[],
  outDir: string,
  io: Io,
  layout: Layout,
  result: ReturnType<typeof writeOutputDir>,
  order: ApplyOrder,
  threads: number,
): string {
  return jsonDocument("RenderResult", {
    out: relative(io.cwd, outDir) || ".",
    layout,
    files: result.written.map(portable),
    pruned: result.pruned.map(portable),
    stale: result.stale.map(portable),
    applyOrder: order,
    threads,
    globalNamespaces: builds.map((b, i) => summaryData(b, fileOf, counts[i])),
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

/** The owned cluster files already in `--out` (either layout), per cluster: what was rendered before. */
function filesInOut(outDir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const path of ownedFilesIn(outDir).filter(isClusterFile)) {
    const cluster = clusterOfFile(path);
    if (cluster) out.set(cluster, [...(out.get(cluster) ?? []), join(outDir, path)]);
  }
  return out;
}

/**
 * A cluster's files in `--out` to compare the new rendering with: by text when it has one, by object when it has
 * several (both layouts). A file that cannot be read tells nothing about the order.
 */
function matchFiles(paths: readonly string[]): DocumentMatch {
  const docs = paths.flatMap((path) => {
    try {
      const text = readFileSync(path, "utf8");
      return isOwnedText(text) ? documentsOf(text) : [];
    } catch {
      return [];
    }
  });
  return new DocumentMatch(docs, paths.length === 1);
}

/** The cluster whose objects a cluster file holds (`""` for a kustomization.yaml). */
function clusterOfFile(path: string): string {
  return dirname(path) === "." ? path.replace(/\.ya?ml$/, "") : path.endsWith("globalmesh.yaml") ? dirname(path) : "";
}

/**
 * The apply order: relative to `--previous` when given, else to the files in `--out`. `--previous` is built with the
 * same manifests as the new spec, so a move made by editing the manifests looks like no change to it: then, when the
 * files in `--out` differ, the order is theirs. `places`: each rendered cluster's place against either; clusters no
 * longer rendered go last.
 */
function orderOf(
  previous: FileBuild | undefined,
  inOut: ReadonlyMap<string, unknown>,
  places: { out: Map<string, Placement>; previous: Map<string, Placement> },
): { order: ApplyOrder; previousSawNothing?: ApplyOrderNotes["previousSawNothing"] } {
  const against = (before: ReadonlyMap<string, unknown>, placed: Map<string, Placement>, basis: "out" | "previous") => {
    if (before.size === 0) return placementOrder(new Map(), "none");
    const all = new Map(placed);
    for (const cluster of before.keys()) if (!all.has(cluster)) all.set(cluster, "last");
    return placementOrder(all, basis);
  };
  const fromOut = () => against(inOut, places.out, "out");
  if (!previous) return { order: fromOut() };
  const order = against(new Map(previous.model.clusters.map((c) => [c.name, c])), places.previous, "previous");
  if (order.basis === "none" || changedClusters(order) > 0) return { order };
  if (inOut.size === 0) return { order, previousSawNothing: "none" };
  const files = fromOut();
  return changedClusters(files) > 0
    ? { order: files, previousSawNothing: "out" }
    : { order, previousSawNothing: "same" };
}

/** The build of `--previous <spec>`, with the manifests of its own clusters: compiled per cluster when compared. */
function previousBuild(spec: string, manifests: string[], io: Io): FileBuild {
  return buildOwnClusters(specOf(spec, io.cwd, "--previous", io), manifests, io.cwd, io);
}
