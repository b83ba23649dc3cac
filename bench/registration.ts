import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { RegistrationResult } from "./component";
import { MeshSize } from "./generate";
import { round } from "./stats";

/**
 * The component next to its floor, each in a fresh process with Node's default heap (tsx bench/component.ts): the
 * floor first, then the component, then (when asked) the component with declared calls. The ratio is of CPU time,
 * which a machine shared with other work disturbs less than wall time; both are kept.
 */
export interface RegistrationPair {
  size: MeshSize;
  objects: number;
  floor: Measured;
  component: Measured;
  /** component ÷ floor, CPU time (wall time in `wallRatio`). */
  ratio: number;
  wallRatio: number;
  withCalls?: Measured & { objects: number };
}

export type Measured = { ms: number; cpuMs: number; peakMb: number } | { error: string };

const SCRIPT = join(__dirname, "component.ts");

function runOne(kind: "component" | "floor", size: MeshSize, calls: boolean): RegistrationResult | { error: string } {
  const args = ["--import", "tsx", SCRIPT, kind, String(size.clusters), String(size.services)];
  const r = spawnSync(process.execPath, calls ? [...args, "calls"] : args, { encoding: "utf8" });
  // At exit Pulumi reports the promises a preview leaves pending (outputs never resolved) and sets exit code 1:
  // the result line printed before is what counts.
  const last = r.stdout.trim().split("\n").pop() ?? "";
  if (last.startsWith("{")) return JSON.parse(last) as RegistrationResult;
  const oom = /heap out of memory|Allocation failed/i.test(r.stderr);
  return { error: oom ? "out of memory (Node's default heap)" : `exit ${r.status}: ${r.stderr.slice(-500)}` };
}

function measured(r: RegistrationResult | { error: string }): Measured {
  return "error" in r ? r : { ms: round(r.ms), cpuMs: round(r.cpuMs), peakMb: r.peakMb };
}

export function measureRegistration(size: MeshSize, withCalls: boolean): RegistrationPair {
  const floor = runOne("floor", size, false);
  const component = runOne("component", size, false);
  const ratio = (f: (r: RegistrationResult) => number) =>
    "error" in floor || "error" in component ? NaN : round(f(component) / f(floor), 2);
  const calls = withCalls ? runOne("component", size, true) : undefined;
  return {
    size,
    objects: "error" in component ? ("error" in floor ? 0 : floor.objects) : component.objects,
    floor: measured(floor),
    component: measured(component),
    ratio: ratio((r) => r.cpuMs),
    wallRatio: ratio((r) => r.ms),
    ...(calls && {
      withCalls: { ...measured(calls), objects: "error" in calls ? 0 : calls.objects },
    }),
  };
}

/**
 * The largest mesh the component registers within Node's default heap: meshes of `clusters` clusters, services
 * doubled from `from` until a run fails, then halved back once (a bracket, not an exact limit).
 */
export function largestRegistered(
  clusters: number,
  from: number,
  calls: boolean,
  limitServices = 1000,
): { largest?: { size: MeshSize; objects: number; ms: number }; failed?: { size: MeshSize; error: string } } {
  let largest: { size: MeshSize; objects: number; ms: number } | undefined;
  for (let services = from; services <= limitServices; services *= 2) {
    const size = { clusters, services };
    const r = runOne("component", size, calls);
    if ("error" in r) return { largest, failed: { size, error: r.error } };
    largest = { size, objects: r.objects, ms: round(r.ms) };
  }
  return { largest };
}
