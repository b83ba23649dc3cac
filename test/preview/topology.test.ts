import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { GlobalNamespace } from "../../sdk/src/gns";
import {
  buildMesh,
  buildTopology,
  ClusterManifests,
  hostsIn,
  MeshMode,
  serviceNodeCount,
  Topology,
  TOPOLOGY_DETAIL_LIMIT,
  topologyGraph,
  topologyToDot,
  topologyToMermaid,
} from "../../sdk/src/mesh";
import { join } from "node:path";
import { ACME_DIR, acmeBuild, acmeManifests, readSpecFile } from "../helpers/fixtures";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { installMocks, valueOf } from "../helpers/pulumiHarness";

/** The topology model behind `globalmesh graph` and the component's `topology` output. */

test("acme-fitness: every service is reachable from the cluster that does not run it; shopping is the one caller seen", () => {
  const t = buildTopology(acmeBuild(), acmeManifests());
  expect(t.routes).toHaveLength(10);
  for (const r of t.routes) expect([r.from, ...r.to].sort()).toEqual(["cluster1", "cluster2"]);
  expect(t.callers).toEqual([
    {
      cluster: "cluster1",
      namespace: "default",
      workload: "Deployment/shopping",
      service: "catalog",
      evidence: "CATALOG_HOST=catalog.acme.example.com",
    },
  ]);
  expect(t.clusters.map((c) => [c.name, c.egress, c.ingressPort])).toEqual([
    ["cluster1", true, 443],
    ["cluster2", true, 443],
  ]);
});

const threeClusters = {
  name: "shop",
  domain: "shop.example.com",
  clusters: ["c1", "c2", "c3"].map((name) => ({ name, ingress: { address: `${name}.lb.example.net`, port: 15443 } })),
  members: [{ cluster: "*", namespace: "shop" }],
  services: [
    { name: "catalog", namespace: "shop", clusters: ["c2", "c3"], ports: [{ number: 8082, name: "http" }] },
    { name: "cart", namespace: "shop", clusters: ["c1"], ports: [{ number: 5000, name: "http" }] },
  ],
};
const workload = (kind: string, name: string, namespace: string, env: Record<string, string>) => ({
  apiVersion: "apps/v1",
  kind,
  metadata: { name, namespace },
  spec: {
    template: { spec: { containers: [{ name, env: Object.entries(env).map(([k, value]) => ({ name: k, value })) }] } },
  },
});
const manifests: ClusterManifests[] = [
  {
    cluster: "c1",
    source: "c1.yaml",
    objects: [
      workload("StatefulSet", "frontend", "shop", {
        CATALOG: "catalog.shop.example.com:8082",
        CART: "cart.shop.example.com",
      }),
      // Not in the GlobalNamespace (namespace not mapped), and not a global host: neither is a caller.
      workload("Deployment", "batch", "ops", { CATALOG: "catalog.shop.example.com" }),
      workload("Deployment", "other", "shop", { CATALOG: "catalog.shop.example.com:9999" }),
    ],
  },
];

test("callers: host or host:port in a mapped namespace; a caller in the owner's cluster stays local", () => {
  const t = buildTopology(buildMesh(threeClusters), manifests);
  expect(t.callers.map((c) => `${c.workload} → ${c.service} (${c.evidence})`)).toEqual([
    "StatefulSet/frontend → catalog (CATALOG=catalog.shop.example.com:8082)",
    "StatefulSet/frontend → cart (CART=cart.shop.example.com)",
  ]);
  const emphasised = topologyGraph(t)
    .edges.filter((e) => e.caller)
    .map((e) => `${e.from} -> ${e.to}`);
  expect(emphasised.sort()).toEqual(
    [
      // To catalog: through c1's egress to both owners' ingress gateways.
      "c1/wl/shop/StatefulSet/frontend -> c1/gw/egress",
      "c1/gw/egress -> c2/gw/ingress",
      "c1/gw/egress -> c3/gw/ingress",
      "c2/gw/ingress -> c2/svc/catalog",
      "c3/gw/ingress -> c3/svc/catalog",
      // To cart, which runs in c1 itself: straight there.
      "c1/wl/shop/StatefulSet/frontend -> c1/svc/cart",
    ].sort(),
  );
});

test("a service in two of three clusters: the third reaches both owners; the owners do not reach each other for it", () => {
  const t = buildTopology(buildMesh(threeClusters));
  expect(t.routes.filter((r) => r.service === "catalog")).toEqual([
    { service: "catalog", from: "c1", to: ["c2", "c3"] },
  ]);
  const edges = topologyGraph(t).edges.map((e) => `${e.from} -> ${e.to}`);
  expect(edges).not.toContain("c2/gw/egress -> c3/gw/ingress");
  expect(edges).not.toContain("c3/gw/egress -> c2/gw/ingress");
});

