import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { renderYaml } from "../mesh";
import { buildFromFiles } from "./build";
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
  mkdirSync(outDir, { recursive: true });
  const written = new Map<string, string>();
  for (const [cluster, objects] of build.compiled.objects) {
    const file = join(outDir, `${cluster}.yaml`);
    // Write beside, then rename: a reader never sees half a file.
    writeFileSync(`${file}.tmp`, renderYaml(objects));
    renameSync(`${file}.tmp`, file);
    written.set(cluster, relative(io.cwd, file));
  }
  io.stdout(summarize(build, written));
  return 0;
}
