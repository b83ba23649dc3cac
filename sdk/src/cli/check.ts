import { auditExisting, auditWiring, Finding, managedObjects } from "../mesh/audit";
import { buildAllFromFiles, clustersOf, objectsByCluster } from "./build";
import { loadExisting, usage } from "./inputs";
import { Io } from "./io";
import { summarize } from "./summary";

export interface CheckOptions {
  specs: string[];
  manifests: string[];
  /** `cluster=path` of objects already in the clusters. */
  existing: string[];
}

/** Exit code when check finds a problem: the input's to fix, like a spec error, and nothing to apply as it is. */
const EXIT_FINDINGS = 2;

/**
 * `globalmesh check`: validates the specs (and discovery from the manifests), prints the summary, then audits the
 * compiled objects for paths wider than a spec can declare. With `--existing`, it also audits globalmesh's own objects
 * already in the clusters the same way (edited after rendering, or rendered by another version), and reports the
 * objects there that the compiled ones would collide with. Writes nothing. Exit 0 when all is well, 2 with the
 * findings on stderr.
 */
export function check(opts: CheckOptions, io: Io): number {
  const builds = buildAllFromFiles(opts.specs, opts.manifests, io.cwd);
  const existing = loadExisting(opts.existing, io.cwd);
  const clusters = clustersOf(builds);
  const strays = [...existing.keys()].filter((c) => !clusters.includes(c));
  if (strays.length > 0)
    throw usage(
      `objects given for cluster${strays.length === 1 ? "" : "s"} ${strays.join(", ")}, not a member of any GlobalNamespace given; known clusters: ${clusters.join(", ")}`,
      "--existing",
    );
  io.stdout(builds.map((b) => summarize(b)).join("\n"));
  const objects = objectsByCluster(builds);
  const wiring = auditWiring(objects);
  const edited = auditWiring(managedObjects(existing));
  const collisions = auditExisting(objects, existing);
  if (wiring.length === 0 && edited.length === 0 && collisions.length === 0) return 0;
  const report: string[] = [];
  if (wiring.length > 0)
    report.push(
      `check: ${count(wiring.length, "finding")} in the wiring (paths wider than a spec declares):`,
      ...wiring.map(line),
    );
  if (edited.length > 0)
    report.push(
      `check: ${count(edited.length, "finding")} in the objects globalmesh manages already in the clusters (--existing; paths wider than a spec declares, edited after rendering?):`,
      ...edited.map(line),
    );
  if (collisions.length > 0)
    report.push(
      `check: ${count(collisions.length, "object")} already in the clusters collide${collisions.length === 1 ? "s" : ""} with the wiring (--existing):`,
      ...collisions.map(line),
    );
  io.stderr(report.join("\n") + "\n");
  return EXIT_FINDINGS;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

function line(f: Finding): string {
  return `  - ${f.cluster}: ${f.object}: ${f.what}; ${f.why}`;
}
