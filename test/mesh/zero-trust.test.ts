/**
 * The zero-trust promise, followed hop by hop as Envoy would (test/helpers/sim): every declared path works, and every
 * undeclared one is refused at a named hop — by DNS/exportTo, a certificate check or an AuthorizationPolicy.
 */
import { buildMesh, MeshBuild, MeshObject } from "../../sdk/src/mesh";
import { acmeBuild, acmeManifests, ACME_DIR, bookinfoBuild, readSpecFile } from "../helpers/fixtures";
import { CallResult, Caller, MeshSimulator, SimMesh, simMeshFromModel, Stage } from "../helpers/sim";
import { join } from "node:path";

function simulate(build: MeshBuild, serviceAccounts: Record<string, string> = {}): MeshSimulator {
  return new MeshSimulator(simMeshFromModel(build.model, build.compiled.objects, { serviceAccounts }));
}

function expectReached(r: CallResult, cluster: string, fqdn: string): void {
  if (!r.ok) throw new Error(`refused at ${r.refusedAt} (${r.stage}): ${r.reason}`);
  expect(r.reached.cluster).toBe(cluster);
  expect(r.reached.fqdn).toBe(fqdn);
}

function expectRefused(r: CallResult, stage: Stage, where?: string): void {
  if (r.ok) throw new Error(`expected a refusal (${stage}), reached ${JSON.stringify(r.reached)}`);
  expect({ stage: r.stage, reason: r.reason }).toEqual({ stage, reason: expect.any(String) });
  if (where) expect(r.refusedAt).toContain(where);
}

/** Every member namespace of every cluster, calling every port of every service: all reach a cluster that runs it. */
function expectEveryMemberPairRoutes(build: MeshBuild): number {
  const sim = simulate(build);
  let paths = 0;
  for (const cluster of build.model.clusters)
    for (const namespace of cluster.namespaces)
      for (const s of build.model.services)
        for (const p of s.ports) {
          const from: Caller = { cluster: cluster.name, namespace, serviceAccount: "default" };
          for (const r of sim.callEach(from, s.host, p.number)) {
            if (!r.ok) throw new Error(`${namespace}@${cluster.name} → ${s.host}:${p.number}: ${r.reason}`);
            expect(s.clusters).toContain(r.reached.cluster);
            // Local instances first: a cluster that runs the service never leaves it.
            if (s.clusters.includes(cluster.name)) expect(r.reached.cluster).toBe(cluster.name);
            expect(r.reached.fqdn).toBe(`${s.name}.${s.namespace}.svc.cluster.local`);
            paths++;
          }
        }
  return paths;
}

/** A namespace outside the GlobalNamespace, in every cluster, calling every service: refused before it leaves. */
function expectOutsidersRefused(build: MeshBuild): void {
  const sim = simulate(build);
  for (const cluster of build.model.clusters)
    for (const s of build.model.services)
      for (const p of s.ports)
        expectRefused(
          sim.call({ cluster: cluster.name, namespace: "outsider", serviceAccount: "default" }, s.host, p.number),
          Stage.Dns,
        );
}

