import { auditExisting, auditPrerequisites, auditWiring, Finding, managedObjects, MeshBuild } from "../mesh";
import { buildAllFromFiles, clustersOf, objectsByCluster } from "./build";
import { loadExisting, usage } from "./inputs";
import { Io } from "./io";
import { jsonDocument, OutputFormat } from "./json";
import { summarize, summaryData, warningsOf } from "./summary";

export interface CheckOptions {
  specs: string[];
  manifests: string[];
  /** `cluster=path` of objects already in the clusters. */
  existing: string[];
  output?: OutputFormat;
  /** Print only the findings (and warnings). */
  quiet?: boolean;
  allowEmpty?: boolean;
}

/** Exit code when check finds a problem: the input's to fix, like a spec error, and nothing to apply as it is. */
const EXIT_FINDINGS = 2;

/** The kinds of finding, in report order, and the sentence that heads each group. */
const GROUPS = [
  ["wiring", "in the wiring (paths wider than a spec declares)"],
  [
    "managed",
    "in the objects globalmesh manages already in the clusters (--existing; paths wider than a spec declares, edited after rendering?)",
  ],
  ["collision", ""],
  ["prerequisite", "about what the clusters need first (--existing; like istioctl analyze)"],
] as const;

type Category = (typeof GROUPS)[number][0];

/**
 * `globalmesh check`: validates the specs (and discovery from the manifests), prints the summary, then audits the
 * compiled objects for paths wider than a spec can declare. With `--existing`, it also audits globalmesh's own objects
 * already in the clusters the same way (edited after rendering, or rendered by another version), reports the objects
 * there that the compiled ones would collide with, and checks what the clusters need first (egress gateway, or in
 * east-west mode the east-west gateway; DNS capture; no DestinationRule or Gateway in the way). Writes nothing. Exit 0 when no finding is an error, 2 when one is
 * (the findings on stderr, or in the JSON on stdout with `-o json`).
 */
export function check(opts: CheckOptions, io: Io): number {
  const existing = loadExisting(opts.existing, io.cwd, io);
  const builds = buildAllFromFiles(opts.specs, opts.manifests, io.cwd, { allowEmpty: opts.allowEmpty, io });
  const clusters = clustersOf(builds);
  const strays = [...existing.keys()].filter((c) => !clusters.includes(c));
  if (strays.length > 0)
    throw usage(
      `objects given for cluster${strays.length === 1 ? "" : "s"} ${strays.join(", ")}, not a member of any GlobalNamespace given; known clusters: ${clusters.join(", ")}`,
      "--existing",
    );
  const objects = objectsByCluster(builds);
  const prerequisites = new Map(
    builds.flatMap((b) => b.model.clusters.map((c) => ({ ...c, mode: b.model.mode }))).map((c) => [c.name, c] as const),
  );
  const members = membersByCluster(builds);
  const findings: [Category, Finding[]][] = [
    ["wiring", auditWiring(objects, { members })],
    // A dump may hold some clusters or kinds only: where callers are sent is read from the compiled wiring.
    ["managed", auditWiring(managedObjects(existing), { members, callers: objects })],
    ["collision", auditExisting(objects, existing)],
    ["prerequisite", auditPrerequisites([...prerequisites.values()], objects, existing)],
  ];
  const errors = findings.flatMap(([, f]) => f).filter((f) => severity(f) === "error").length;
  const code = errors > 0 ? EXIT_FINDINGS : 0;
  const warnings = builds.flatMap((b) => warningsOf(b).map((w) => `${b.source}: ${w}`));
  if (opts.output === "json") {
    io.stdout(
      jsonDocument("CheckResult", {
        ok: code === 0,
        globalNamespaces: builds.map((b) => summaryData(b)),
        findings: findings.flatMap(([category, list]) =>
          list.map((f) => ({
            severity: severity(f),
            category,
            cluster: f.cluster,
            object: f.object,
            what: f.what,
            why: f.why,
          })),
        ),
      }),
    );
    for (const w of warnings) io.stderr(`warning: ${w}\n`);
    return code;
  }
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  if (!opts.quiet) io.stdout(builds.map((b) => summarize(b)).join("\n"));
  const report: string[] = [];
  for (const [category, list] of findings) {
    if (list.length === 0) continue;
    report.push(heading(category, list), ...list.map(line));
  }
  if (report.length > 0) io.stderr(report.join("\n") + "\n");
  return code;
}

/** Per cluster, per GlobalNamespace, its namespaces there: what an east-west passthrough host may name. */
function membersByCluster(builds: readonly MeshBuild[]): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const b of builds)
    for (const c of b.model.clusters) {
      const byMesh = out.get(c.name) ?? new Map<string, string[]>();
      out.set(c.name, byMesh.set(b.model.name, c.namespaces));
    }
  return out;
}

function heading(category: Category, list: Finding[]): string {
  if (category === "collision")
    return `check: ${count(list.length, "object")} already in the clusters collide${list.length === 1 ? "s" : ""} with the wiring (--existing):`;
  const group = GROUPS.find(([c]) => c === category)?.[1] ?? "";
  return `check: ${count(list.length, "finding")} ${group}:`;
}

function severity(f: Finding): "error" | "warning" {
  return f.severity ?? "error";
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

/** One line per finding: severity, cluster, object, what, then why and the fix. */
function line(f: Finding): string {
  return `  - ${severity(f)} ${f.cluster}: ${f.object}: ${f.what}; ${f.why}`;
}
