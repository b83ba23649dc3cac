/**
 * East-west mode's promise, followed hop by hop as Envoy would (test/helpers/sim): every member namespace reaches
 * every service with one mTLS session to its pods (local instances first where it runs locally), the owners'
 * east-west gateways see only Istio outbound SNIs they can route, and the destination's sidecar refuses everyone
 * else by the caller's own identity.
 */
import fc from "fast-check";
import { join } from "node:path";
import { buildMesh, GlobalNamespaceSpec, MeshBuild, MeshObject } from "../../sdk/src/mesh";
import { acmeManifests, ACME_DIR, readSpecFile, ROOT } from "../helpers/fixtures";
import { istioSchemaProblems } from "../helpers/istioSchema";
import {
  CallResult,
  Caller,
  MeshSimulator,
  outboundSni,
  SimCluster,
  SimMesh,
  simMeshFromModel,
  Stage,
} from "../helpers/sim";

const EAST_WEST = "east-west";
const fqdnOf = (s: { name: string; namespace: string }) => `${s.name}.${s.namespace}.svc.cluster.local`;

function simulate(build: MeshBuild, serviceAccounts: Record<string, string> = {}): MeshSimulator {
  return new MeshSimulator(simMeshFromModel(build.model, build.compiled.objects, { serviceAccounts }));
}

function acmeSpec(): any {
  return readSpecFile(join(ACME_DIR, "gns-east-west.yaml"));
}

/** bookinfo over three clusters (reviews in cluster2 and cluster3), in east-west mode: pods labelled `app: <name>`. */
function bookinfoSpec(): any {
  const spec = readSpecFile(join(ROOT, "examples", "bookinfo", "gns.yaml")) as any;
  return {
    ...spec,
    mode: EAST_WEST,
    services: spec.services.map((s: any) => ({ ...s, selector: { app: s.name } })),
  };
}

function expectReached(r: CallResult, cluster: string, fqdn: string): void {
  if (!r.ok) throw new Error(`refused at ${r.refusedAt} (${r.stage}): ${r.reason}`);
  expect(r.reached).toMatchObject({ cluster, fqdn });
}

function expectRefused(r: CallResult, stage: Stage, where?: string): void {
  if (r.ok) throw new Error(`expected a refusal (${stage}), reached ${JSON.stringify(r.reached)}`);
  expect({ stage: r.stage, reason: r.reason }).toEqual({ stage, reason: expect.any(String) });
  if (where) expect(r.refusedAt).toContain(where);
}

/**
 * Callers rank a service's instances by locality (istiod ignores failoverPriority on ServiceEntries): the local ones
 * come first when every owner has a locality of its own (the simulator takes a cluster's locality as its proxies').
 */
/** A locality warning naming `cluster` among owners that share a service (`<a> and <b> both run …`). */
function warnsAbout(build: MeshBuild, cluster: string): boolean {
  const named = new RegExp(`\\b${cluster}\\b`);
  return (build.model.warnings ?? []).some((w) => w.includes("both run") && named.test(w) && w.includes("locality"));
}

function ownersApart(build: MeshBuild, owners: string[]): boolean {
  const localities = build.model.clusters.filter((c) => owners.includes(c.name)).map((c) => c.locality);
  return localities.every((l) => l !== undefined) && new Set(localities).size === localities.length;
}

/**
 * Every member namespace of every cluster calls every port of every service, following every endpoint: each reaches
 * a pod of the service, either straight (it runs here) or through exactly one owner's east-west gateway, which saw
 * the Istio outbound SNI of that very Service and port; where the service runs locally, the local instances are the
 * only ones of the first priority (when the owners' localities tell them apart; else the model warns).
 */
