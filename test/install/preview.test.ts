import { installMocks, providerUrn, Recorder, valueOf } from "../helpers/pulumiHarness";
import { computedState, deps, handle, plaintextStrings } from "./support";

/**
 * The same onboarding as `pulumi preview`: the install order, the mesh identity in the chart values, the key
 * discipline and the GlobalNamespace's wait on istiod hold before anything exists.
 */
let rec: Recorder;
let lib: typeof import("../../sdk/src");

beforeAll(async () => {
  rec = await installMocks({ preview: true, state: computedState });
  lib = await import("../../sdk/src");
  const trust = new lib.MeshTrust("mesh", { meshId: "preview-mesh", trustDomain: "mesh.example.com" });
  const clusters = ["p1", "p2"].map((c) => new lib.MeshCluster(c, { cluster: handle(c), trust, injection: { namespaces: ["shop"] } }));
  const gns = new lib.GlobalNamespace("shop", {
    domain: "shop.example.com",
    members: clusters.map((cluster) => ({ cluster, namespace: "shop" })),
    services: [{ name: "cart", namespace: "shop", clusters: ["p2"], ports: [{ number: 8080, name: "http" }] }],
  });
  await valueOf(gns.objectNames);
  await rec.settled();
});

test.each(["p1", "p2"])("%s: namespace → cacerts + base → istiod → gateways", (c) => {
  const urn = (n: string) => rec.byName(`${c}-${n}`).urn;
  expect(deps(rec.byName(`${c}-base`))).toEqual([urn("istio-system")]);
  expect(deps(rec.byName(`${c}-istiod`))).toEqual([urn("base"), urn("cacerts"), urn("istio-system")].sort());
  for (const g of ["ingress-gateway", "egress-gateway"]) expect(deps(rec.byName(`${c}-${g}`))).toEqual([urn("istiod"), urn("istio-system")].sort());
});

test("istiod values: shared mesh ID and trust domain, per-cluster name, DNS capture", () => {
  const values = ["p1", "p2"].map((c) => rec.byName(`${c}-istiod`).inputs.values);
  expect(values.map((v) => [v.global.meshID, v.meshConfig.trustDomain, v.global.multiCluster.clusterName, v.global.network])).toEqual([
    ["preview-mesh", "mesh.example.com", "p1", "p1"],
    ["preview-mesh", "mesh.example.com", "p2", "p2"],
  ]);
  for (const v of values) expect(v.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE).toBe("true");
});

test("no private key outside a secret", () => {
  const leaks = rec.registrations.flatMap((r) => plaintextStrings(r.rawInputs).filter((s) => /PRIVATE KEY|MOCK-KEY/.test(s)));
  expect(leaks).toEqual([]);
  expect(rec.ofType("kubernetes:core/v1:Secret").map((r) => r.name).sort()).toEqual(["p1-cacerts", "p2-cacerts"]);
});

test("GlobalNamespace objects depend on their cluster's istiod", () => {
  const objects = rec.registrations.filter((r) => r.parent === rec.byName("shop").urn);
  expect(objects.length).toBeGreaterThan(0);
  for (const r of objects) {
    const cluster = ["p1", "p2"].find((c) => providerUrn(r.provider) === rec.byName(`${c}-provider`).urn)!;
    expect(r.dependencies).toContain(rec.byName(`${cluster}-istiod`).urn);
  }
});