test("the Mermaid text names clusters and hosts but never an ingress address", () => {
  const mmd = topologyToMermaid(buildTopology(buildMesh(threeClusters), manifests));
  expect(mmd).not.toContain("lb.example.net");
  expect(mmd).toContain("catalog.shop.example.com:8082");
  expect(mmd.match(/^ {2}subgraph c\d\["c\d"\]$/gm)).toHaveLength(3);
  expect(mmd.match(/==>/g)).toHaveLength(6);
});

test("the GlobalNamespace's topology output is known at preview even when an ingress address is not", async () => {
  await installMocks({ preview: true });
  const lb = new k8s.core.v1.Service("ingress-lb", { spec: { type: "LoadBalancer" } });
  const unknownAddress = lb.status.loadBalancer.ingress[0].hostname;
  expect(await (unknownAddress as any).isKnown).toBe(false);
  const gns = new GlobalNamespace("mesh", {
    globalNamespaceName: "acme-fitness",
    domain: "acme.example.com",
    clusters: [
      { clusterName: "cluster1", kubeconfig: kubeconfigText("cluster1"), ingress: { address: "203.0.113.10" } },
      { clusterName: "cluster2", kubeconfig: kubeconfigText("cluster2"), ingress: { address: unknownAddress } },
    ],
    members: [
      { cluster: "cluster1", namespace: "default" },
      { cluster: "cluster2", namespace: "default" },
    ],
    manifests: acmeManifests().map((m) => ({
      cluster: m.cluster,
      yaml: m.objects.map((o) => `---\n${stringify(o)}`).join(""),
    })),
  });
  expect(await (gns.topology as any).isKnown).toBe(true);
  const mmd = await valueOf(gns.topology);
  expect(mmd.match(/^ {2}subgraph c\d\[".*"\]$/gm)).toEqual(['  subgraph c0["cluster1"]', '  subgraph c1["cluster2"]']);
  expect(mmd).toContain('("catalog<br/>catalog.acme.example.com:8082")');
  expect(mmd.match(/==>/g)).toHaveLength(3);
});

describe("callers in env values holding URLs", () => {
  test.each([
    ["http://catalog.acme.example.com:8082/x", ["catalog.acme.example.com:8082"]],
    ["https://user:pw@catalog.acme.example.com/products?q=1", ["catalog.acme.example.com"]],
    ["mongodb://a.example.com:27017,b.example.com:27017/db", ["a.example.com:27017", "b.example.com:27017"]],
    ["catalog.acme.example.com:8082/path", ["catalog.acme.example.com:8082"]],
    ["CATALOG.Acme.Example.com.", ["catalog.acme.example.com"]],
  ])("%s", (value, hosts) => {
    expect(hostsIn(value)).toEqual(hosts);
  });

  test("a URL naming a global host and one of its ports is a caller; another port is not", () => {
    const objects = [
      workload("Deployment", "web", "shop", { CATALOG_URL: "http://catalog.shop.example.com:8082/products" }),
      workload("Deployment", "api", "shop", { CART_URL: "https://cart.shop.example.com/api" }),
      workload("Deployment", "odd", "shop", { CATALOG_URL: "http://catalog.shop.example.com:9999/" }),
    ];
    const t = buildTopology(buildMesh(threeClusters), [{ cluster: "c2", source: "c2.yaml", objects }]);
    expect(t.callers.map((c) => `${c.workload} → ${c.service} (${c.evidence})`)).toEqual([
      "Deployment/web → catalog (CATALOG_URL=http://catalog.shop.example.com:8082/products)",
      "Deployment/api → cart (CART_URL=https://cart.shop.example.com/api)",
    ]);
  });
});