function expectEveryMemberPairRoutes(build: MeshBuild): number {
  const sim = simulate(build);
  let paths = 0;
  for (const cluster of build.model.clusters)
    for (const namespace of cluster.namespaces)
      for (const s of build.model.services)
        for (const p of s.ports) {
          const from: Caller = { cluster: cluster.name, namespace, serviceAccount: "default" };
          const where = `${namespace}@${cluster.name} → ${s.host}:${p.number}`;
          for (const r of sim.callEach(from, s.host, p.number)) {
            if (!r.ok) throw new Error(`${where}: refused at ${r.refusedAt}: ${r.reason}`);
            expect(s.clusters).toContain(r.reached.cluster);
            expect(r.reached.fqdn).toBe(fqdnOf(s));
            const roles = r.hops.map((h) => h.role);
            if (r.reached.cluster === cluster.name) expect(roles).toEqual(["sidecar", "workload"]);
            else {
              expect(roles).toEqual(["sidecar", "east-west-gateway", "workload"]);
              expect(r.hops[1]).toMatchObject({ cluster: r.reached.cluster, sni: outboundSni(p.number, fqdnOf(s)) });
              // The destination sees the caller itself.
              expect(r.hops[2].peerCertificate).toBe(`spiffe://${cluster.trustDomain}/ns/${namespace}/sa/default`);
            }
            if (s.clusters.includes(cluster.name) && r.forks.length) {
              const first = r.priorities[0];
              const localFirst = first.length === 1 && first[0] === cluster.name;
              // Where localities tell the owners apart, local first is certain; elsewhere the model must say why not.
              if (ownersApart(build, s.clusters)) expect({ where, first }).toEqual({ where, first: [cluster.name] });
              else if (!localFirst)
                expect({ where, warned: warnsAbout(build, cluster.name) }).toEqual({ where, warned: true });
            }
            if (s.clusters.includes(cluster.name) && !r.forks.length) expect(r.reached.cluster).toBe(cluster.name);
            paths++;
          }
        }
  return paths;
}

/** A namespace outside the GlobalNamespace, in every cluster: the names do not resolve there. */
function expectOutsidersUnresolved(build: MeshBuild): void {
  const sim = simulate(build);
  for (const cluster of build.model.clusters)
    for (const s of build.model.services)
      for (const p of s.ports)
        expectRefused(
          sim.call({ cluster: cluster.name, namespace: "outsider", serviceAccount: "default" }, s.host, p.number),
          Stage.Dns,
        );
}

/**
 * Anyone who skips DNS and dials an owner's east-west gateway with the exact SNI of a service port: the gateway
 * lets the session through (it checks nothing), and the service's pods refuse a namespace outside the
 * GlobalNamespace by its identity. A mesh of one cluster has no passthrough server to pass.
 */
function expectOutsidersRefusedAtThePods(build: MeshBuild): void {
  const sim = simulate(build);
  for (const s of build.model.services)
    for (const owner of s.clusters)
      for (const p of s.ports) {
        const r = sim.dial(
          { principal: "cluster.local/ns/outsider/sa/default" },
          { cluster: owner, gateway: "east-west" },
          outboundSni(p.number, fqdnOf(s)),
        );
        if (build.model.clusters.length === 1) {
          // No other cluster to serve: no passthrough server at all.
          expectRefused(r, Stage.Server, `${owner} east-west gateway`);
          continue;
        }
        expectRefused(r, Stage.Authz, `${owner} workload ${s.name}.${s.namespace}`);
        expect(r.hops.map((h) => h.role)).toEqual(["east-west-gateway", "workload"]);
      }
}

/**
 * With a trust domain per cluster, a workload of a cluster outside the GlobalNamespace (on the same root) is refused
 * at the pods even in a namespace named like a mapped one.
 */
function expectNonMemberClusterRefused(build: MeshBuild): void {
  const sim = simulate(build);
  if (build.model.clusters.length === 1) return;
  for (const s of build.model.services)
    for (const owner of s.clusters)
      expectRefused(
        sim.dial(
          { principal: `stranger.mesh.example.com/ns/${s.namespace}/sa/default` },
          { cluster: owner, gateway: "east-west" },
          outboundSni(s.ports[0].number, fqdnOf(s)),
        ),
        Stage.Authz,
        `${owner} workload ${s.name}.${s.namespace}`,
      );
}

function expectSchemaValid(build: MeshBuild): void {
  expect([...build.compiled.objects.values()].flat().flatMap((o) => istioSchemaProblems(o as MeshObject))).toEqual([]);
}

