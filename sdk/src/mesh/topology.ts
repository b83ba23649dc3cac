import { callsInManifests, ManifestCall } from "./calls";
import { ClusterManifests } from "./discover";
import { MeshBuild } from "./pipeline";
import { clusterMayCall } from "./scope";
import { MeshMode } from "./spec";

/**
 * The picture of a GlobalNamespace: clusters, the services each runs, and the paths the wiring opens between them
 * (tunnel mode: caller's egress gateway → owner's ingress gateway → service; east-west mode: caller's sidecar → owner's
 * east-west gateway, passing the mTLS through → service). Every path the wiring opens is drawn plainly (with declared
 * `calls`, only from the clusters that may call), and the calls the manifests show (an env var whose value is a
 * global host or `host:port`) are drawn emphasised. Pure, and blind to ingress addresses, which may be unknown yet.
 */
export interface Topology {
  name: string;
  domain: string;
  /** How the clusters reach each other: through egress and ingress gateways, or east-west gateways. Default tunnel. */
  mode?: MeshMode;
  clusters: TopologyCluster[];
  services: TopologyService[];
  /** One per (cluster that does not run the service, service): it reaches the owners through the gateways. */
  routes: TopologyRoute[];
  /** Calls seen in the manifests. */
  callers: TopologyCaller[];
}

export interface TopologyCluster {
  name: string;
  locality?: string;
  /**
   * The cross-cluster port of the ingress gateway (tunnel mode) or of the east-west gateway (east-west mode), when
   * this cluster serves another.
   */
  ingressPort?: number;
  /**
   * Whether this cluster reaches a service of another cluster: through its egress gateway (tunnel mode), or from its
   * member namespaces' sidecars straight to the owner's east-west gateway (east-west mode).
   */
  egress: boolean;
}

export interface TopologyService {
  name: string;
  namespace: string;
  host: string;
  ports: number[];
  clusters: string[];
}

export interface TopologyRoute {
  service: string;
  from: string;
  to: string[];
}

/** A call seen in the manifests (calls.ts). */
export type TopologyCaller = ManifestCall;

export function buildTopology<A>(build: MeshBuild<A>, manifests: readonly ClusterManifests[] = []): Topology {
  const { model } = build;
  const routes: TopologyRoute[] = model.services.flatMap((s) =>
    model.clusters
      // With declared calls, only the clusters whose namespaces may call the service hold a path to it.
      .filter((c) => !s.clusters.includes(c.name) && clusterMayCall(c, s))
      .map((c) => ({ service: s.name, from: c.name, to: s.clusters })),
  );
  return {
    name: model.name,
    domain: model.domain,
    mode: model.mode,
    clusters: model.clusters.map((c) => ({
      name: c.name,
      ...(c.locality && { locality: c.locality }),
      ...(routes.some((r) => r.to.includes(c.name)) && { ingressPort: c.ingress?.port }),
      egress: routes.some((r) => r.from === c.name),
    })),
    services: model.services.map((s) => ({
      name: s.name,
      namespace: s.namespace,
      host: s.host,
      ports: s.ports.map((p) => p.number),
      clusters: s.clusters,
    })),
    routes,
    callers: callsInManifests(model, manifests),
  };
}

/**
 * Above this many service nodes (a service counts once per cluster that runs it), drawings show one node per
 * cluster and one edge per pair of clusters instead of every service: at 2,000 services a detailed drawing is one
 * column 177,000 pt tall. The one threshold for `globalmesh graph` and the GlobalNamespace component's Mermaid
 * `topology` output.
 */
export const TOPOLOGY_DETAIL_LIMIT = 150;

/** Above this many cluster pairs, the cluster-level view joins the clusters through one hub node. */
const MAX_PAIR_EDGES = 60;
const HUB = "/globalnamespace"; // no cluster name has a slash

/** How many hosts an edge's tooltip lists at most (the rest are counted). */
const MAX_DETAIL = 20;

/**
 * The drawing, shared by both text formats: nodes grouped by cluster (and, within a cluster, by namespace), and
 * edges merged per (from, to) so the picture stays readable — one gateway-to-gateway edge per cluster pair, one
 * ingress-to-service edge per owner. Above TOPOLOGY_DETAIL_LIMIT, the cluster-level view (`level: "cluster"`).
 */