describe("acme-fitness", () => {
  const build = acmeBuild();
  const sim = simulate(build);
  const CATALOG = "catalog.acme.example.com";
  const TUNNEL = `8082.${CATALOG}`;

  test("every member namespace reaches every service, locally where it runs, else through both gateways", () => {
    // 2 clusters × 1 namespace × 10 services, one port each.
    expect(expectEveryMemberPairRoutes(build)).toBe(20);
    const r = sim.call({ cluster: "cluster1", namespace: "default", serviceAccount: "default" }, CATALOG, 8082);
    if (!r.ok) throw new Error(r.reason);
    expect(r.hops.map((h) => h.role)).toEqual(["sidecar", "egress-gateway", "ingress-gateway", "workload"]);
    // Identities checked at every hop: the egress gateway sees the caller, the ingress gateway cluster1's egress
    // gateway, the workload cluster2's ingress gateway.
    expect(r.hops.map((h) => h.peerCertificate)).toEqual([
      undefined,
      "spiffe://cluster.local/ns/default/sa/default",
      "spiffe://cluster.local/ns/istio-gateways/sa/istio-egressgateway-cluster1",
      "spiffe://cluster.local/ns/istio-gateways/sa/istio-ingressgateway-cluster2",
    ]);
  });

  test("no namespace outside the GlobalNamespace resolves or reaches any global name", () => {
    expectOutsidersRefused(build);
  });

  test("a workload calling cluster2's ingress directly with a tunnel name is refused at the handshake", () => {
    const workload = { principal: "cluster.local/ns/default/sa/default" };
    expectRefused(sim.dial(workload, { cluster: "cluster2" }, TUNNEL), Stage.ServerTls);
  });

  test("a gateway of a cluster outside the GlobalNamespace (same root) is refused at the handshake", () => {
    const stranger = { principal: "cluster.local/ns/istio-gateways/sa/istio-egressgateway-cluster9" };
    expectRefused(sim.dial(stranger, { cluster: "cluster2" }, TUNNEL), Stage.ServerTls);
    // Nor does an ingress gateway pass for an egress gateway.
    const ingress1 = { principal: build.model.clusters[0].gateways.ingressPrincipal };
    expectRefused(sim.dial(ingress1, { cluster: "cluster2" }, TUNNEL), Stage.ServerTls);
  });

  test("cluster1's egress gateway, dialled directly, is admitted only on the tunnels of services cluster2 runs", () => {
    const egress1 = { principal: build.model.clusters.find((c) => c.name === "cluster1")!.gateways.egressPrincipal };
    expectReached(sim.dial(egress1, { cluster: "cluster2" }, TUNNEL), "cluster2", "catalog.default.svc.cluster.local");
    // cart runs in cluster1: cluster2's ingress has no server for its tunnel.
    expectRefused(sim.dial(egress1, { cluster: "cluster2" }, "5000.cart.acme.example.com"), Stage.Server);
  });

  test("a namespace outside the GlobalNamespace that sends to the egress gateway itself is refused by its policy", () => {
    const outsider = { principal: "cluster.local/ns/outsider/sa/default" };
    expectRefused(sim.dial(outsider, { cluster: "cluster1", gateway: "egress" }, TUNNEL), Stage.Authz, "egress");
  });
});

describe("bookinfo (three clusters, reviews in two)", () => {
  const build = bookinfoBuild();

  test("every member namespace reaches every service; cluster1 reaches reviews through both owners", () => {
    expect(expectEveryMemberPairRoutes(build)).toBeGreaterThan(0);
    const sim = simulate(build);
    const reached = sim
      .callEach(
        { cluster: "cluster1", namespace: "bookinfo", serviceAccount: "default" },
        "reviews.bookinfo.example.com",
        9080,
      )
      .map((r) => (r.ok ? r.reached.cluster : r.reason));
    expect(reached.sort()).toEqual(["cluster2", "cluster3"]);
  });

  test("no namespace outside the GlobalNamespace resolves or reaches any global name", () => {
    expectOutsidersRefused(build);
  });
});

