import { availableParallelism } from "node:os";
import { join } from "node:path";
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { MeshBuild } from "../mesh";
import { ClusterDocuments } from "./clusterDocuments";
import { usage } from "./inputs";
// Types only: loading emitWorker runs a worker.
import type { EmitMessage, EmitWork } from "./emitWorker";

/**
 * Emission on several cores. YAML emission is most of a large render's time (about 60 µs per object with js-yaml,
 * against 7 µs of compiling), so worker threads compile and emit shares of the clusters while the main thread writes
 * the files in order (it has enough to do: receiving, comparing with `--out`, writing). The main thread stays
 * synchronous: it sleeps on a shared counter the workers bump after every message and reads their ports with
 * receiveMessageOnPort. The files are byte for byte those of one thread.
 */

/**
 * Threads by default, at most: each costs its own heap (about 150 MB at 50 × 1000), and Node counts the host's cores,
 * not a container's CPU quota. More with GLOBALMESH_JOBS.
 */
export const MAX_DEFAULT_THREADS = 4;

/**
 * Below this many (cluster, service) pairs a render is quick on one thread, and starting workers costs what they save
 * (bench: 10 × 1000, 3.1 s either way; 50 × 500, 6.5 s on one thread and 3.9 s on two).
 */
export const WORKERS_FROM = 20_000;

/**
 * Longest silence of a worker the main thread waits on before the render gives up (a worker that died sends nothing,
 * and its exit is an event the synchronous render never sees). A working one posts a batch every few milliseconds.
 */
const SILENCE_MS = 60_000;

/**
 * How many threads emit: `GLOBALMESH_JOBS` when set (1: the main thread alone), else the machine's cores (at most
 * MAX_DEFAULT_THREADS) for a mesh of WORKERS_FROM pairs or more, else 1. Never more than the clusters.
 */
export function emissionThreads(
  builds: readonly MeshBuild[],
  env: Readonly<Record<string, string | undefined>> = {},
): number {
  const clusters = new Set(builds.flatMap((b) => b.model.clusters.map((c) => c.name))).size;
  const set = env.GLOBALMESH_JOBS;
  if (set !== undefined && set !== "") {
    const n = /^\d+$/.test(set) ? Number(set) : NaN;
    if (!(n >= 1))
      throw usage(
        `is "${set}": give a whole number of threads, 1 or more (1: the main thread alone)`,
        "GLOBALMESH_JOBS",
      );
    return Math.min(n, clusters);
  }
  const pairs = builds.reduce((n, b) => n + b.model.clusters.length * b.model.services.length, 0);
  return pairs < WORKERS_FROM ? 1 : Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_THREADS, clusters));
}

/** The clusters' documents, emitted on several threads; `close` stops the workers (always, also after an error). */
export interface WorkerEmission {
  clusters: ClusterDocuments[];
  close(): void;
}

/** Starts `threads` workers over the clusters (cluster i to worker i mod threads); the main thread reads in order. */
export function emitInWorkers(builds: readonly MeshBuild[], clusters: string[], threads: number): WorkerEmission {
  const signal = new Int32Array(new SharedArrayBuffer(4 * (1 + 2 * threads)));
  const workers: { worker: Worker; port: MessagePort }[] = [];
  const close = () => {
    for (const { worker, port } of workers) {
      port.close();
      void worker.terminate();
    }
  };
  try {
    for (let w = 0; w < threads; w++) {
      const { port1, port2 } = new MessageChannel();
      const work: EmitWork = {
        models: builds.map((b) => b.model),
        clusters: clusters.filter((_, i) => i % threads === w),
        port: port2,
        signal,
        worker: w,
        workers: threads,
      };
      const worker = startWorker(work, [port2]);
      // Errors come on the port; the 'error' event needs the event loop, which a render never yields to. Unref'd: the
      // process never waits for a worker (close terminates them).
      worker.on("error", () => undefined);
      worker.unref();
      workers.push({ worker, port: port1 });
    }
  } catch (e) {
    close();
    throw e;
  }
  /** Worker w's next message; it has been silent too long when its own count of messages stands still. */
  const next = (w: number): EmitMessage => {
    const posted = () => Atomics.load(signal, 1 + threads + w);
    let [count, since] = [posted(), Date.now()];
    for (;;) {
      const seen = Atomics.load(signal, 0);
      const received = receiveMessageOnPort(workers[w].port);
      if (received) return received.message as EmitMessage;
      Atomics.wait(signal, 0, seen, 1000);
      if (posted() !== count) [count, since] = [posted(), Date.now()];
      else if (Date.now() - since > SILENCE_MS)
        throw new Error(
          `internal: render worker ${w} sent nothing for ${SILENCE_MS / 1000} s (did it run out of memory?)`,
        );
    }
  };
  const fromWorker = (w: number, cluster: string): ClusterDocuments => {
    const counts = builds.map(() => 0);
    return {
      cluster,
      counts,
      *documents() {
        for (;;) {
          const m = next(w);
          if (m.kind === "error") throw new Error(`internal: render worker ${w}: ${m.message}`);
          if (m.cluster !== cluster)
            throw new Error(`internal: render worker ${w} sent ${m.cluster} where ${cluster} was due`);
          if (m.kind === "documents") yield m.documents;
          else {
            m.counts.forEach((n, k) => (counts[k] = n));
            Atomics.add(signal, 1 + w, 1);
            Atomics.notify(signal, 1 + w);
            return;
          }
        }
      },
    };
  };
  return {
    clusters: clusters.map((cluster, i) => fromWorker(i % threads, cluster)),
    close,
  };
}

/**
 * The worker, from the TypeScript sources through tsx in a checkout (as the command itself runs), else from dist/. A
 * worker that cannot even load says so on its port, like any other error.
 */
function startWorker(work: EmitWork, transfer: MessagePort[]): Worker {
  const typescript = __filename.endsWith(".ts");
  const entry = join(__dirname, typescript ? "emitWorker.ts" : "emitWorker.js");
  const code = [
    "try {",
    // An eval'd worker resolves modules from the working directory: the loader by its full path.
    typescript ? `  require(${JSON.stringify(require.resolve("tsx/cjs"))});` : "",
    `  require(${JSON.stringify(entry)});`,
    "} catch (e) {",
    '  const { workerData } = require("node:worker_threads");',
    '  workerData.port.postMessage({ kind: "error", message: String((e && e.stack) || e) });',
    "  Atomics.add(workerData.signal, 0, 1);",
    "  Atomics.notify(workerData.signal, 0);",
    "}",
  ].join("\n");
  // A smaller young generation than V8's default: several isolates' worth of it is most of a threaded render's
  // peak memory, and it costs no time here (bench: 50 × 1000, 2 threads).
  const resourceLimits = { maxYoungGenerationSizeMb: 8 };
  return new Worker(code, { eval: true, workerData: work, transferList: transfer, resourceLimits });
}