export interface TopologyGraph {
  level: "service" | "cluster";
  /** Why the drawing is per cluster (absent for the service-level one), e.g. `over 150 service nodes (2000)`. */
  summarised?: string;
  groups: {
    cluster: string;
    label: string;
    nodes: GraphNode[];
    namespaces: { namespace: string; nodes: string[] }[];
  }[];
  edges: GraphEdge[];
  /** What the shapes and arrows mean, one line each. */
  legend: string[];
}

export interface GraphNode {
  /**
   * Unique and stable, e.g. `cluster1/svc/catalog`, `cluster1/gw/egress`, `cluster1/gw/eastwest`, `cluster1/sidecars`,
   * `cluster1` (cluster-level view).
   */
  id: string;
  /** `eastwest` and `sidecars`: east-west mode's gateway (passthrough) and the calling sidecars of a cluster. */
  kind: "service" | "workload" | "egress" | "ingress" | "eastwest" | "sidecars" | "cluster";
  /** Lines of the label. */
  label: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  /** Global hosts (and callers) carried, for a tooltip. */
  detail: string[];
  /** On a path the manifests show a caller using. */
  caller: boolean;
}

/** Service nodes a detailed drawing would have: each service once per cluster that runs it. */
export function serviceNodeCount(t: Topology): number {
  return t.services.reduce((n, s) => n + s.clusters.length, 0);
}

const LEGEND_SERVICE = [
  "rounded box: a global service (name, host:ports), inside its namespace",
  "dashed box: a workload seen calling a global host",
  "yellow: a cluster's egress gateway; green: its ingress gateway (mTLS port)",
  "dashed grey arrow: a path the wiring opens",
  "bold red arrow: a call the manifests show (an env value naming the host)",
];

const LEGEND_EAST_WEST = [
  "rounded box: a global service (name, host:ports), inside its namespace",
  "dashed box: a workload seen calling a global host",
  "violet: a cluster's sidecars calling out; teal: its east-west gateway (passthrough port: routes by SNI, mTLS end to end)",
  "dashed grey arrow: a path the wiring opens (local instances first where a service runs locally)",
  "bold red arrow: a call the manifests show (an env value naming the host)",
];

/**
 * The most edges a drawing has at service level: Mermaid's default `maxEdges` is 500 (and many clusters calling one
 * another make more gateway edges than there are services).
 */
export const MAX_DRAWN_EDGES = 500;

export function topologyGraph(t: Topology): TopologyGraph {
  const nodes = serviceNodeCount(t);
  if (nodes > TOPOLOGY_DETAIL_LIMIT) return clusterGraph(t, `over ${TOPOLOGY_DETAIL_LIMIT} service nodes (${nodes})`);
  const g = serviceGraph(t);
  return g.edges.length > MAX_DRAWN_EDGES
    ? clusterGraph(t, `over ${MAX_DRAWN_EDGES} edges between services (${g.edges.length})`)
    : g;
}