describe("acme-fitness in east-west mode", () => {
  const build = buildMesh(acmeSpec(), acmeManifests());
  const CATALOG = "catalog.acme.example.com";
  const CATALOG_SNI = outboundSni(8082, "catalog.default.svc.cluster.local");

  test("every object validates against Istio's CRD schemas", () => {
    expect(build.model.mode).toBe(EAST_WEST);
    expectSchemaValid(build);
  });

  test("every member namespace reaches every service: locally where it runs, else through the owner's east-west gateway", () => {
    expect(expectEveryMemberPairRoutes(build)).toBe(20);
    const r = simulate(build).call(
      { cluster: "cluster1", namespace: "default", serviceAccount: "shopping" },
      CATALOG,
      8082,
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.hops.map((h) => h.proxy)).toEqual([
      "cluster1 sidecar default/shopping",
      "cluster2 east-west gateway",
      "cluster2 workload catalog.default",
    ]);
    expect(r.hops[0].to).toMatchObject({ port: 8082, tls: { mode: "ISTIO_MUTUAL", sni: CATALOG_SNI } });
    expect(r.hops[2]).toMatchObject({ peerCertificate: "spiffe://cluster.local/ns/default/sa/shopping", mtls: true });
  });

  test("no namespace outside the GlobalNamespace resolves a global name, nor gets past the pods with the right SNI", () => {
    expectOutsidersUnresolved(build);
    expectOutsidersRefusedAtThePods(build);
  });

  test("cluster2's east-west gateway routes catalog's SNIs only: not a Service of cluster1, not an unmapped namespace", () => {
    const sim = simulate(build);
    // The API server's Service sits in the listed namespace `default`: a chain, but no endpoint (no sidecar).
    const apiServer = {
      name: "kubernetes",
      namespace: "default",
      labels: {},
      serviceAccount: "default",
      sidecar: false,
    };
    const withApiServer = new MeshSimulator(
      simMeshFromModel(build.model, build.compiled.objects, {
        services: { cluster2: [{ ...apiServer, ports: [{ port: 443, targetPort: 6443, protocol: "TCP" }] }] },
      }),
    );
    expectRefused(
      withApiServer.dial(
        { principal: "cluster.local/ns/default/sa/shopping" },
        { cluster: "cluster2", gateway: "east-west" },
        outboundSni(443, "kubernetes.default.svc.cluster.local"),
      ),
      Stage.Route,
      "cluster2 east-west gateway",
    );
    const member = { principal: "cluster.local/ns/default/sa/shopping" };
    expectReached(
      sim.dial(member, { cluster: "cluster2", gateway: "east-west" }, CATALOG_SNI),
      "cluster2",
      "catalog.default.svc.cluster.local",
    );
    for (const sni of [
      outboundSni(5000, "cart.default.svc.cluster.local"), // cart runs in cluster1
      outboundSni(443, "kubernetes.default.svc.cluster.local"),
      outboundSni(15012, "istiod.istio-system.svc.cluster.local"),
      `8082.${CATALOG}`,
      CATALOG,
    ])
      expectRefused(sim.dial(member, { cluster: "cluster2", gateway: "east-west" }, sni), Stage.Server, "east-west");
  });

  test("a workload of a non-member cluster: refused in an unmapped namespace; a namespace named like a member one gets in (one trust domain)", () => {
    const sim = simulate(build);
    const dial = (ns: string) =>
      sim.dial(
        { principal: `cluster.local/ns/${ns}/sa/default` },
        { cluster: "cluster2", gateway: "east-west" },
        CATALOG_SNI,
      );
    expectRefused(dial("stranger"), Stage.Authz, "catalog");
    // Istio's namespace sameness: with one trust domain, `default` of any cluster on the mesh's root is `default`.
    expectReached(dial("default"), "cluster2", "catalog.default.svc.cluster.local");
  });
});

describe("acme-fitness in east-west mode with a trust domain per cluster", () => {
  const spec = acmeSpec();
  spec.clusters = spec.clusters.map((c: any) => ({ ...c, trustDomain: `${c.name}.acme.example.com` }));
  const build = buildMesh(spec, acmeManifests());

  test("members reach everything; a non-member cluster's workload is refused even in namespace `default`", () => {
    expect(expectEveryMemberPairRoutes(build)).toBe(20);
    const r = simulate(build).dial(
      { principal: "cluster9.acme.example.com/ns/default/sa/default" },
      { cluster: "cluster2", gateway: "east-west" },
      outboundSni(8082, "catalog.default.svc.cluster.local"),
    );
    expectRefused(r, Stage.Authz, "cluster2 workload catalog.default");
  });
});

