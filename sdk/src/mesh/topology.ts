import { ClusterManifests } from "./discover";
import { isPlainObject, Plain } from "./fields";
import { isMapped } from "./membership";
import { MeshBuild } from "./pipeline";

/**
 * The picture of a GlobalNamespace: clusters, the services each runs, and the paths the wiring opens between them
 * (caller's egress gateway → owner's ingress gateway → service). A GlobalNamespace does not know who calls whom, so
 * every path it makes possible is drawn plainly, and the calls the manifests show (an env var whose value is a
 * global host or `host:port`) are drawn emphasised. Pure, and blind to ingress addresses, which may be unknown yet.
 */
export interface Topology {
  name: string;
  domain: string;
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
  /** The cross-cluster port of the ingress gateway, when this cluster serves another. */
  ingressPort?: number;
  /** Whether this cluster reaches a service of another cluster (through its egress gateway). */
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

export interface TopologyCaller {
  cluster: string;
  namespace: string;
  /** `Deployment/shopping` */
  workload: string;
  service: string;
  /** The env var and its value, e.g. `CATALOG_HOST=catalog.acme.example.com`. */
  evidence: string;
}

/** Kinds whose pod template may name a global host. */
const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"];

export function buildTopology<A>(build: MeshBuild<A>, manifests: readonly ClusterManifests[] = []): Topology {
  const { model } = build;
  const routes: TopologyRoute[] = model.services.flatMap((s) =>
    model.clusters
      .filter((c) => !s.clusters.includes(c.name))
      .map((c) => ({ service: s.name, from: c.name, to: s.clusters })),
  );
  return {
    name: model.name,
    domain: model.domain,
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
    callers: findCallers(build, manifests),
  };
}

function findCallers<A>(build: MeshBuild<A>, manifests: readonly ClusterManifests[]): TopologyCaller[] {
  const targets = new Map<string, string>();
  for (const s of build.model.services) {
    targets.set(s.host, s.name);
    for (const p of s.ports) targets.set(`${s.host}:${p.number}`, s.name);
  }
  const out: TopologyCaller[] = [];
  const seen = new Set<string>();
  for (const m of manifests) {
    for (const obj of m.objects) {
      if (!isPlainObject(obj) || !isWorkloadKind(obj.kind) || !isPlainObject(obj.metadata)) continue;
      const namespace =
        typeof obj.metadata.namespace === "string" ? obj.metadata.namespace : (m.defaultNamespace ?? "default");
      if (!isMapped(build.model.members, m.cluster, namespace)) continue;
      const workload = `${obj.kind}/${String(obj.metadata.name)}`;
      for (const { name, value } of envVars(obj)) {
        const service = targets.get(value);
        const key = `${m.cluster}/${namespace}/${workload}/${service}`;
        if (!service || seen.has(key)) continue;
        seen.add(key);
        out.push({ cluster: m.cluster, namespace, workload, service, evidence: `${name}=${value}` });
      }
    }
  }
  return out;
}

/** One of WORKLOAD_KINDS; a manifest's `kind` may be anything, or missing. */
function isWorkloadKind(kind: unknown): kind is string {
  return typeof kind === "string" && WORKLOAD_KINDS.includes(kind);
}

/** Literal env values of every container of a workload's pod template (CronJob: its job template's). */
function envVars(workload: Plain): { name: string; value: string }[] {
  const spec = get(workload, "spec");
  const template = get(spec, "jobTemplate")
    ? get(get(get(spec, "jobTemplate"), "spec"), "template")
    : get(spec, "template");
  const pod = get(template, "spec");
  const containers = [...asArray(get(pod, "initContainers")), ...asArray(get(pod, "containers"))];
  return containers.flatMap((c) =>
    asArray(get(c, "env")).flatMap((e) =>
      isPlainObject(e) && typeof e.name === "string" && typeof e.value === "string"
        ? [{ name: e.name, value: e.value }]
        : [],
    ),
  );
}

function get(v: unknown, key: string): unknown {
  return isPlainObject(v) ? v[key] : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * The drawing, shared by both text formats: nodes grouped by cluster, and edges merged per (from, to) so the picture
 * stays readable — one gateway-to-gateway edge per cluster pair, one ingress-to-service edge per owner.
 */
export interface TopologyGraph {
  groups: { cluster: string; label: string; nodes: GraphNode[] }[];
  edges: GraphEdge[];
}

export interface GraphNode {
  /** Unique and stable, e.g. `cluster1/svc/catalog`, `cluster1/gw/egress`. */
  id: string;
  kind: "service" | "workload" | "egress" | "ingress";
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

export function topologyGraph(t: Topology): TopologyGraph {
  const id = {
    service: (c: string, s: string) => `${c}/svc/${s}`,
    egress: (c: string) => `${c}/gw/egress`,
    ingress: (c: string) => `${c}/gw/ingress`,
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
    } else {
      edge(from, id.egress(c.cluster), detail, true, s.host);
      tunnel(c.cluster, c.service, true);
    }
  }
  for (const e of edges.values()) {
    if (!e.label && e.from.endsWith("/gw/egress"))
      e.label = e.detail.length === 1 ? e.detail[0] : `${e.detail.length} hosts`;
  }

  const groups = t.clusters.map((c) => ({
    cluster: c.name,
    label: c.locality ? `${c.name} (${c.locality})` : c.name,
    nodes: [
      ...t.services
        .filter((s) => s.clusters.includes(c.name))
        .map((s): GraphNode => ({
          id: id.service(c.name, s.name),
          kind: "service",
          label: [s.name, `${s.host}:${s.ports.join(",")}`],
        })),
      ...(workloads.get(c.name) ?? []),
      ...(c.egress ? [{ id: id.egress(c.name), kind: "egress" as const, label: ["egress gateway"] }] : []),
      ...(c.ingressPort !== undefined
        ? [{ id: id.ingress(c.name), kind: "ingress" as const, label: ["ingress gateway", `mTLS :${c.ingressPort}`] }]
        : []),
    ],
  }));
  return { groups, edges: [...edges.values()] };
}

/** Graphviz DOT: clusters as `subgraph cluster_<name>`, caller paths bold red (class `caller` in SVG output). */
export function topologyToDot(t: Topology): string {
  const g = topologyGraph(t);
  // DOT strings: escape backslash and quote; a newline becomes DOT's own line break.
  const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
  const attrs = (a: Record<string, string | undefined>) =>
    `[${Object.entries(a)
      .flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${q(v)}`]))
      .join(", ")}]`;
  const shapes: Record<GraphNode["kind"], Record<string, string>> = {
    service: { shape: "box", style: "rounded,filled", fillcolor: "#e8f0fe" },
    workload: { shape: "box", style: "rounded,dashed" },
    egress: { shape: "cds", style: "filled", fillcolor: "#fff4d6" },
    ingress: { shape: "cds", style: "filled", fillcolor: "#e3f6e5" },
  };
  const lines = [
    `digraph ${q(t.name)} {`,
    `  graph ${attrs({ rankdir: "LR", fontname: "Helvetica", labelloc: "t", label: `GlobalNamespace ${t.name} (*.${t.domain})` })};`,
    `  node ${attrs({ fontname: "Helvetica", fontsize: "11" })};`,
    `  edge ${attrs({ fontname: "Helvetica", fontsize: "9", color: "#7a7a7a" })};`,
  ];
  for (const group of g.groups) {
    lines.push(
      `  subgraph ${q(`cluster_${group.cluster}`)} {`,
      `    graph ${attrs({ label: group.label, style: "rounded", color: "#5f6368" })};`,
    );
    for (const n of group.nodes)
      lines.push(`    ${q(n.id)} ${attrs({ label: n.label.join("\n"), ...shapes[n.kind] })};`);
    lines.push("  }");
  }
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
export function topologyToMermaid(t: Topology): string {
  const g = topologyGraph(t);
  const ids = new Map<string, string>();
  g.groups.flatMap((x) => x.nodes).forEach((n, i) => ids.set(n.id, `n${i}`));
  const text = (s: string) => `"${s.replace(/"/g, "#quot;")}"`;
  const shape = (n: GraphNode) => {
    const label = text(n.label.join("<br/>"));
    return n.kind === "service" || n.kind === "workload" ? `(${label})` : `{{${label}}}`;
  };
  const lines = ["flowchart LR"];
  g.groups.forEach((group, i) => {
    lines.push(`  subgraph c${i}[${text(group.label)}]`);
    for (const n of group.nodes) lines.push(`    ${ids.get(n.id)}${shape(n)}`);
    lines.push("  end");
  });
  for (const e of g.edges) {
    const arrow = e.caller ? "==>" : "-.->";
    lines.push(`  ${ids.get(e.from)} ${arrow}${e.label ? `|${text(e.label)}|` : ""} ${ids.get(e.to)}`);
  }
  return lines.join("\n") + "\n";
}
