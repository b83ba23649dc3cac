import { join, relative, resolve } from "node:path";
import { renderYaml } from "../mesh";
import { buildFromFiles } from "./build";
import { writeAtomically } from "./files";
import { Io } from "./io";
import { summarize } from "./summary";

export interface RenderOptions {
  spec: string;
  manifests: string[];
  out: string;
}

/** `globalmesh render`: one multi-document YAML file per cluster. Writes nothing unless the whole input is valid. */
export function render(opts: RenderOptions, io: Io): number {
  const build = buildFromFiles(opts.spec, opts.manifests, io.cwd);
  const outDir = resolve(io.cwd, opts.out);
  const written = new Map<string, string>();
  for (const [cluster, objects] of build.compiled.objects) {
    const file = join(outDir, `${cluster}.yaml`);
    writeAtomically(file, renderYaml(objects));
    written.set(cluster, relative(io.cwd, file));
  }
  io.stdout(summarize(build, written));
  return 0;
}
