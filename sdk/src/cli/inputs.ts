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

const MANIFESTS_EXAMPLE = "cluster1=manifests/cluster1.yaml";
const checkManifestsArg = fieldCheck(
  textGrammar("<cluster>=<file-or-directory>", "name the cluster, then its manifests", (s) => /^[^=]+=.+$/.test(s)),
);
const GIVE_MANIFESTS = 'give a manifest file or a directory of them, e.g. "manifests/cluster1.yaml"';

/** `--manifests cluster=path` values → manifests per cluster; a directory means every .yaml/.yml file in it. */
export function loadManifests(values: string[], cwd: string): ClusterManifests[] {
  const issues = new IssueList();
  const pairs = values.map((v) => checkManifestsArg(issues, "--manifests", v, { example: MANIFESTS_EXAMPLE }));
  issues.throwIfAny(USAGE.source, USAGE.subject);
  const out: ClusterManifests[] = [];
  for (const pair of pairs.filter((p): p is string => p !== undefined)) {
    const eq = pair.indexOf("=");
    const cluster = pair.slice(0, eq);
    for (const file of yamlFiles(resolve(cwd, pair.slice(eq + 1)))) {
      const source = relative(cwd, file) || file;
      out.push({ cluster, source, objects: parseManifests(readFileSync(file, "utf8"), source) });
    }
  }
  return out;
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

function yamlFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw usage(`"${path}" cannot be read (${errorCode(e)}); ${GIVE_MANIFESTS}`, "--manifests");
  }
  if (stat.isFile()) return [path];
  const files = readdirSync(path, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(path, f))
    .filter((f) => statSync(f).isFile())
    .sort();
  if (files.length === 0) throw usage(`"${path}" has no .yaml or .yml files; ${GIVE_MANIFESTS}`, "--manifests");
  return files;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}
