import { extname, relative, resolve } from "node:path";
import { buildTopology, Topology, topologyToDot, topologyToMermaid } from "../mesh";
import { buildFromFiles } from "./build";
import { writeAtomically } from "./files";
import { usage } from "./inputs";
import { Io } from "./io";

export interface GraphOptions {
  spec: string;
  manifests: string[];
  out: string;
}

const FORMATS = [".svg", ".dot", ".mmd"];

/** `globalmesh graph`: the topology as SVG (laid out by Graphviz), DOT or Mermaid, chosen by the file extension. */
export async function graph(opts: GraphOptions, io: Io): Promise<number> {
  const format = extname(opts.out).toLowerCase();
  if (!FORMATS.includes(format))
    throw usage(
      `"${opts.out}" does not end in ${FORMATS.join(", ")}; name the file after the format, e.g. "topology.svg"`,
      "--out",
    );
  const build = buildFromFiles(opts.spec, opts.manifests, io.cwd);
  const topology = buildTopology(build, build.manifests);
  const text =
    format === ".mmd"
      ? topologyToMermaid(topology)
      : format === ".dot"
        ? topologyToDot(topology)
        : await svgOf(topologyToDot(topology));
  const file = resolve(io.cwd, opts.out);
  writeAtomically(file, text);
  io.stdout(`${relative(io.cwd, file)}: ${describe(topology)}\n`);
  return 0;
}

async function svgOf(dot: string): Promise<string> {
  // An ES module (with its WebAssembly inlined): loaded only when an SVG is asked for.
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  return (await Graphviz.load()).dot(dot, "svg");
}

function describe(t: Topology): string {
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const calls = t.callers.map((c) => `${c.workload} → ${hostOf(t, c.service)}`);
  return [
    plural(t.clusters.length, "cluster"),
    plural(t.services.length, "service"),
    plural(t.routes.length, "cross-cluster route"),
    `${plural(calls.length, "caller")}${calls.length ? ` (${calls.join(", ")})` : ""}`,
  ].join(", ");
}

/** The global host of one of the topology's services: a caller always calls one of them (buildTopology sees to it). */
function hostOf(t: Topology, service: string): string {
  const s = t.services.find((x) => x.name === service);
  if (!s) throw new Error(`internal: a caller of ${service}, which is not in the topology`);
  return s.host;
}