describe("bookinfo over three clusters in east-west mode (reviews in cluster2 and cluster3)", () => {
  const build = buildMesh(bookinfoSpec());

  test("every object validates against Istio's CRD schemas", () => {
    expectSchemaValid(build);
  });

  test("every member namespace reaches every service, local instances first where it runs", () => {
    expect(expectEveryMemberPairRoutes(build)).toBeGreaterThan(0);
  });

  test("cluster1 reaches reviews in both owners, the nearer (cluster2, same region) first", () => {
    const r = simulate(build).callEach(
      { cluster: "cluster1", namespace: "bookinfo", serviceAccount: "default" },
      "reviews.bookinfo.example.com",
      9080,
    );
    expect(r.map((x) => (x.ok ? x.reached.cluster : x.reason)).sort()).toEqual(["cluster2", "cluster3"]);
    expect(r[0].priorities).toEqual([["cluster2"], ["cluster3"]]);
  });

  test("no namespace outside the GlobalNamespace resolves a name, nor gets past the pods", () => {
    expectOutsidersUnresolved(build);
    expectOutsidersRefusedAtThePods(build);
  });

  test("cluster2's reviews failing: its callers fail over, per request, to cluster3's through its east-west gateway", () => {
    const r = simulate(build).call(
      { cluster: "cluster2", namespace: "bookinfo", serviceAccount: "default" },
      "reviews.bookinfo.example.com",
      9080,
      { down: ["cluster2"] },
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.hops.map((h) => h.proxy)).toEqual([
      "cluster2 sidecar bookinfo/default",
      "cluster3 east-west gateway",
      "cluster3 workload reviews.bookinfo",
    ]);
  });
});

describe("access policies in east-west mode: the destination decides, with the real caller", () => {
  const SHOP = { cluster: "cluster1", namespace: "default", serviceAccount: "shopping" };
  const CART = { cluster: "cluster1", namespace: "default", serviceAccount: "cart" };
  const CATALOG = "catalog.acme.example.com";
  const ORDER = "order.acme.example.com";
  // Naming a cluster in a policy needs a trust domain per cluster (resolveMesh refuses it otherwise).
  const spec = acmeSpec();
  spec.clusters = spec.clusters.map((c: any) => ({ ...c, trustDomain: `${c.name}.acme.example.com` }));
  const withPolicies = (policies: unknown[], extra: object = {}) =>
    simulate(buildMesh({ ...spec, ...extra, policies }, acmeManifests()));
  const shopToCatalog = {
    name: "shop-to-catalog",
    action: "ALLOW",
    from: [{ namespace: "default", cluster: "cluster1", serviceAccounts: ["shopping"] }],
    to: [{ service: "catalog", ports: [8082], methods: ["GET"], paths: ["/products*"] }],
  };

  test("ALLOW: shopping may GET /products*; another account, method or path is refused at catalog's pods", () => {
    const sim = withPolicies([shopToCatalog]);
    expectReached(
      sim.call(SHOP, CATALOG, 8082, { method: "GET", path: "/products/1" }),
      "cluster2",
      "catalog.default.svc.cluster.local",
    );
    for (const [caller, method, path] of [
      [CART, "GET", "/products"],
      [SHOP, "POST", "/products"],
      [SHOP, "GET", "/admin"],
    ] as const)
      expectRefused(sim.call(caller, CATALOG, 8082, { method, path }), Stage.Authz, "cluster2 workload catalog");
  });

  test("DENY: cart may not call order, from its own cluster nor from another, both refused at order's pods", () => {
    const deny = {
      name: "no-cart-to-order",
      action: "DENY",
      from: [{ namespace: "default", serviceAccounts: ["cart"] }],
      to: [{ service: "order" }],
    };
    const sim = withPolicies([deny]);
    expectRefused(sim.call(CART, ORDER, 6000), Stage.Authz, "cluster1 workload order");
    const remote = sim.call({ cluster: "cluster2", namespace: "default", serviceAccount: "cart" }, ORDER, 6000);
    expectRefused(remote, Stage.Authz, "cluster1 workload order");
    expect(remote.hops.at(-1)?.peerCertificate).toBe("spiffe://cluster2.acme.example.com/ns/default/sa/cart");
    expectReached(sim.call(SHOP, ORDER, 6000), "cluster1", "order.default.svc.cluster.local");
  });

  test("defaultDeny: only what an ALLOW opens; a remote path nobody granted is refused at the pods", () => {
    const sim = withPolicies([shopToCatalog], { defaultDeny: true });
    expectReached(
      sim.call(SHOP, CATALOG, 8082, { path: "/products" }),
      "cluster2",
      "catalog.default.svc.cluster.local",
    );
    expectRefused(
      sim.call({ cluster: "cluster2", namespace: "default", serviceAccount: "catalog" }, ORDER, 6000),
      Stage.Authz,
      "cluster1 workload order",
    );
  });
});