function serviceGraph(t: Topology): TopologyGraph {
  const eastWest = t.mode === MeshMode.EAST_WEST;
  const id = {
    service: (c: string, s: string) => `${c}/svc/${s}`,
    // Where a cluster's calls to other clusters leave: its egress gateway, or (east-west) its sidecars.
    egress: (c: string) => (eastWest ? `${c}/sidecars` : `${c}/gw/egress`),
    // Where they arrive: the owner's ingress gateway, or its east-west gateway.
    ingress: (c: string) => (eastWest ? `${c}/gw/eastwest` : `${c}/gw/ingress`),
  };
  const servicesByName = new Map(t.services.map((s) => [s.name, s]));
  // Routes and callers name services of the same topology: a missing one is a Topology built inconsistently.
  const serviceNamed = (name: string): TopologyService => {
    const s = servicesByName.get(name);
    if (!s) throw new Error(`internal: the topology has no service ${name}`);
    return s;
  };
  const edges = new Map<string, GraphEdge>();
  const edge = (from: string, to: string, detail: string, caller = false, label?: string) => {
    const e = edges.get(`${from}\n${to}`) ?? { from, to, detail: [], caller: false };
    if (!e.detail.includes(detail)) e.detail.push(detail);
    e.caller ||= caller;
    if (label) e.label = label;
    edges.set(`${from}\n${to}`, e);
  };
  const tunnel = (from: string, service: string, caller: boolean) => {
    const s = serviceNamed(service);
    for (const owner of s.clusters) {
      edge(id.egress(from), id.ingress(owner), s.host, caller);
      edge(id.ingress(owner), id.service(owner, service), s.host, caller);
    }
  };
  for (const r of t.routes) tunnel(r.from, r.service, false);

  const workloads = new Map<string, GraphNode[]>();
  for (const c of t.callers) {
    const s = serviceNamed(c.service);
    const [kind, name] = c.workload.split("/");
    // A workload backing a global service of the same name and namespace in its cluster is drawn as that service.
    const isService = t.services.some(
      (x) => x.name === name && x.namespace === c.namespace && x.clusters.includes(c.cluster),
    );
    const from = isService ? id.service(c.cluster, name) : `${c.cluster}/wl/${c.namespace}/${c.workload}`;
    const drawn = workloads.get(c.cluster) ?? [];
    if (!isService && !drawn.some((n) => n.id === from))
      workloads.set(c.cluster, [...drawn, { id: from, kind: "workload", label: [name, `${kind} in ${c.namespace}`] }]);
    const detail = `${c.workload} (${c.namespace}): ${c.evidence}`;
    if (s.clusters.includes(c.cluster)) {
      edge(from, id.service(c.cluster, c.service), detail, true, s.host);
    } else if (eastWest) {
      // The caller's own sidecar opens the session to each owner's east-west gateway.
      for (const owner of s.clusters) {
        edge(from, id.ingress(owner), detail, true, s.host);
        edge(id.ingress(owner), id.service(owner, c.service), s.host, true);
      }
    } else {
      edge(from, id.egress(c.cluster), detail, true, s.host);
      tunnel(c.cluster, c.service, true);
    }
  }
  // With three clusters or more, gateway edges cross: each label names its two clusters.
  const clusterOf = (nodeId: string) => nodeId.split("/")[0];
  for (const e of edges.values()) {
    if (!e.label && (e.from.endsWith("/gw/egress") || e.from.endsWith("/sidecars"))) {
      const what = e.detail.length === 1 ? e.detail[0] : `${e.detail.length} hosts`;
      e.label = t.clusters.length >= 3 ? `${clusterOf(e.from)} → ${clusterOf(e.to)}: ${what}` : what;
    }
  }
  const namespaceOf = new Map<string, string>();
  for (const s of t.services) for (const c of s.clusters) namespaceOf.set(id.service(c, s.name), s.namespace);
  for (const list of workloads.values()) for (const n of list) namespaceOf.set(n.id, n.id.split("/")[2]);

  const groups = t.clusters.map((c) => ({
    cluster: c.name,
    label: c.locality ? `${c.name} (${c.locality})` : c.name,
    namespaces: [] as { namespace: string; nodes: string[] }[],
    nodes: [
      ...t.services
        .filter((s) => s.clusters.includes(c.name))
        .map((s): GraphNode => ({
          id: id.service(c.name, s.name),
          kind: "service",
          label: [s.name, `${s.host}:${s.ports.join(",")}`],
        })),
      ...(workloads.get(c.name) ?? []),
      ...(c.egress ? [egressNode(id.egress(c.name), eastWest)] : []),
      ...(c.ingressPort !== undefined ? [ingressNode(c.ingressPort, id.ingress(c.name), eastWest)] : []),
    ],
  }));
  for (const g of groups) {
    const byNamespace = new Map<string, string[]>();
    for (const n of g.nodes) {
      const ns = namespaceOf.get(n.id);
      if (ns !== undefined) byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), n.id]);
    }
    g.namespaces = [...byNamespace]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([namespace, nodes]) => ({ namespace, nodes }));
  }
  return { level: "service", groups, edges: [...edges.values()], legend: eastWest ? LEGEND_EAST_WEST : LEGEND_SERVICE };
}

/** Where a cluster's calls to other clusters leave. */
function egressNode(nodeId: string, eastWest: boolean): GraphNode {
  return eastWest
    ? { id: nodeId, kind: "sidecars", label: ["sidecars", "member namespaces"] }
    : { id: nodeId, kind: "egress", label: ["egress gateway"] };
}

/** Where other clusters' calls arrive. */
function ingressNode(port: number, nodeId: string, eastWest: boolean): GraphNode {
  return eastWest
    ? { id: nodeId, kind: "eastwest", label: ["east-west gateway", `passthrough :${port}`] }
    : { id: nodeId, kind: "ingress", label: ["ingress gateway", `mTLS :${port}`] };
}

