import { MeshBuild, rememberingObjectYaml } from "../mesh";

/**
 * What render writes for each cluster: the YAML documents of every GlobalNamespace's objects there, compiled and
 * emitted one cluster at a time so that no more than one cluster's objects are held.
 */

/** Documents per batch handed to the writer: few hand-overs, little held at once. */
export const BATCH = 500;

/** A cluster's documents, in file order, in batches; `counts[i]`: objects of builds[i] there, set once done. */
export interface ClusterDocuments {
  cluster: string;
  documents(): Iterable<string[]>;
  readonly counts: number[];
}

/** The clusters of the builds, each once: the first build's in its order, then those only later builds have. */
export function clustersInOrder(builds: readonly MeshBuild[]): string[] {
  return [...new Set(builds.flatMap((b) => b.model.clusters.map((c) => c.name)))];
}

/**
 * The builds' objects for one cluster (builds in order, each build's objects in its order), emitted here; `emit`:
 * shared by the clusters of one render, so what recurs from cluster to cluster is dumped once.
 */
export function clusterDocuments(
  builds: readonly MeshBuild[],
  cluster: string,
  emit = rememberingObjectYaml(),
): ClusterDocuments {
  const counts = builds.map(() => 0);
  return {
    cluster,
    counts,
    *documents() {
      for (const [i, build] of builds.entries()) {
        if (!build.model.clusters.some((c) => c.name === cluster)) continue;
        const objects = build.compiled.cluster(cluster);
        counts[i] = objects.length;
        for (let k = 0; k < objects.length; k += BATCH) yield objects.slice(k, k + BATCH).map(emit);
      }
    },
  };
}
