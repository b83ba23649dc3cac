import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { GlobalNamespace } from "../../sdk/src/gns";
import { buildMesh, buildTopology, ClusterManifests, topologyGraph, topologyToMermaid } from "../../sdk/src/mesh";
import { acmeBuild, acmeManifests } from "../helpers/fixtures";
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
