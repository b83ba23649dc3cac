/**
 * `npm run bench`: generated meshes of C clusters × S services (bench/generate.ts), measured in this process (compile,
 * emission, sizes, hosts per sidecar), as whole `globalmesh render` processes (wall, CPU, peak memory, re-render), and
 * through the GlobalNamespace component under setMocks next to its floor. Prints tables and writes
 * bench/results.json (with the machine's load average, since a busy machine makes every time longer).
 *
 *   npm run bench [-- --quick] [--sizes 10x100,50x1000] [--skip process,component,emitters] [--runs N]
 *                 [--largest] [--results <file>]
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureEmitters } from "./emitters";
import { MeshSize } from "./generate";
import { measureMesh, MeshResult } from "./inprocess";
import { measureProcess, ProcessResult } from "./process";
import { largestRegistered, measureRegistration, RegistrationPair } from "./registration";
import { round } from "./stats";
import { formatTables } from "./table";

const GRID: MeshSize[] = [2, 10, 50].flatMap((clusters) => [10, 100, 1000].map((services) => ({ clusters, services })));
/** Half the services of the largest mesh: the 2× services ratio. */
const HALF: MeshSize = { clusters: 50, services: 500 };
/** Component sizes: about 1k, 5k and 20k objects. */
const COMPONENT: MeshSize[] = [
  { clusters: 5, services: 29 },
  { clusters: 10, services: 72 },
  { clusters: 20, services: 143 },
];

export interface BenchResults {
  date: string;
  machine: {
    cpus: number;
    model: string;
    memoryGb: number;
    node: string;
    loadavgStart: number[];
    loadavgEnd: number[];
  };
  options: { quick: boolean; runs: number; sizes: string[] };
  emitters?: ReturnType<typeof measureEmitters>;
  meshes: MeshResult[];
  processes: ProcessResult[];
  registration: RegistrationPair[];
  largest?: Record<string, ReturnType<typeof largestRegistered>>;
  /** Time for 2× services at 50 clusters (50 × 1000 over 50 × 500). */
  doubleServices?: { processWall: number; processCpu: number; compileAndEmit: number };
  totalSeconds: number;
}

function sizeOf(text: string): MeshSize {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--sizes: "${text}" is not <clusters>x<services>, e.g. 10x100`);
  return { clusters: Number(m[1]), services: Number(m[2]) };
}

const label = (s: MeshSize) => `${s.clusters}x${s.services}`;

function main(): void {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean" },
      sizes: { type: "string" },
      skip: { type: "string" },
      runs: { type: "string" },
      largest: { type: "boolean" },
      results: { type: "string" },
    },
  });
  const started = performance.now();
  const loadavgStart = loadavg().map((l) => round(l, 2));
  const quick = values.quick === true;
  const skip = new Set((values.skip ?? "").split(",").filter(Boolean));
  const runs = values.runs ? Number(values.runs) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: "${values.runs}" is not a positive whole number`);
  const sizes = values.sizes
    ? values.sizes.split(",").map(sizeOf)
    : quick
      ? [
          { clusters: 2, services: 10 },
          { clusters: 10, services: 100 },
          { clusters: 50, services: 100 },
        ]
      : [...GRID, HALF];
  sizes.sort((a, b) => a.clusters * a.services - b.clusters * b.services);
  const log = (text: string) => process.stderr.write(`${text}\n`);

  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? "unknown",
      memoryGb: round(totalmem() / 2 ** 30),
      node: process.version,
      loadavgStart,
      loadavgEnd: [],
    },
    options: { quick, runs, sizes: sizes.map(label) },
    meshes: [],
    processes: [],
    registration: [],
    totalSeconds: 0,
  };
  if (!skip.has("emitters")) {
    log("emitters: 10x100 …");
    results.emitters = measureEmitters({ clusters: 10, services: 100 }, quick ? 1 : runs);
  }
  for (const size of sizes) {
    log(`in process: ${label(size)} …`);
    const small = size.clusters * size.services < 10000;
    results.meshes.push(measureMesh(size, small ? runs + 2 : runs, small ? 1 : 0, true));
  }
  if (!skip.has("process"))
    for (const size of quick ? sizes.filter((s) => s.clusters * s.services <= 1000) : sizes) {
      log(`render process: ${label(size)} …`);
      results.processes.push(measureProcess(size, runs));
    }
  if (!skip.has("component"))
    for (const size of quick ? COMPONENT.slice(0, 1) : COMPONENT.slice(1)) {
      log(`component and floor: ${label(size)} …`);
      results.registration.push(measureRegistration(size, true));
    }
  if (values.largest) {
    log("largest component mesh within the default heap (slow) …");
    results.largest = {
      withoutCalls: largestRegistered(20, 125, false),
      withCalls: largestRegistered(50, 125, true),
    };
  }
  results.doubleServices = doubleServices(results);
  results.machine.loadavgEnd = loadavg().map((l) => round(l, 2));
  results.totalSeconds = round((performance.now() - started) / 1000);
  const file = values.results ?? join(__dirname, "results.json");
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(formatTables(results));
  log(`results: ${file}`);
}

function doubleServices(r: BenchResults): BenchResults["doubleServices"] {
  const find = <T extends { size: MeshSize }>(list: T[], s: number) =>
    list.find((x) => x.size.clusters === 50 && x.size.services === s);
  const [p1, p2] = [find(r.processes, 500), find(r.processes, 1000)];
  const [m1, m2] = [find(r.meshes, 500), find(r.meshes, 1000)];
  if (!m1 || !m2) return undefined;
  return {
    processWall: p1 && p2 ? round(p2.wallMs / p1.wallMs, 2) : NaN,
    processCpu: p1 && p2 ? round(p2.cpuMs / p1.cpuMs, 2) : NaN,
    compileAndEmit: round((m2.compileMs + m2.emitMs) / (m1.compileMs + m1.emitMs), 2),
  };
}

main();