/**
 * The cluster-level view: one node per cluster (its services, namespaces, callers counted), one edge per pair of
 * clusters a route joins, labelled with how many services it carries; the hosts are in its tooltip.
 */
function clusterGraph(t: Topology, summarised: string): TopologyGraph {
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const groups: TopologyGraph["groups"] = t.clusters.map((c) => {
    const services = t.services.filter((s) => s.clusters.includes(c.name));
    const namespaces = new Set(services.map((s) => s.namespace));
    const callers = t.callers.filter((x) => x.cluster === c.name).length;
    return {
      cluster: c.name,
      label: c.locality ? `${c.name} (${c.locality})` : c.name,
      namespaces: [],
      nodes: [
        {
          id: c.name,
          kind: "cluster" as const,
          label: [
            c.locality ? `${c.name} (${c.locality})` : c.name,
            `${plural(services.length, "service")} in ${plural(namespaces.size, "namespace")}`,
            ...(callers > 0 ? [`${plural(callers, "caller")} seen`] : []),
          ],
        },
      ],
    };
  });
  const hostOf = new Map(t.services.map((s) => [s.name, s.host]));
  const pairs = new Map<string, { from: string; to: string; hosts: Set<string>; caller: boolean }>();
  const pair = (from: string, to: string) => {
    const key = `${from}\n${to}`;
    const p = pairs.get(key) ?? { from, to, hosts: new Set<string>(), caller: false };
    pairs.set(key, p);
    return p;
  };
  for (const r of t.routes) for (const to of r.to) pair(r.from, to).hosts.add(hostOf.get(r.service) ?? r.service);
  for (const c of t.callers) {
    const owners = t.services.find((s) => s.name === c.service)?.clusters ?? [];
    for (const to of owners) if (to !== c.cluster) pair(c.cluster, to).caller = true;
  }
  const cap = (hosts: string[]) =>
    hosts.length > MAX_DETAIL ? [...hosts.slice(0, MAX_DETAIL), `… and ${hosts.length - MAX_DETAIL} more`] : hosts;
  let edges: GraphEdge[] = [...pairs.values()].map((p) => {
    const hosts = [...p.hosts].sort();
    return {
      from: p.from,
      to: p.to,
      label: `${p.from} → ${p.to}: ${plural(hosts.length, "service")}`,
      detail: cap(hosts),
      caller: p.caller,
    };
  });
  // Many pairs (every cluster reaching every other): a hub instead, so the drawing stays one edge per cluster each way.
  const hub = edges.length > MAX_PAIR_EDGES;
  if (hub) {
    const out = new Map<string, { hosts: Set<string>; clusters: Set<string>; caller: boolean }>();
    const into = new Map<string, { hosts: Set<string>; clusters: Set<string>; caller: boolean }>();
    const entry = (m: typeof out, k: string) => {
      const e = m.get(k) ?? { hosts: new Set<string>(), clusters: new Set<string>(), caller: false };
      m.set(k, e);
      return e;
    };
    for (const p of pairs.values()) {
      const o = entry(out, p.from);
      const i = entry(into, p.to);
      p.hosts.forEach((h) => (o.hosts.add(h), i.hosts.add(h)));
      o.clusters.add(p.to);
      i.clusters.add(p.from);
      o.caller ||= p.caller;
      i.caller ||= p.caller;
    }
    edges = [
      ...[...out].map(([c, e]) => ({
        from: c,
        to: HUB,
        label: `${c} reaches ${plural(e.hosts.size, "service")} in ${plural(e.clusters.size, "cluster")}`,
        detail: cap([...e.hosts].sort()),
        caller: e.caller,
      })),
      ...[...into].map(([c, e]) => ({
        from: HUB,
        to: c,
        label: `${c} serves ${plural(e.hosts.size, "service")} to ${plural(e.clusters.size, "cluster")}`,
        detail: cap([...e.hosts].sort()),
        caller: e.caller,
      })),
    ];
    groups.push({
      cluster: HUB,
      label: "",
      namespaces: [],
      nodes: [
        {
          id: HUB,
          kind: "cluster" as const,
          label: [
            `GlobalNamespace ${t.name}`,
            `${plural(t.routes.length, "cross-cluster route")} through the ${t.mode === MeshMode.EAST_WEST ? "east-west gateways" : "gateways"}`,
          ],
        },
      ],
    });
  }
  return {
    level: "cluster",
    summarised,
    groups,
    edges,
    legend: [
      `cluster-level view: ${summarised}; draw one GlobalNamespace or fewer clusters for the services`,
      "box: a cluster, with its services, namespaces and the callers seen",
      "dashed grey arrow: services the wiring lets one cluster reach in another (hosts in the tooltip)",
      "bold red arrow: a pair with a call the manifests show",
    ],
  };
}

