import { join, relative, resolve } from "node:path";
import { renderYaml } from "../mesh";
import { buildAllFromFiles, objectsByCluster } from "./build";
import { writeAtomically } from "./files";
import { Io } from "./io";
import { summarize } from "./summary";

export interface RenderOptions {
  /** One spec file per GlobalNamespace, in the order their objects go into each cluster's file. */
  specs: string[];
  manifests: string[];
  out: string;
}

/**
 * `globalmesh render`: one multi-document YAML file per cluster, holding the objects of every GlobalNamespace the
 * cluster is a member of (in spec order). Writes nothing unless the whole input is valid, claims included.
 */
export function render(opts: RenderOptions, io: Io): number {
  const builds = buildAllFromFiles(opts.specs, opts.manifests, io.cwd);
  const outDir = resolve(io.cwd, opts.out);
  const written = new Map<string, string>();
  for (const [cluster, objects] of objectsByCluster(builds)) {
    const file = join(outDir, `${cluster}.yaml`);
    writeAtomically(file, renderYaml(objects));
    written.set(cluster, relative(io.cwd, file));
  }
  io.stdout(builds.map((b) => summarize(b, written)).join("\n"));
  return 0;
}