describe("two GlobalNamespaces in east-west mode sharing cluster2", () => {
  const acme = buildMesh(acmeSpec(), acmeManifests());
  const billingSpec = readSpecFile(join(__dirname, "..", "cli", "fixtures", "billing.yaml")) as any;
  const billing = buildMesh({
    ...billingSpec,
    mode: EAST_WEST,
    clusters: billingSpec.clusters.map((c: any) =>
      c.name === "cluster2"
        ? { ...c, ingress: acmeSpec().clusters[1].ingress }
        : { ...c, ingress: { address: "198.51.100.33" } },
    ),
    services: billingSpec.services.map((s: any) => ({ ...s, selector: { app: s.name } })),
  });
  const sim = new MeshSimulator(
    mergeMeshes(
      simMeshFromModel(acme.model, acme.compiled.objects),
      simMeshFromModel(billing.model, billing.compiled.objects),
    ),
  );

  test("each routes its own members through the shared east-west gateway", () => {
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
      sim.call(
        { cluster: "cluster1", namespace: "default", serviceAccount: "default" },
        "catalog.acme.example.com",
        8082,
      ),
      "cluster2",
      "catalog.default.svc.cluster.local",
    );
  });

  test("billing's namespace neither resolves acme's names nor gets past catalog's pods with catalog's SNI", () => {
    expectRefused(
      sim.call(
        { cluster: "cluster2", namespace: "billing", serviceAccount: "default" },
        "catalog.acme.example.com",
        8082,
      ),
      Stage.Dns,
    );
    expectRefused(
      sim.dial(
        { principal: "cluster.local/ns/billing/sa/default" },
        { cluster: "cluster2", gateway: "east-west" },
        outboundSni(8082, "catalog.default.svc.cluster.local"),
      ),
      Stage.Authz,
      "cluster2 workload catalog",
    );
  });
});

describe("generated meshes in east-west mode", () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
  const LOCALITIES = ["us-east-1/us-east-1a", "us-east-1/us-east-1b", "eu-west-1/eu-west-1a", undefined];
  const specArb: fc.Arbitrary<GlobalNamespaceSpec> = fc
    .record({
      name: label,
      clusterCount: fc.integer({ min: 1, max: 4 }),
      localities: fc.array(fc.constantFrom(...LOCALITIES), { minLength: 4, maxLength: 4 }),
      ownTrustDomains: fc.boolean(),
    })
    .chain(({ name, clusterCount, localities, ownTrustDomains }) => {
      const clusters = Array.from({ length: clusterCount }, (_, i) => `cluster${i + 1}`);
      const service = fc.record({
        name: label,
        namespace: fc.constantFrom("shop", "data"),
        clusters: fc.subarray(clusters, { minLength: 1 }),
        ports: fc.uniqueArray(
          fc.record({
            number: fc.integer({ min: 1, max: 65535 }),
            protocol: fc.constantFrom("HTTP", "GRPC", "TLS", "TCP"),
          }),
          { minLength: 1, maxLength: 3, selector: (p) => p.number },
        ),
      });
      return fc
        .uniqueArray(service, { minLength: 1, maxLength: 8, selector: (s) => s.name })
        .map((services): GlobalNamespaceSpec => ({
          name,
          domain: "acme.example.com",
          mode: EAST_WEST,
          clusters: clusters.map((c, i) => ({
            name: c,
            ingress: { address: i % 2 ? `ew-${c}.example.net` : `203.0.113.${i + 1}` },
            ...(localities[i] && { locality: localities[i] }),
            ...(ownTrustDomains && { trustDomain: `${c}.mesh.example.com` }),
          })),
          members: [
            { cluster: "cluster*", namespace: "shop" },
            { cluster: "*", namespace: "data" },
          ],
          services: services.map((s) => ({ ...s, selector: { app: s.name } })),
        }));
    });

  test("every member pair reaches its service (local first), outsiders resolve nothing and are refused at the pods", () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const build = buildMesh(spec);
        expectSchemaValid(build);
        expectEveryMemberPairRoutes(build);
        expectOutsidersUnresolved(build);
        expectOutsidersRefusedAtThePods(build);
        if (build.model.clusters[0].trustDomain !== "cluster.local") expectNonMemberClusterRefused(build);
      }),
      { numRuns: 25 },
    );
  });
});

/** One simulated mesh from two GlobalNamespaces' (each cluster's objects and Services side by side). */
function mergeMeshes(a: SimMesh, b: SimMesh): SimMesh {
  const objects = new Map<string, MeshObject[]>();
  for (const m of [a, b]) for (const [c, list] of m.objects) objects.set(c, [...(objects.get(c) ?? []), ...list]);
  const clusters: SimCluster[] = [...a.clusters];
  for (const c of b.clusters) {
    const same = clusters.find((x) => x.name === c.name);
    if (same) same.services = [...same.services, ...c.services];
    else clusters.push(c);
  }
  return { clusters, objects };
}