describe("access policies on acme-fitness", () => {
  const spec = readSpecFile(join(ACME_DIR, "gns.yaml")) as any;
  const withPolicies = (policies: unknown[], extra: object = {}) =>
    buildMesh({ ...spec, ...extra, policies }, acmeManifests());
  const SHOP = { cluster: "cluster1", namespace: "default", serviceAccount: "shopping" };
  const CART = { cluster: "cluster1", namespace: "default", serviceAccount: "cart" };
  const CATALOG = "catalog.acme.example.com";
  const accounts = { "default/catalog": "catalog", "default/order": "order", "default/catalog-mongo": "mongo" };

  const shopToCatalog = {
    name: "shop-to-catalog",
    action: "ALLOW",
    from: [{ namespace: "default", cluster: "cluster1", serviceAccounts: ["shopping"] }],
    to: [{ service: "catalog", ports: [8082], methods: ["GET"], paths: ["/products*"] }],
  };

  test("ALLOW: shopping may GET /products* on catalog; another account, method or path is refused", () => {
    const sim = simulate(withPolicies([shopToCatalog]), accounts);
    expectReached(
      sim.call(SHOP, CATALOG, 8082, { method: "GET", path: "/products/1" }),
      "cluster2",
      "catalog.default.svc.cluster.local",
    );
    // Another account of the same namespace: refused where its identity is still visible, its egress gateway.
    expectRefused(sim.call(CART, CATALOG, 8082, { method: "GET", path: "/products" }), Stage.Authz, "egress");
    // HTTP rules are checked at catalog's pods (the gateways carry bytes).
    expectRefused(sim.call(SHOP, CATALOG, 8082, { method: "POST", path: "/products" }), Stage.Authz, "catalog");
    expectRefused(sim.call(SHOP, CATALOG, 8082, { method: "GET", path: "/admin" }), Stage.Authz, "catalog");
    // A local caller in cluster2 holds no grant on catalog any more.
    expectRefused(
      sim.call({ cluster: "cluster2", namespace: "default", serviceAccount: "catalog" }, CATALOG, 8082),
      Stage.Authz,
    );
  });

  test("services no ALLOW policy names stay open to every member namespace", () => {
    const sim = simulate(withPolicies([shopToCatalog]), accounts);
    expectReached(sim.call(CART, "order.acme.example.com", 6000), "cluster1", "order.default.svc.cluster.local");
    expectReached(
      sim.call(
        { cluster: "cluster2", namespace: "default", serviceAccount: "catalog" },
        "order.acme.example.com",
        6000,
      ),
      "cluster1",
      "order.default.svc.cluster.local",
    );
  });

  test("DENY: cart may not call order, locally (at order's pods) nor from another cluster (at its egress gateway)", () => {
    const deny = {
      name: "no-cart-to-order",
      action: "DENY",
      from: [{ namespace: "default", serviceAccounts: ["cart"] }],
      to: [{ service: "order" }],
    };
    const sim = simulate(withPolicies([deny]), accounts);
    expectRefused(sim.call(CART, "order.acme.example.com", 6000), Stage.Authz, "order");
    expectRefused(
      sim.call({ cluster: "cluster2", namespace: "default", serviceAccount: "cart" }, "order.acme.example.com", 6000),
      Stage.Authz,
      "egress",
    );
    expectReached(sim.call(SHOP, "order.acme.example.com", 6000), "cluster1", "order.default.svc.cluster.local");
  });

  test("defaultDeny: only what an ALLOW policy opens stays open", () => {
    const sim = simulate(withPolicies([shopToCatalog], { defaultDeny: true }), accounts);
    expectReached(
      sim.call(SHOP, CATALOG, 8082, { path: "/products" }),
      "cluster2",
      "catalog.default.svc.cluster.local",
    );
    // A remote path nobody granted: refused at the caller's egress gateway (per-tunnel DENY).
    expectRefused(
      sim.call(
        { cluster: "cluster2", namespace: "default", serviceAccount: "catalog" },
        "order.acme.example.com",
        6000,
      ),
      Stage.Authz,
      "egress",
    );
    // A local path nobody granted: refused at the pods.
    expectRefused(sim.call(SHOP, "order.acme.example.com", 6000), Stage.Authz, "order");
  });
});

describe("two GlobalNamespaces sharing cluster2", () => {
  const acme = acmeBuild();
  const billing = buildMesh(readSpecFile(join(__dirname, "..", "cli", "fixtures", "billing.yaml")));
  const sim = new MeshSimulator(
    mergeMeshes(
      simMeshFromModel(acme.model, acme.compiled.objects),
      simMeshFromModel(billing.model, billing.compiled.objects),
    ),
  );

  test("each GlobalNamespace routes its own members", () => {
    expectReached(
      sim.call(
        { cluster: "cluster2", namespace: "billing", serviceAccount: "default" },
        "ledger.billing.example.com",
        7000,
      ),
      "cluster3",
      "ledger.billing.svc.cluster.local",
    );
    expectReached(
      sim.call({ cluster: "cluster2", namespace: "default", serviceAccount: "default" }, "cart.acme.example.com", 5000),
      "cluster1",
      "cart.default.svc.cluster.local",
    );
  });

  test("a namespace of one neither resolves nor reaches the other's names", () => {
    expectRefused(
      sim.call({ cluster: "cluster2", namespace: "billing", serviceAccount: "default" }, "cart.acme.example.com", 5000),
      Stage.Dns,
    );
    expectRefused(
      sim.call(
        { cluster: "cluster2", namespace: "default", serviceAccount: "default" },
        "ledger.billing.example.com",
        7000,
      ),
      Stage.Dns,
    );
    // Skipping DNS, straight to the shared egress gateway with acme's tunnel name: not granted.
    const billingWorkload = { principal: "cluster.local/ns/billing/sa/default" };
    expectRefused(
      sim.dial(billingWorkload, { cluster: "cluster2", gateway: "egress" }, "5000.cart.acme.example.com"),
      Stage.Authz,
      "egress",
    );
  });
});

/** One simulated mesh from two GlobalNamespaces' (each cluster's objects and Services side by side). */
function mergeMeshes(a: SimMesh, b: SimMesh): SimMesh {
  const objects = new Map<string, MeshObject[]>();
  for (const m of [a, b]) for (const [c, list] of m.objects) objects.set(c, [...(objects.get(c) ?? []), ...list]);
  const clusters = [...a.clusters];
  for (const c of b.clusters) {
    const same = clusters.find((x) => x.name === c.name);
    if (same) same.services = [...same.services, ...c.services];
    else clusters.push(c);
  }
  return { clusters, objects };
}
