import { basename, dirname, extname, join, relative, resolve } from "node:path";
import {
  buildTopology,
  MeshMode,
  Topology,
  TopologyGraph,
  topologyGraph,
  topologyToDot,
  topologyToMermaid,
} from "../mesh";
import { buildAllFromFiles, FileBuild } from "./build";
import { writeAtomically } from "./files";
import { usage } from "./inputs";
import { Io } from "./io";

export interface GraphOptions {
  /** One spec file per GlobalNamespace; with more than one, one drawing each (`<name>.<GlobalNamespace><ext>`). */
  specs: string[];
  manifests: string[];
  out: string;
  /** Print nothing on success (the files are still written). */
  quiet?: boolean;
  /** A GlobalNamespace that exports no service is drawn anyway (else exit 2: did you forget --manifests?). */
  allowEmpty?: boolean;
}

const FORMATS = [".svg", ".dot", ".mmd"];

/**
 * `globalmesh graph`: the topology as SVG (laid out by Graphviz), DOT or Mermaid, chosen by the file extension. With
 * several GlobalNamespaces, one file each: `--out topology.svg` writes `topology.<GlobalNamespace>.svg`.
 */
export async function graph(opts: GraphOptions, io: Io): Promise<number> {
  const format = extname(opts.out).toLowerCase();
  if (!FORMATS.includes(format))
    throw usage(
      `"${opts.out}" does not end in ${FORMATS.join(", ")}; name the file after the format, e.g. "topology.svg"`,
      "--out",
    );
  const builds = buildAllFromFiles(opts.specs, opts.manifests, io.cwd, { allowEmpty: opts.allowEmpty, io });
  for (const w of builds.flatMap((b) => b.warnings ?? [])) io.stderr(`warning: ${w}\n`);
  const out = resolve(io.cwd, opts.out);
  // Every drawing is made before the first is written: nothing is written unless all of them can be.
  const drawings: { file: string; topology: Topology; graph: TopologyGraph; text: string }[] = [];
  for (const build of builds) {
    const topology = buildTopology(build, build.manifests);
    const graph = topologyGraph(topology);
    const file = builds.length === 1 ? out : fileOf(out, build);
    drawings.push({ file, topology, graph, text: await draw(topology, graph, format) });
  }
  for (const { file, topology, graph, text } of drawings) {
    writeAtomically(file, text);
    if (!opts.quiet) io.stdout(`${relative(io.cwd, file)}: ${describe(topology, graph)}\n`);
  }
  return 0;
}

/** `dir/topology.svg` → `dir/topology.<GlobalNamespace>.svg`. */
function fileOf(out: string, build: FileBuild): string {
  const ext = extname(out);
  return join(dirname(out), `${basename(out, ext)}.${build.model.name}${ext}`);
}

async function draw(topology: Topology, graph: TopologyGraph, format: string): Promise<string> {
  if (format === ".mmd") return topologyToMermaid(topology, graph);
  if (format === ".dot") return topologyToDot(topology, graph);
  return svgOf(topologyToDot(topology, graph));
}

async function svgOf(dot: string): Promise<string> {
  // An ES module (with its WebAssembly inlined): loaded only when an SVG is asked for.
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  return (await Graphviz.load()).dot(dot, "svg");
}

function describe(t: Topology, graph: TopologyGraph): string {
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const calls = t.callers.map((c) => `${c.workload} → ${hostOf(t, c.service)}`);
  const shown = calls.length > 10 ? [...calls.slice(0, 10), `… and ${calls.length - 10} more`] : calls;
  const { summarised } = graph;
  const level = summarised ? [`drawn per cluster (${summarised})`] : [];
  return [
    plural(t.clusters.length, "cluster"),
    plural(t.services.length, "service"),
    `${plural(t.routes.length, "cross-cluster route")}${t.mode === MeshMode.EAST_WEST ? " (east-west: through the owners' passthrough gateways)" : ""}`,
    `${plural(calls.length, "caller")}${calls.length ? ` (${shown.join(", ")})` : ""}`,
    ...level,
  ].join(", ");
}

/** The global host of one of the topology's services: a caller always calls one of them (buildTopology sees to it). */
function hostOf(t: Topology, service: string): string {
  const s = t.services.find((x) => x.name === service);
  if (!s) throw new Error(`internal: a caller of ${service}, which is not in the topology`);
  return s.host;
}