describe("readable drawings", () => {
  test("a legend, in DOT and in Mermaid (text only: no arrow added)", () => {
    const t = buildTopology(buildMesh(threeClusters), manifests);
    const dot = topologyToDot(t);
    expect(dot).toMatch(/"legend" \[shape="plaintext".*label="legend\\l.*bold red arrow: a call the manifests show/);
    const mmd = topologyToMermaid(t);
    expect(mmd).toMatch(
      /subgraph legend\["legend"\]\n {4}legend0\[".*dotted arrow: a path the wiring opens.*thick arrow: a call/,
    );
    expect(mmd.match(/==>/g)).toHaveLength(6);
  });

  test("namespaces: each cluster's services and workloads boxed by namespace", () => {
    const t = buildTopology(buildMesh(threeClusters), manifests);
    const g = topologyGraph(t);
    expect(g.groups.map((x) => [x.cluster, x.namespaces])).toEqual([
      ["c1", [{ namespace: "shop", nodes: ["c1/svc/cart", "c1/wl/shop/StatefulSet/frontend"] }]],
      ["c2", [{ namespace: "shop", nodes: ["c2/svc/catalog"] }]],
      ["c3", [{ namespace: "shop", nodes: ["c3/svc/catalog"] }]],
    ]);
    expect(topologyToDot(t)).toContain('subgraph "cluster_c1/ns/shop" {');
    expect(topologyToMermaid(t)).toMatch(/ {4}subgraph c0n0\["namespace shop"\]/);
  });

  test("three clusters: every gateway-to-gateway edge names its two clusters", () => {
    const g = topologyGraph(buildTopology(buildMesh(threeClusters), manifests));
    const gateway = g.edges.filter((e) => e.from.endsWith("/gw/egress") && e.to.endsWith("/gw/ingress"));
    expect(gateway.length).toBeGreaterThan(2);
    for (const e of gateway) expect(e.label).toMatch(new RegExp(`^${e.from.split("/")[0]} → ${e.to.split("/")[0]}: `));
  });

  test("two clusters: labels stay the host alone", () => {
    const g = topologyGraph(buildTopology(acmeBuild(), acmeManifests()));
    expect(g.level).toBe("service");
    expect(g.edges.find((e) => e.from === "cluster1/gw/egress" && e.to === "cluster2/gw/ingress")?.label).toBe(
      "2 hosts",
    );
  });
});

/** `clusters` clusters, `services` services spread over them, each in one cluster, reached from all the others. */
function synthetic(clusters: number, services: number, callers = 0, mode?: MeshMode): Topology {
  const names = Array.from({ length: clusters }, (_, i) => `c${i}`);
  const svcs = Array.from({ length: services }, (_, i) => ({
    name: `s${i}`,
    namespace: `ns${i % 7}`,
    host: `s${i}.x.example.com`,
    ports: [80],
    clusters: [names[i % clusters]],
  }));
  return {
    name: "big",
    domain: "x.example.com",
    ...(mode && { mode }),
    clusters: names.map((name) => ({ name, egress: true, ingressPort: 443 })),
    services: svcs,
    routes: svcs.flatMap((s) =>
      names.filter((c) => !s.clusters.includes(c)).map((c) => ({ service: s.name, from: c, to: s.clusters })),
    ),
    callers: Array.from({ length: callers }, (_, i) => ({
      cluster: names[(i + 1) % clusters],
      namespace: "ns0",
      workload: `Deployment/w${i}`,
      service: `s${i}`,
      evidence: `S=s${i}.x.example.com`,
    })),
  };
}

describe("the cluster-level view, above TOPOLOGY_DETAIL_LIMIT service nodes", () => {
  test("at the limit: services drawn; one over: clusters", () => {
    expect(topologyGraph(synthetic(3, TOPOLOGY_DETAIL_LIMIT)).level).toBe("service");
    expect(serviceNodeCount(synthetic(3, TOPOLOGY_DETAIL_LIMIT + 1))).toBe(TOPOLOGY_DETAIL_LIMIT + 1);
    expect(topologyGraph(synthetic(3, TOPOLOGY_DETAIL_LIMIT + 1)).level).toBe("cluster");
  });

  test("few clusters: one node per cluster, one edge per pair, counted; callers' pairs emphasised", () => {
    const g = topologyGraph(synthetic(3, 300, 1));
    expect(g.groups.flatMap((x) => x.nodes).map((n) => [n.id, n.label])).toEqual([
      ["c0", ["c0", "100 services in 7 namespaces"]],
      ["c1", ["c1", "100 services in 7 namespaces", "1 caller seen"]],
      ["c2", ["c2", "100 services in 7 namespaces"]],
    ]);
    expect(g.edges).toHaveLength(6);
    const e = g.edges.find((x) => x.from === "c1" && x.to === "c0")!;
    expect(e).toMatchObject({ label: "c1 → c0: 100 services", caller: true });
    expect(e.detail).toHaveLength(21);
    expect(e.detail[20]).toBe("… and 80 more");
    expect(g.legend[0]).toMatch(/^cluster-level view: over 150 service nodes \(300\)/);
  });

  test("50 clusters × 1000 services: one edge per cluster each way through a hub; DOT and Mermaid stay small", () => {
    const t = synthetic(50, 1000, 5);
    const g = topologyGraph(t);
    expect(g.level).toBe("cluster");
    expect(g.groups.flatMap((x) => x.nodes)).toHaveLength(51);
    expect(g.edges).toHaveLength(100);
    expect(g.edges.find((e) => e.from === "c0")?.label).toBe("c0 reaches 980 services in 49 clusters");
    expect(g.edges.find((e) => e.to === "c0")?.label).toBe("c0 serves 20 services to 49 clusters");
    expect(topologyToDot(t).length).toBeLessThan(100_000);
    expect(topologyToMermaid(t).length).toBeLessThan(50_000);
  });

  test("the component's Mermaid output switches at the same threshold (one definition)", () => {
    expect(topologyToMermaid(synthetic(3, TOPOLOGY_DETAIL_LIMIT + 1))).not.toMatch(/subgraph c0\[/);
    expect(topologyToMermaid(synthetic(3, TOPOLOGY_DETAIL_LIMIT))).toMatch(/subgraph c0\[/);
  });
});

describe("east-west mode: sidecar → the owner's east-west gateway (passthrough) → service", () => {
  const build = () => buildMesh(readSpecFile(join(ACME_DIR, "gns-east-west.yaml")), acmeManifests());

  test("the same routes and callers; the gateways drawn are east-west gateways, the calls leave from sidecars", () => {
    const t = buildTopology(build(), acmeManifests());
    expect(t.mode).toBe("east-west");
    expect(t.routes).toEqual(buildTopology(acmeBuild(), acmeManifests()).routes);
    expect(t.clusters.map((c) => [c.name, c.ingressPort, c.egress])).toEqual([
      ["cluster1", 15443, true],
      ["cluster2", 15443, true],
    ]);
    const g = topologyGraph(t);
    const nodes = g.groups.flatMap((x) => x.nodes);
    expect(nodes.filter((n) => !["service", "workload"].includes(n.kind)).map((n) => [n.id, n.kind, n.label])).toEqual([
      ["cluster1/sidecars", "sidecars", ["sidecars", "member namespaces"]],
      ["cluster1/gw/eastwest", "eastwest", ["east-west gateway", "passthrough :15443"]],
      ["cluster2/sidecars", "sidecars", ["sidecars", "member namespaces"]],
      ["cluster2/gw/eastwest", "eastwest", ["east-west gateway", "passthrough :15443"]],
    ]);
    const edge = (from: string, to: string) => g.edges.find((e) => e.from === from && e.to === to);
    // shopping's own sidecar opens the session to cluster2's east-west gateway, which passes it to catalog.
    expect(edge("cluster1/svc/shopping", "cluster2/gw/eastwest")).toMatchObject({
      caller: true,
      label: "catalog.acme.example.com",
    });
    expect(edge("cluster2/gw/eastwest", "cluster2/svc/catalog")).toMatchObject({ caller: true });
    expect(edge("cluster1/sidecars", "cluster2/gw/eastwest")).toMatchObject({ caller: false, label: "2 hosts" });
    expect(edge("cluster2/sidecars", "cluster1/gw/eastwest")?.label).toBe("8 hosts");
    expect(
      g.edges.filter((e) => /\/gw\/(egress|ingress)$/.test(e.from) || /\/gw\/(egress|ingress)$/.test(e.to)),
    ).toEqual([]);
    expect(g.legend.join("\n")).toMatch(/teal: its east-west gateway \(passthrough port/);
  });

  test("DOT and Mermaid draw the east-west gateway and the sidecars in shapes of their own", () => {
    const t = buildTopology(build(), acmeManifests());
    const dot = topologyToDot(t);
    expect(dot).toContain(
      '"cluster2/gw/eastwest" [label="east-west gateway\\npassthrough :15443", shape="cds", style="filled", fillcolor="#d7f1f0"];',
    );
    expect(dot).toContain('"cluster1/sidecars" [label="sidecars\\nmember namespaces", shape="component"');
    expect(dot).not.toContain("egress gateway");
    const mmd = topologyToMermaid(t);
    expect(mmd).toMatch(/stadium: a cluster's sidecars calling out; hexagon: its east-west gateway/);
  });

  test("the cluster-level view says the routes go through the east-west gateways", () => {
    const g = topologyGraph(synthetic(50, 1000, 0, MeshMode.EAST_WEST));
    const hub = g.groups.flatMap((x) => x.nodes).find((n) => n.id === "/globalnamespace")!;
    expect(hub.label[1]).toBe("49000 cross-cluster routes through the east-west gateways");
    const tunnel = topologyGraph(synthetic(50, 1000));
    expect(tunnel.groups.flatMap((x) => x.nodes).find((n) => n.id === "/globalnamespace")!.label[1]).toBe(
      "49000 cross-cluster routes through the gateways",
    );
  });
});
