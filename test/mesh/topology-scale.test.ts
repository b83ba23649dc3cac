/**
 * The topology at scale (issue 12): the Mermaid output stays within Mermaid's defaults (50,000 characters, 500 edges)
 * and says when it summarised; above the thresholds the drawing is per cluster, and declared calls draw only the
 * paths the wiring opens.
 */
import {
  buildTopology,
  MAX_DRAWN_EDGES,
  MERMAID_MAX_TEXT,
  MeshBuild,
  resolveMesh,
  Topology,
  topologyGraph,
  topologyToMermaid,
  validateSpec,
} from "../../sdk/src/mesh";
import { scopedSpec } from "./scoping.fixture";

/** The model's topology, without compiling (the drawing reads the model only). */
function topologyOf(spec: unknown): Topology {
  const build: MeshBuild = {
    model: resolveMesh(validateSpec(spec)),
    compiled: { objects: new Map(), cluster: () => [], stream: () => [] },
    discovery: { services: [], skipped: [], namespaces: {} },
  };
  return buildTopology(build);
}

/** C clusters × S services (one HTTP port each, a tenth in two clusters), each calling the next three if `calls`. */
function generated(clusters: number, services: number, calls = false): unknown {
  const c = (i: number) => `c${String(i).padStart(2, "0")}`;
  return {
    name: "big",
    domain: "big.example.com",
    clusters: Array.from({ length: clusters }, (_, i) => ({
      name: c(i),
      ingress: { address: `${c(i)}.lb.example.net` },
    })),
    members: [{ cluster: "*", namespace: "team-*" }],
    services: Array.from({ length: services }, (_, i) => ({
      name: `svc-${i}`,
      namespace: `team-${i % 10}`,
      clusters: i % 10 === 5 ? [c(i % clusters), c((i + 1) % clusters)] : [c(i % clusters)],
      ports: [{ number: 8080, name: "http" }],
      ...(calls && { calls: [1, 2, 3].map((k) => `svc-${(i + k) % services}`) }),
    })),
  };
}

/** Mermaid edges: one per arrow line. */
const edgesIn = (mermaid: string) => mermaid.split("\n").filter((l) => /(-\.->|==>)/.test(l)).length;

describe("within Mermaid's defaults", () => {
  test.each([false, true])("50 clusters × 1000 services (calls declared: %s): per cluster, bounded, said", (calls) => {
    const t = topologyOf(generated(50, 1000, calls));
    const mermaid = topologyToMermaid(t);
    expect(mermaid.length).toBeLessThanOrEqual(MERMAID_MAX_TEXT);
    expect(edgesIn(mermaid)).toBeLessThanOrEqual(MAX_DRAWN_EDGES);
    expect(edgesIn(mermaid)).toBeGreaterThan(0);
    expect(mermaid).toMatch(/cluster-level view: over 150 service nodes \(1100\)/);
    expect(mermaid).not.toMatch(/subgraph c0\[/);
  });

  test("few services but many clusters: over 500 service-level edges switches to clusters", () => {
    const t = topologyOf(generated(30, 100));
    expect(t.services.length).toBe(100);
    const g = topologyGraph(t);
    expect(g.level).toBe("cluster");
    expect(g.summarised).toMatch(/^over 500 edges between services \(\d+\)$/);
    // The same services over 3 clusters make few enough edges to be drawn per service.
    expect(topologyGraph(topologyOf(generated(3, 100))).level).toBe("service");
    const mermaid = topologyToMermaid(t);
    expect(edgesIn(mermaid)).toBeLessThanOrEqual(MAX_DRAWN_EDGES);
    expect(mermaid).toMatch(/cluster-level view: over 500 edges between services/);
  });

  test("labels too long for 50,000 characters at service level: drawn per cluster, saying why", () => {
    const long = "x".repeat(60);
    const t: Topology = {
      name: "long",
      domain: `${long}.${long}.${long}.example.com`,
      clusters: [
        { name: "a", egress: true },
        { name: "b", egress: false, ingressPort: 443 },
      ],
      services: Array.from({ length: 150 }, (_, i) => ({
        name: `s${i}-${long}`,
        namespace: "ns",
        host: `s${i}-${long}.${long}.${long}.${long}.example.com`,
        ports: [8080],
        clusters: ["b"],
      })),
      routes: [],
      callers: [],
    };
    t.routes = t.services.map((s) => ({ service: s.name, from: "a", to: ["b"] }));
    t.callers = t.services.map((s, i) => ({
      cluster: "a",
      namespace: "ns",
      workload: `Deployment/w${i}`,
      service: s.name,
      evidence: `URL=${s.host}`,
    }));
    expect(topologyGraph(t).level).toBe("service");
    const mermaid = topologyToMermaid(t);
    expect(mermaid.length).toBeLessThanOrEqual(MERMAID_MAX_TEXT);
    expect(mermaid).toMatch(
      /cluster-level view: the services' drawing would be \d+ characters \(Mermaid reads at most 50000\)/,
    );
  });

  test("more clusters than even a hub fits in 500 edges: one counting node that says it summarised", () => {
    const t = topologyOf(generated(300, 300));
    const g = topologyGraph(t);
    expect(g.edges.length).toBeGreaterThan(MAX_DRAWN_EDGES);
    const mermaid = topologyToMermaid(t);
    expect(edgesIn(mermaid)).toBe(0);
    expect(mermaid.length).toBeLessThanOrEqual(MERMAID_MAX_TEXT);
    expect(mermaid).toMatch(/GlobalNamespace big \(\*\.big\.example\.com\)<br\/>300 clusters, 300 services/);
    expect(mermaid).toMatch(/summarised: the cluster-level drawing would be \d+ edges \(Mermaid draws at most 500\)/);
  });
});

test("declared calls: routes only from the clusters whose namespaces may call the service", () => {
  const t = topologyOf(scopedSpec());
  const routes = (service: string) => t.routes.filter((r) => r.service === service).map((r) => r.from);
  // c2 runs catalog, which calls users only; c1's web is undeclared and may call anything.
  expect(routes("frontend")).toEqual(["c3"]);
  expect(routes("users")).toEqual(["c1", "c2"]);
  expect(routes("catalog")).toEqual(["c1", "c3"]);
  const open = generated(50, 1000);
  const declared = generated(50, 1000, true);
  expect(topologyOf(declared).routes.length * 10).toBeLessThan(topologyOf(open).routes.length);
});
