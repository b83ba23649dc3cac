import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ClusterManifests, IssueList, parseManifests, parseSpecYaml, SpecError, withLocations } from "../mesh";
import { fieldCheck, textGrammar } from "../mesh/checks";

/** Reading the CLI's inputs from disk. Everything here throws SpecError (exit code 2) on bad input. */

export interface LoadedSpec {
  value: unknown;
  source: string;
  /** Re-throws a SpecError from later stages with line numbers of this file. */
  explain: (e: SpecError) => SpecError;
}

const USAGE = { source: "usage", subject: "invalid command line" };

/** A mistake on the command line (exit code 2); `path` names the flag or argument. */
export function usage(message: string, path = ""): SpecError {
  return new SpecError([{ path, message }], USAGE.source, USAGE.subject);
}

/** `flag` names the file in messages: `--spec`, or `old spec` / `new spec` for diff. */
export function loadSpec(file: string, cwd: string, flag = "--spec"): LoadedSpec {
  const text = readInput(file, cwd, flag);
  const { value, locate } = parseSpecYaml(text, file);
  return { value, source: file, explain: (e) => withLocations(e, file, locate) };
}

/** A `<cluster>=<file-or-directory>` flag: `--manifests`, or `--existing` (objects already in the cluster). */
interface ClusterFilesFlag {
  flag: string;
  example: string;
  /** What the path holds, for the messages: "its manifests". */
  what: string;
  /** The fix when a path is missing or holds no YAML. */
  give: string;
  /** What a file that is not YAML is, for the message: "invalid manifests". */
  invalid: string;
}

const MANIFESTS: ClusterFilesFlag = {
  flag: "--manifests",
  example: "cluster1=manifests/cluster1.yaml",
  what: "its manifests",
  give: 'give a manifest file or a directory of them, e.g. "manifests/cluster1.yaml"',
  invalid: "invalid manifests",
};

const EXISTING: ClusterFilesFlag = {
  flag: "--existing",
  example: "cluster1=live/cluster1.yaml",
  what: "the objects already in it",
  give: 'give a YAML file of the objects in the cluster (e.g. from kubectl get -o yaml) or a directory of them, e.g. "live/cluster1.yaml"',
  invalid: "invalid existing objects",
};

/** `--manifests cluster=path` values → manifests per cluster; a directory means every .yaml/.yml file in it. */
export function loadManifests(values: string[], cwd: string): ClusterManifests[] {
  return loadClusterFiles(values, cwd, MANIFESTS);
}

/** `--existing cluster=path` values → the objects already in each cluster (multi-document YAML, as --manifests). */
export function loadExisting(values: string[], cwd: string): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const m of loadClusterFiles(values, cwd, EXISTING))
    out.set(m.cluster, [...(out.get(m.cluster) ?? []), ...m.objects]);
  return out;
}

function loadClusterFiles(values: string[], cwd: string, kind: ClusterFilesFlag): ClusterManifests[] {
  const issues = new IssueList();
  const check = fieldCheck(
    textGrammar("<cluster>=<file-or-directory>", `name the cluster, then ${kind.what}`, (s) => /^[^=]+=.+$/.test(s)),
  );
  const pairs = values.map((v) => check(issues, kind.flag, v, { example: kind.example }));
  issues.throwIfAny(USAGE.source, USAGE.subject);
  const out: ClusterManifests[] = [];
  for (const pair of pairs.filter((p): p is string => p !== undefined)) {
    const eq = pair.indexOf("=");
    const cluster = pair.slice(0, eq);
    for (const file of yamlFiles(resolve(cwd, pair.slice(eq + 1)), kind)) {
      const source = relative(cwd, file) || file;
      out.push({ cluster, source, objects: parseYaml(readFileSync(file, "utf8"), source, cluster, kind) });
    }
  }
  return out;
}

/**
 * One file of a `<cluster>=<file-or-directory>` flag, parsed. A YAML error names the file, its line and column, and
 * what the file was given as (not a GlobalNamespace spec).
 */
function parseYaml(text: string, source: string, cluster: string, kind: ClusterFilesFlag): unknown[] {
  try {
    return parseManifests(text, source);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    throw new SpecError(e.issues, e.source, `${kind.invalid} for cluster ${cluster} (${kind.flag}): not valid YAML`);
  }
}

function readInput(file: string, cwd: string, flag: string): string {
  try {
    return readFileSync(resolve(cwd, file), "utf8");
  } catch (e) {
    throw usage(
      `"${file}" cannot be read (${errorCode(e)}); give the path of a GlobalNamespace spec file, e.g. "gns.yaml"`,
      flag,
    );
  }
}

function yamlFiles(path: string, kind: ClusterFilesFlag): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw usage(`"${path}" cannot be read (${errorCode(e)}); ${kind.give}`, kind.flag);
  }
  if (stat.isFile()) return [path];
  const files = readdirSync(path, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(path, f))
    .filter((f) => statSync(f).isFile())
    .sort();
  if (files.length === 0) throw usage(`"${path}" has no .yaml or .yml files; ${kind.give}`, kind.flag);
  return files;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}