/** Graphviz DOT: clusters as `subgraph cluster_<name>`, caller paths bold red (class `caller` in SVG output). */
/** `g`: the drawing, when the caller has it already (it costs a pass over every route). */
export function topologyToDot(t: Topology, g: TopologyGraph = topologyGraph(t)): string {
  // DOT strings: escape backslash and quote; a newline becomes DOT's own line break.
  const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
  const attrs = (a: Record<string, string | undefined>) =>
    `[${Object.entries(a)
      .flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${q(v)}`]))
      .join(", ")}]`;
  const shapes: Record<GraphNode["kind"], Record<string, string>> = {
    cluster: { shape: "box", style: "rounded,filled", fillcolor: "#f1f3f4" },
    service: { shape: "box", style: "rounded,filled", fillcolor: "#e8f0fe" },
    workload: { shape: "box", style: "rounded,dashed" },
    egress: { shape: "cds", style: "filled", fillcolor: "#fff4d6" },
    ingress: { shape: "cds", style: "filled", fillcolor: "#e3f6e5" },
    eastwest: { shape: "cds", style: "filled", fillcolor: "#d7f1f0" },
    sidecars: { shape: "component", style: "filled", fillcolor: "#efe6fb" },
  };
  const lines = [
    `digraph ${q(t.name)} {`,
    `  graph ${attrs({ rankdir: "LR", fontname: "Helvetica", labelloc: "t", label: `GlobalNamespace ${t.name} (*.${t.domain})` })};`,
    `  node ${attrs({ fontname: "Helvetica", fontsize: "11" })};`,
    `  edge ${attrs({ fontname: "Helvetica", fontsize: "9", color: "#7a7a7a" })};`,
  ];
  const node = (n: GraphNode, indent: string) =>
    `${indent}${q(n.id)} ${attrs({ label: n.label.join("\n"), ...shapes[n.kind] })};`;
  for (const group of g.groups) {
    if (g.level === "cluster") {
      group.nodes.forEach((n) => lines.push(node(n, "  ")));
      continue;
    }
    lines.push(
      `  subgraph ${q(`cluster_${group.cluster}`)} {`,
      `    graph ${attrs({ label: group.label, style: "rounded", color: "#5f6368" })};`,
    );
    const inNamespace = new Set(group.namespaces.flatMap((ns) => ns.nodes));
    for (const ns of group.namespaces) {
      lines.push(
        `    subgraph ${q(`cluster_${group.cluster}/ns/${ns.namespace}`)} {`,
        `      graph ${attrs({ label: `namespace ${ns.namespace}`, style: "dashed", color: "#9aa0a6", fontsize: "10" })};`,
      );
      for (const n of group.nodes.filter((x) => ns.nodes.includes(x.id))) lines.push(node(n, "      "));
      lines.push("    }");
    }
    for (const n of group.nodes.filter((x) => !inNamespace.has(x.id))) lines.push(node(n, "    "));
    lines.push("  }");
  }
  // The legend: one text node beside the clusters (no box of its own, so every box is a cluster).
  lines.push(
    // `\l`: DOT's left-justified line break (q would escape the backslash, so the label is quoted here).
    `  ${q("legend")} [shape="plaintext", fontsize="9", label="${["legend", ...g.legend].map((l) => q(l).slice(1, -1)).join("\\l")}\\l"];`,
  );
  for (const e of g.edges) {
    const style = e.caller
      ? { color: "#d62728", fontcolor: "#d62728", penwidth: "2.5", class: "caller" }
      : { style: "dashed", class: "route" };
    lines.push(`  ${q(e.from)} -> ${q(e.to)} ${attrs({ label: e.label, tooltip: e.detail.join("\n"), ...style })};`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** Mermaid flowchart of the same drawing, for stack outputs and Markdown. Caller paths are thick arrows. */
export function topologyToMermaid(t: Topology, g: TopologyGraph = topologyGraph(t)): string {
  const text = mermaidOf(g);
  if (fitsMermaid(text, g)) return text;
  // Long labels can outgrow the text limit below the thresholds; many clusters, the edge limit even per cluster.
  const why = (x: TopologyGraph, s: string) =>
    x.edges.length > MAX_DRAWN_EDGES
      ? `${x.edges.length} edges (Mermaid draws at most ${MAX_DRAWN_EDGES})`
      : `${s.length} characters (Mermaid reads at most ${MERMAID_MAX_TEXT})`;
  const perCluster = g.level === "service" ? clusterGraph(t, `the services' drawing would be ${why(g, text)}`) : g;
  const clusterText = perCluster === g ? text : mermaidOf(perCluster);
  return fitsMermaid(clusterText, perCluster) ? clusterText : mermaidSummary(t, why(perCluster, clusterText));
}

/** Mermaid's default `maxTextSize`: a longer definition is not drawn at all. */
export const MERMAID_MAX_TEXT = 50_000;

function fitsMermaid(text: string, g: TopologyGraph): boolean {
  return text.length <= MERMAID_MAX_TEXT && g.edges.length <= MAX_DRAWN_EDGES;
}

/** Too many clusters even for one node each and a hub: one node that counts, and says why. */
function mermaidSummary(t: Topology, why: string): string {
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const label = [
    `GlobalNamespace ${t.name} (*.${t.domain})`,
    `${plural(t.clusters.length, "cluster")}, ${plural(t.services.length, "service")}`,
    `${plural(t.routes.length, "cross-cluster route")}, ${plural(t.callers.length, "caller")} seen`,
  ].join("<br/>");
  const legend = `summarised: the cluster-level drawing would be ${why}; globalmesh graph draws it as SVG`;
  return [
    "flowchart LR",
    `  n0["${label.replace(/"/g, "#quot;")}"]`,
    `  subgraph legend["legend"]`,
    `    legend0["${legend.replace(/"/g, "#quot;")}"]`,
    "  end",
    "",
  ].join("\n");
}

function mermaidOf(g: TopologyGraph): string {
  const ids = new Map<string, string>();
  g.groups.flatMap((x) => x.nodes).forEach((n, i) => ids.set(n.id, `n${i}`));
  const text = (s: string) => `"${s.replace(/"/g, "#quot;")}"`;
  const shape = (n: GraphNode) => {
    const label = text(n.label.join("<br/>"));
    if (n.kind === "cluster") return `[${label}]`;
    if (n.kind === "sidecars") return `([${label}])`;
    return n.kind === "service" || n.kind === "workload" ? `(${label})` : `{{${label}}}`;
  };
  const lines = ["flowchart LR"];
  if (g.level === "cluster") {
    for (const group of g.groups) for (const n of group.nodes) lines.push(`  ${ids.get(n.id)}${shape(n)}`);
  } else
    g.groups.forEach((group, i) => {
      lines.push(`  subgraph c${i}[${text(group.label)}]`);
      const inNamespace = new Set(group.namespaces.flatMap((ns) => ns.nodes));
      group.namespaces.forEach((ns, j) => {
        lines.push(`    subgraph c${i}n${j}[${text(`namespace ${ns.namespace}`)}]`);
        for (const n of group.nodes.filter((x) => ns.nodes.includes(x.id)))
          lines.push(`      ${ids.get(n.id)}${shape(n)}`);
        lines.push("    end");
      });
      for (const n of group.nodes.filter((x) => !inNamespace.has(x.id))) lines.push(`    ${ids.get(n.id)}${shape(n)}`);
      lines.push("  end");
    });
  for (const e of g.edges) {
    const arrow = e.caller ? "==>" : "-.->";
    lines.push(`  ${ids.get(e.from)} ${arrow}${e.label ? `|${text(e.label)}|` : ""} ${ids.get(e.to)}`);
  }
  // The legend: text only, so it adds no arrow to the drawing.
  // Mermaid draws its own shapes: the legend says them its way.
  const legend = g.legend.map((l) =>
    l
      .replace("dashed grey arrow", "dotted arrow")
      .replace("bold red arrow", "thick arrow")
      .replace(/^yellow: .*$/, "hexagon: a cluster's egress or ingress gateway (mTLS port)")
      .replace(
        /^violet: .*$/,
        "stadium: a cluster's sidecars calling out; hexagon: its east-west gateway (passthrough port)",
      ),
  );
  lines.push(`  subgraph legend[${text("legend")}]`, `    legend0[${text(legend.join("<br/>"))}]`, "  end");
  return lines.join("\n") + "\n";
}
