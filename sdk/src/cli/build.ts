import { buildMesh, ClusterManifests, MeshBuild, MeshObject, SpecError, validateSpec } from "../mesh";
import { checkClaims } from "../mesh/claims";
import { loadManifests, LoadedSpec, loadSpec } from "./inputs";

/** A compiled mesh and the manifests it was discovered from (the topology also reads their workloads). */
export interface FileBuild extends MeshBuild {
  manifests: ClusterManifests[];
}

/** Spec file + manifests → compiled mesh, with spec errors pointing at lines of the spec file. */
export function buildFromFiles(specFile: string, manifests: string[], cwd: string, specFlag?: string): FileBuild {
  return buildLoaded(loadSpec(specFile, cwd, specFlag), loadManifests(manifests, cwd));
}

function buildLoaded(spec: LoadedSpec, manifests: ClusterManifests[]): FileBuild {
  return explained(spec, () => ({ ...buildMesh(spec.value, manifests), manifests }));
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
export function buildAllFromFiles(specFiles: string[], manifests: string[], cwd: string): FileBuild[] {
  const specs = specFiles.map((f) => loadSpec(f, cwd));
  const loaded = loadManifests(manifests, cwd);
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
  return [...new Set(builds.flatMap((b) => [...b.compiled.objects.keys()]))].sort();
}
