import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ClusterManifests, parseManifests, parseSpecYaml, SpecError, withLocations } from "../mesh";

/** Reading the CLI's inputs from disk. Everything here throws SpecError (exit code 2) on bad input. */

export interface LoadedSpec {
  value: unknown;
  source: string;
  /** Re-throws a SpecError from later stages with line numbers of this file. */
  explain: (e: SpecError) => SpecError;
}

/** `flag` names the file in messages: `--spec`, or `old spec` / `new spec` for diff. */
export function loadSpec(file: string, cwd: string, flag = "--spec"): LoadedSpec {
  const text = readInput(file, cwd, flag);
  const { value, locate } = parseSpecYaml(text, file);
  return { value, source: file, explain: (e) => withLocations(e, file, locate) };
}

/** `--manifests cluster=path` values → manifests per cluster; a directory means every .yaml/.yml file in it. */
export function loadManifests(values: string[], cwd: string): ClusterManifests[] {
  const out: ClusterManifests[] = [];
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0 || eq === v.length - 1) throw usage(`--manifests ${v}: expected <cluster>=<file-or-directory>, e.g. cluster1=manifests/cluster1.yaml`);
    const cluster = v.slice(0, eq);
    const path = v.slice(eq + 1);
    for (const file of yamlFiles(resolve(cwd, path), `--manifests ${v}`)) {
      const source = relative(cwd, file) || file;
      out.push({ cluster, source, objects: parseManifests(readFileSync(file, "utf8"), source) });
    }
  }
  return out;
}

export function usage(message: string): SpecError {
  return new SpecError([{ path: "", message }], "usage");
}

function readInput(file: string, cwd: string, flag: string): string {
  try {
    return readFileSync(resolve(cwd, file), "utf8");
  } catch (e) {
    throw usage(`${flag} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function yamlFiles(path: string, flag: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw usage(`${flag}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (stat.isFile()) return [path];
  const files = readdirSync(path, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(path, f))
    .filter((f) => statSync(f).isFile())
    .sort();
  if (files.length === 0) throw usage(`${flag}: no .yaml or .yml files in ${path}`);
  return files;
}
