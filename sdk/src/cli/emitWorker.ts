/**
 * A render worker thread: compiles and emits the clusters given to it, in order, as YAML documents, posting them in
 * batches to the render's main thread (which writes them). See emitInWorkers.ts for the protocol.
 */
import { MessagePort, workerData } from "node:worker_threads";
import { compileMesh, MeshModel, rememberingObjectYaml } from "../mesh";
import { clusterDocuments } from "./clusterDocuments";

/** What the main thread gives a worker. */
export interface EmitWork {
  models: MeshModel[];
  /** This worker's clusters, in the order the main thread reads them. */
  clusters: string[];
  port: MessagePort;
  /**
   * [0]: messages posted by any worker (the main thread sleeps on it); [1 + worker]: clusters the main thread read
   * from this worker; [1 + workers + worker]: messages this worker posted.
   */
  signal: Int32Array;
  worker: number;
  workers: number;
}

/** A message to the main thread. */
export type EmitMessage =
  | { kind: "documents"; cluster: string; documents: string[] }
  | { kind: "done"; cluster: string; counts: number[] }
  | { kind: "error"; message: string };

/**
 * How many clusters a worker may emit beyond the one the main thread is reading from it: little YAML waits in the
 * port (at most 1 + AHEAD clusters' per worker).
 */
const AHEAD = 1;

function run({ models, clusters, port, signal, worker, workers }: EmitWork): void {
  const post = (m: EmitMessage) => {
    port.postMessage(m);
    Atomics.add(signal, 1 + workers + worker, 1);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  try {
    const meshes = models.map((model) => ({ model, compiled: compileMesh(model) }));
    const emit = rememberingObjectYaml();
    clusters.forEach((cluster, j) => {
      // Cluster j waits until the main thread has read clusters 0 … j - AHEAD - 1 of this worker.
      for (let read = Atomics.load(signal, 1 + worker); read < j - AHEAD; read = Atomics.load(signal, 1 + worker))
        Atomics.wait(signal, 1 + worker, read, 1000);
      const own = clusterDocuments(meshes, cluster, emit);
      for (const documents of own.documents()) post({ kind: "documents", cluster, documents });
      post({ kind: "done", cluster, counts: own.counts });
    });
  } catch (e) {
    post({ kind: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

run(workerData as EmitWork);
