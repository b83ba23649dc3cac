import { MeshBuild, MeshObject, rememberingObjectYaml } from "../mesh";

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
  builds: readonly Pick<MeshBuild, "model" | "compiled">[],
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
        yield* documentBatches(build.compiled.stream(cluster), emit, (n) => (counts[i] = n));
      }
    },
  };
}

/**
 * Objects as YAML documents in batches of BATCH, each object compiled and emitted as it comes (so it is garbage once
 * its batch is written); `counted` hears how many there were.
 */
function* documentBatches(
  objects: Iterable<MeshObject>,
  emit: (object: MeshObject) => string,
  counted: (objects: number) => void,
): Generator<string[]> {
  let batch: string[] = [];
  let n = 0;
  for (const object of objects) {
    batch.push(emit(object));
    n++;
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
  counted(n);
}
