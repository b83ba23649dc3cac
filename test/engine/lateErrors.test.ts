import { join } from "node:path";
import { kubeconfig } from "./programs";
import { RunResult, runProgram } from "./runProgram";

/**
 * Values known only at deploy time are checked when they resolve (sdk/src/whenKnown.ts). Through Pulumi's own runner
 * the failure must arrive as the check's message, and promptly: an error with stack frames costs 15 s to minutes on
 * Node 20.20 (harness.test.ts), one without is reported in about the time of a run.
 */
const DIR = join(__dirname, "fixtures", "late-errors");
const TOKEN = "stand-in-token-one-line";
const run = (mode: string) =>
  runProgram({
    dir: DIR,
    preview: false,
    config: { mode, kubeconfig: kubeconfig("c"), token: TOKEN },
    secretKeys: ["kubeconfig", "token"],
  });

describe("errors found once a value resolves", () => {
  const runs: Record<string, RunResult> = {};
  beforeAll(async () => {
    [runs.kubeconfig, runs.ingress, runs.secretLine] = await Promise.all([
      run("kubeconfig"),
      run("ingress"),
      run("secret-line"),
    ]);
  }, 120_000);

  test("a bad kubeconfig Output fails the run with KubeconfigCluster's message, without a stack", () => {
    const r = runs.kubeconfig;
    expect(r.exitCode).not.toBe(0);
    expect(r.errors.join("\n")).toMatch(/KubeconfigCluster "c1": invalid arguments/);
    expect(r.errors.join("\n")).not.toMatch(/\n\s+at /);
    // Far below the minutes an error with frames can take; the missing frames are the real check.
    expect(r.durationMs).toBeLessThan(30_000);
  });

  test("a bad ingress address Output fails the run naming the cluster, without a stack", () => {
    const r = runs.ingress;
    expect(r.exitCode).not.toBe(0);
    expect(r.errors.join("\n")).toContain(
      `cluster c2: ingress address "not an address!" is neither an IP address nor a DNS name; check the ingress gateway's load balancer`,
    );
    expect(r.errors.join("\n")).not.toMatch(/\n\s+at /);
    // Far below the minutes an error with frames can take; the missing frames are the real check.
    expect(r.durationMs).toBeLessThan(30_000);
  });

  test("a one-line secret given as a kubeconfig fails the run without printing it", () => {
    const r = runs.secretLine;
    expect(r.exitCode).not.toBe(0);
    expect(r.errors.join("\n")).toContain("is neither kubeconfig text");
    expect(r.errors.join("\n")).toContain(`a ${TOKEN.length}-character value, not shown`);
    expect(`${r.stdout}\n${r.stderr}\n${r.errors.join("\n")}`).not.toContain(TOKEN);
  });
});
