/**
 * `npm run e2e`: the conformance run on two kind clusters (README "Conformance run on real clusters").
 *
 *   npm run e2e             create the clusters, deploy, check, delete everything (also when a check fails)
 *   npm run e2e -- --keep   leave the clusters and the stack for a look; prints how to reach and delete them
 *
 * Without docker, kind, kubectl, istioctl or pulumi on PATH it says which are missing, prints `e2e: skipped` and exits
 * 0 having started nothing and written nothing (the npm script turns tsx's compile cache off for that).
 *
 * Steps: two kind clusters on the one `kind` Docker network (distinct pod and service CIDRs) → MetalLB in each, with
 * its own slice of the network's IPv4 subnet → the e2e Pulumi program on a local backend (`pulumi up`: MeshTrust,
 * MeshCluster ×2, acme-fitness, curl clients, the GlobalNamespace) → the checks (e2e/checks.ts) → clean up.
 * Exit 0 when every check passes, 1 otherwise.
 *
 * Tunnel mode only. East-west mode (end-to-end mTLS through the east-west gateways) is not built yet; its run comes
 * with it.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckResult, runChecks } from "./checks";
import {
  createCluster,
  deleteCluster,
  existingKindClusters,
  installMetallb,
  kindSubnet,
  newWorkspace,
  printDiagnostics,
  Workspace,
} from "./clusters";
import { interrupt, resume, run } from "./exec";
import { CLUSTERS, KindCluster, metallbRanges } from "./network";
import { createStack, outputs, removeStack, shellEnv, STACK, STACK_CONFIG_FILE, up, PROGRAM_DIR } from "./stack";
import { isOnPath, missingTools, skipReport, versionWarning } from "./tools";
import { TOOLS } from "./versions";

const USAGE = "usage: npm run e2e [-- --keep]";

function main(argv: string[]): number {
  const unknown = argv.filter((a) => a !== "--keep");
  if (unknown.length) {
    console.error(`e2e: unknown argument ${unknown.join(" ")}\n${USAGE}`);
    return 2;
  }
  const keep = argv.includes("--keep");

  // Before anything else: the tools. Missing ones → skipped, nothing started, nothing written.
  const missing = missingTools(TOOLS, (name) => isOnPath(name, process.env.PATH));
  if (missing.length) {
    for (const line of skipReport(missing)) console.log(line);
    return 0;
  }
  for (const t of TOOLS) {
    const r = run(t.name, t.versionArgs, { quiet: true, allowFail: true });
    const warning = versionWarning(t, `${r.stdout}\n${r.stderr}`);
    if (warning) console.log(warning);
  }
  if (run("docker", ["info", "--format", "{{.ServerVersion}}"], { quiet: true, allowFail: true }).status !== 0) {
    console.error("e2e: docker is on PATH but its daemon does not answer (`docker info` fails); start Docker first");
    return 1;
  }
  // Never reuse or delete what this run did not create.
  const existing = existingKindClusters();
  const leftovers = CLUSTERS.map((c) => c.kindName).filter((n) => existing.includes(n));
  if (leftovers.length || existsSync(STACK_CONFIG_FILE)) {
    console.error(
      [
        "e2e: an earlier run (--keep?) left these behind; delete them first:",
        ...leftovers.map((n) => `  kind delete cluster --name ${n}`),
        ...(existsSync(STACK_CONFIG_FILE)
          ? [`  rm ${STACK_CONFIG_FILE}   (its stack lived in that run's backend)`]
          : []),
      ].join("\n"),
    );
    return 1;
  }

  const ws = newWorkspace(mkdtempSync(join(tmpdir(), "globalmesh-e2e-")));
  const created: KindCluster[] = [];
  const started = Date.now();
  let results: CheckResult[] = [];
  let error: unknown;
  let interrupted = false;
  process.on("SIGINT", () => {
    // A second Ctrl-C leaves at once (the clean-up commands print what they were doing).
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error("e2e: interrupted; cleaning up after the current command (Ctrl-C again to leave at once)");
    interrupt();
  });
  try {
    for (const c of CLUSTERS) {
      created.push(c);
      createCluster(ws, c);
    }
    const subnet = kindSubnet();
    const ranges = metallbRanges(subnet, CLUSTERS.length);
    console.log(
      `e2e: kind network ${subnet}; MetalLB pools ${CLUSTERS.map((c, i) => `${c.meshName} ${ranges[i]}`).join(", ")}`,
    );
    CLUSTERS.forEach((c, i) => installMetallb(ws, c, ranges[i]));
    createStack(ws);
    up(ws);
    results = runChecks(ws, outputs(ws), ranges);
  } catch (e) {
    error = e;
  }

  const failed = error !== undefined || results.length === 0 || results.some((r) => !r.ok);
  if (error !== undefined) console.error(`e2e: ERROR ${error instanceof Error ? error.message : String(error)}`);
  if (failed && created.length) printDiagnostics(ws);
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(
    `e2e: ${results.filter((r) => r.ok).length} of ${results.length} checks passed` +
      `${error !== undefined ? ", the run stopped on an error" : ""}; ${minutes} min (clusters to checks)`,
  );
  cleanUp(ws, created, keep);
  console.log(failed ? "e2e: FAIL" : "e2e: PASS");
  return failed ? 1 : 0;
}

function cleanUp(ws: Workspace, created: KindCluster[], keep: boolean) {
  resume();
  if (keep) {
    console.log(
      [
        "e2e: kept (--keep). To look:",
        ...created.map((c) => `  kubectl --kubeconfig ${ws.kubeconfig[c.meshName]} get pods -A      # ${c.meshName}`),
        `  ${shellEnv(ws)} pulumi -C ${PROGRAM_DIR} stack output -s ${STACK}`,
        "To delete:",
        ...created.map((c) => `  kind delete cluster --name ${c.kindName}`),
        `  ${shellEnv(ws)} pulumi -C ${PROGRAM_DIR} stack rm ${STACK} --force --yes`,
        `  rm -rf ${ws.dir}`,
      ].join("\n"),
    );
    return;
  }
  // The clusters first: the stack's resources go with them, so the stack is then removed, not destroyed.
  for (const c of created) deleteCluster(ws, c);
  removeStack(ws);
  rmSync(ws.dir, { recursive: true, force: true });
}

process.exitCode = main(process.argv.slice(2));
