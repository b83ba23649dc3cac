import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateSpec, MeshSize } from "./generate";
import { median, round } from "./stats";

const ROOT = resolve(__dirname, "..");
const BIN = join(ROOT, "sdk", "bin", "globalmesh.js");
const PEAK = join(__dirname, "peak.cjs");

/** `globalmesh render` of a generated spec as its own process: what a user or a CI job waits for. */
export interface ProcessResult {
  size: MeshSize;
  /** Threads that emitted YAML, as the render reports it (`-o json`): GLOBALMESH_JOBS, or the cores for a large mesh. */
  threads: number;
  /** With several threads: the same render on the main thread alone (GLOBALMESH_JOBS=1). */
  oneThread?: { wallMs: number; cpuMs: number; peakMb: number };
  /** Median wall time of a render into an empty --out, ms (process start to exit, TypeScript loaded by tsx). */
  wallMs: number;
  runsMs: number[];
  /** Median CPU time of those runs, ms. */
  cpuMs: number;
  /** Most resident memory any run reached, MB. */
  peakMb: number;
  /** Wall time of rendering the same spec again into the now full --out (reads the files there: the apply order). */
  rerenderMs: number;
  /** Bytes of all files written. */
  bytes: number;
}

interface Run {
  wallMs: number;
  cpuMs: number;
  peakMb: number;
  threads: number;
}

function renderOnce(spec: string, out: string, env: Record<string, string> = {}): Run {
  const peakFile = join(out, "..", `peak-${Math.random().toString(36).slice(2)}.json`);
  const start = performance.now();
  // -o json: the render says how many threads it used.
  const r = spawnSync(process.execPath, [BIN, "render", "--spec", spec, "--out", out, "-o", "json"], {
    env: { ...process.env, ...env, NODE_OPTIONS: `--require ${PEAK}`, BENCH_PEAK_FILE: peakFile },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`globalmesh render exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const peak = JSON.parse(readFileSync(peakFile, "utf8")) as { maxRssKb: number; cpuMs: number };
  rmSync(peakFile, { force: true });
  const { threads } = JSON.parse(r.stdout) as { threads: number };
  return { wallMs, cpuMs: peak.cpuMs, peakMb: peak.maxRssKb / 1024, threads };
}

/** Median wall and CPU, most memory, of several runs. */
function summary(runs: Run[]): { wallMs: number; cpuMs: number; peakMb: number } {
  return {
    wallMs: round(median(runs.map((r) => r.wallMs))),
    cpuMs: round(median(runs.map((r) => r.cpuMs))),
    peakMb: round(Math.max(...runs.map((r) => r.peakMb))),
  };
}

export function measureProcess(size: MeshSize, runs: number): ProcessResult {
  const dir = mkdtempSync(join(tmpdir(), "globalmesh-bench-"));
  try {
    const spec = join(dir, "gns.json");
    // JSON is YAML: the CLI reads it as any spec file.
    writeFileSync(spec, JSON.stringify(generateSpec(size)));
    const all: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const out = join(dir, `out-${i}`);
      all.push(renderOnce(spec, out));
      if (i < runs - 1) rmSync(out, { recursive: true, force: true });
    }
    const last = join(dir, `out-${runs - 1}`);
    const rerender = renderOnce(spec, last);
    const bytes = spawnSync("du", ["-sb", last], { encoding: "utf8" }).stdout.split(/\s/)[0];
    const threads = Math.max(...all.map((r) => r.threads));
    const alone = (i: number) => {
      const out = join(dir, `one-${i}`);
      const run = renderOnce(spec, out, { GLOBALMESH_JOBS: "1" });
      rmSync(out, { recursive: true, force: true });
      return run;
    };
    return {
      size,
      threads,
      ...(threads > 1 && { oneThread: summary(Array.from({ length: runs }, (_, i) => alone(i))) }),
      ...summary(all),
      runsMs: all.map((r) => round(r.wallMs)),
      rerenderMs: round(rerender.wallMs),
      bytes: Number(bytes),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
