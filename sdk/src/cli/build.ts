import { buildMesh, ClusterManifests, MeshBuild, MeshObject, SpecError, validateSpec } from "../mesh";
import { checkClaims } from "../mesh/claims";
import { loadManifests, LoadedSpec, loadSpec, usage } from "./inputs";
import { Io } from "./io";

export interface BuildOptions {
  /** A GlobalNamespace that exports no service is fine (else exit 2: a forgotten `--manifests`, most likely). */
  allowEmpty?: boolean;
  /** Where a spec given as `-` is read from. */
  io?: Io;
}

/** A compiled mesh and the manifests it was discovered from (the topology also reads their workloads). */
export interface FileBuild extends MeshBuild {
  manifests: ClusterManifests[];
  /** The spec file (or `<stdin>`) it was built from, for messages. */
  source: string;
}

/** Spec file + manifests → compiled mesh, with spec errors pointing at lines of the spec file. */
export function buildFromFiles(
  specFile: string,
  manifests: string[],
  cwd: string,
  specFlag?: string,
  options: BuildOptions = {},
): FileBuild {
  return buildLoaded(specOf(specFile, cwd, specFlag, options.io), loadManifests(manifests, cwd, options.io));
}

/**
 * A loaded spec built with the manifests of its own clusters only (`render --previous`: the manifests given are the
 * new spec's, and may name clusters the old one does not have).
 */
export function buildOwnClusters(spec: LoadedSpec, manifests: string[], cwd: string, io?: Io): FileBuild {
  const clusters = new Set(explained(spec, () => validateSpec(spec.value).clusters.map((c) => c.name)));
  const own = loadManifests(manifests, cwd, io).filter((m) => clusters.has(m.cluster));
  return buildLoaded(spec, own);
}

/** The names of a spec's clusters; undefined when the spec is invalid (building it then says why, with lines). */
export function clusterNamesOf(spec: LoadedSpec): Set<string> | undefined {
  try {
    return new Set(validateSpec(spec.value).clusters.map((c) => c.name));
  } catch (e) {
    if (e instanceof SpecError) return undefined;
    throw e;
  }
}

/** A spec file, or standard input for `-` (read through inputs.ts, once per run). */
export function specOf(file: string, cwd: string, flag = "--spec", io?: Io): LoadedSpec {
  return loadSpec(file, cwd, flag, io);
}

/**
 * Exit 2 when a GlobalNamespace exports nothing (no `--manifests`, or rules that match no Service): rendering it
 * would write files that remove every route from the clusters.
 */
export function requireExported(builds: readonly FileBuild[], options: BuildOptions): void {
  if (options.allowEmpty) return;
  const empty = builds.filter((b) => b.model.services.length === 0);
  if (empty.length === 0) return;
  throw new SpecError(
    empty.map((b) => ({ path: b.model.name, message: nothingExported(b) })),
    "usage",
    "nothing exported",
  );
}

/** Why a GlobalNamespace exports nothing, and the fix: no manifests given, or rules that match none of them. */
function nothingExported(b: FileBuild): string {
  const allow = "or --allow-empty if an empty GlobalNamespace is meant";
  if (b.manifests.length === 0)
    return `no service is exported: did you forget --manifests? (none given); give --manifests <cluster>=<file-or-dir>, ${allow}`;
  const files = [...new Set(b.manifests.map((m) => m.source))];
  const shown = files.length > 5 ? [...files.slice(0, 5), `and ${files.length - 5} more`] : files;
  const skipped = b.discovery.skipped.filter((s) => s.port === undefined);
  const left =
    skipped.length === 0
      ? ""
      : ` (${plural(skipped.length, "Service")} matched but left out, e.g. ${skipped[0].cluster}: ${skipped[0].service}: ${skipped[0].reason})`;
  return `no service is exported: no Service in the ${plural(files.length, "manifest file")} given (${shown.join(", ")}) matches the members: rules of ${b.source}${left}; make members: name the clusters and namespaces those Services run in (or list them under services:), ${allow}`;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

export function buildLoaded(spec: LoadedSpec, manifests: ClusterManifests[]): FileBuild {
  return explained(spec, () => ({ ...buildMesh(spec.value, manifests), manifests, source: spec.source }));
}

/** Runs a stage of one spec; its spec errors get line numbers of the spec file. */
function explained<T>(spec: LoadedSpec, stage: () => T): T {
  try {
    return stage();
  } catch (e) {
    throw e instanceof SpecError && e.source === undefined ? spec.explain(e) : e;
  }
}

/**
 * Several GlobalNamespaces in one run (`--spec` more than once), in the order given. Each spec gets the manifests of
 * its own clusters; manifests of a cluster no spec lists are an error, as with one spec. Two GlobalNamespaces may not
 * claim the same host or virtual IP (checked before anything is written).
 */
export function buildAllFromFiles(
  specFiles: string[],
  manifests: string[],
  cwd: string,
  options: BuildOptions = {},
): FileBuild[] {
  if (specFiles.filter((f) => f === "-").length > 1)
    throw usage('"-" (standard input) is given twice; standard input holds one spec', "--spec");
  const specs = specFiles.map((f) => specOf(f, cwd, "--spec", options.io));
  const loaded = loadManifests(manifests, cwd, options.io);
  const builds = buildLoadedAll(specs, loaded);
  requireExported(builds, options);
  return builds;
}

/** Several loaded specs with their manifests: each spec gets those of its own clusters, claims checked across them. */
function buildLoadedAll(specs: LoadedSpec[], loaded: ClusterManifests[]): FileBuild[] {
  if (specs.length === 1) return [buildLoaded(specs[0], loaded)];
  const clusters = specs.map((s) => explained(s, () => validateSpec(s.value).clusters.map((c) => c.name)));
  const strays = loaded.filter((m) => !clusters.some((names) => names.includes(m.cluster)));
  if (strays.length > 0) {
    const known = [...new Set(clusters.flat())].sort().join(", ");
    throw new SpecError(
      strays.map((m) => ({
        path: m.source,
        message: `manifests given for cluster "${m.cluster}", which is not a member of any GlobalNamespace given; known clusters: ${known}`,
      })),
      "usage",
      "invalid command line",
    );
  }
  const builds = specs.map((s, i) =>
    buildLoaded(
      s,
      loaded.filter((m) => clusters[i].includes(m.cluster)),
    ),
  );
  checkClaims(builds.map((b) => ({ name: b.model.name, services: b.model.services, clusters: b.model.clusters })));
  return builds;
}

/** Per cluster, the objects of every build for it: builds in order, each build's objects in their own order. */
export function objectsByCluster(builds: readonly MeshBuild[]): Map<string, MeshObject[]> {
  const out = new Map<string, MeshObject[]>();
  for (const b of builds)
    for (const [cluster, objects] of b.compiled.objects) out.set(cluster, [...(out.get(cluster) ?? []), ...objects]);
  return out;
}

/** The clusters of several builds, for messages. */
export function clustersOf(builds: readonly MeshBuild[]): string[] {
  return [...new Set(builds.flatMap((b) => b.model.clusters.map((c) => c.name)))].sort();
}
