import * as pulumi from "@pulumi/pulumi";
import { installMocks, isSecret, providerUrn, Recorder, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { computedState, connection, deps, mockCert, mockKey, plaintextStrings } from "./support";

/**
 * The same onboarding as `pulumi preview`: the install order, the mesh identity in the chart values, the key
 * discipline and the GlobalNamespace's wait on istiod hold before anything exists.
 */
let rec: Recorder;
let lib: typeof import("../../sdk/src");
let meshes: InstanceType<typeof lib.MeshCluster>[];

beforeAll(async () => {
  rec = await installMocks({ preview: true, state: computedState });
  lib = await import("../../sdk/src");
  const trust = new lib.MeshTrust("mesh", {
    meshId: "preview-mesh",
    trustDomain: "mesh.example.com",
    clusters: ["p1", "p2"],
  });
  // p2's kubeconfig is a plain string, as a program might read it from a file: it is kept secret all the same.
  const cluster = (c: string) => (c === "p2" ? { clusterName: c, kubeconfig: kubeconfigText(c) } : connection(c));
  const clusters = (meshes = ["p1", "p2"].map(
    (c) =>
      new lib.MeshCluster(c, {
        cluster: cluster(c),
        ca: trust.caFor(c),
        meshId: trust.meshId,
        trustDomain: trust.trustDomain,
        injection: { namespaces: ["shop"] },
      }),
  ));
  const gns = new lib.GlobalNamespace(
    "shop",
    {
      domain: "shop.example.com",
      clusters,
      members: clusters.map((c) => ({ cluster: c.clusterName, namespace: "shop" })),
      services: [{ name: "cart", namespace: "shop", clusters: ["p2"], ports: [{ number: 8080, name: "http" }] }],
    },
    { dependsOn: clusters },
  );
  await valueOf(gns.objectNames);
  await rec.settled();
});

test.each(["p1", "p2"])("%s: namespace → cacerts + base → istiod → gateways (in their own namespace)", (c) => {
  const urn = (n: string) => rec.byName(`${c}-${n}`).urn;
  expect(deps(rec.byName(`${c}-base`))).toEqual([urn("istio-system")]);
  expect(deps(rec.byName(`${c}-istiod`))).toEqual([urn("base"), urn("cacerts"), urn("istio-system")].sort());
  for (const g of ["ingress-gateway", "egress-gateway"])
    expect(deps(rec.byName(`${c}-${g}`))).toEqual([urn("istiod"), urn("istio-gateways")].sort());
});

test("istiod values: shared mesh ID and trust domain, per-cluster name, DNS capture", () => {
  const values = ["p1", "p2"].map((c) => rec.byName(`${c}-istiod`).inputs.values);
  expect(
    values.map((v) => [v.global.meshID, v.meshConfig.trustDomain, v.global.multiCluster.clusterName, v.global.network]),
  ).toEqual([
    ["preview-mesh", "mesh.example.com", "p1", "p1"],
    ["preview-mesh", "mesh.example.com", "p2", "p2"],
  ]);
  for (const v of values) expect(v.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE).toBe("true");
});

test("no private key outside a secret", () => {
  const leaks = rec.registrations.flatMap((r) =>
    plaintextStrings(r.rawInputs).filter((s) => /PRIVATE KEY|MOCK-KEY/.test(s)),
  );
  expect(leaks).toEqual([]);
  expect(
    rec
      .ofType("kubernetes:core/v1:Secret")
      .map((r) => r.name)
      .sort(),
  ).toEqual(["p1-cacerts", "p2-cacerts"]);
});

test("a kubeconfig given as a plain string is secret in every provider built from it and in MeshCluster's output", async () => {
  const p2 = kubeconfigText("p2");
  const fromP2 = rec.ofType("pulumi:providers:kubernetes").filter((p) => p.inputs.kubeconfig === p2);
  expect(fromP2.map((p) => p.name).sort()).toEqual(["p2-k8s", "shop-p2"]);
  for (const p of fromP2) expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
  expect(plaintextStrings(rec.registrations.map((r) => r.rawInputs))).not.toContain(p2);
  expect(await isSecret(meshes[1].kubeconfig)).toBe(true);
  expect(await valueOf(meshes[1].kubeconfig)).toBe(p2);
});

test("GlobalNamespace objects go through its provider for their cluster and depend on both clusters' istiod", () => {
  const objects = rec.registrations.filter(
    (r) => r.parent === rec.byName("shop").urn && r.type !== "pulumi:providers:kubernetes",
  );
  expect(objects.length).toBeGreaterThan(0);
  for (const r of objects) {
    const provider = rec.registrations.find((p) => p.urn === providerUrn(r.provider))!;
    expect(["shop-p1", "shop-p2"]).toContain(provider.name);
    for (const c of ["p1", "p2"]) expect(r.dependencies).toContain(rec.byName(`${c}-istiod`).urn);
  }
});

describe("adding a cluster to MeshTrust, as a preview shows it", () => {
  let preview: Recorder;
  let trust: InstanceType<typeof lib.MeshTrust>;

  beforeAll(async () => {
    // The existing intermediates are known (from the state); the new cluster's are not created yet, so unknown.
    preview = await installMocks({
      preview: true,
      state: (a) => (a.name.startsWith("mesh-p3-") ? undefined : computedState(a)),
    });
    trust = new lib.MeshTrust("mesh", { clusters: ["p1", "p2", "p3"] });
    for (const c of ["p1", "p2", "p3"])
      new lib.MeshCluster(c, { cluster: connection(c), ca: trust.caFor(c), meshId: trust.meshId });
    await preview.settled();
  });

  test("only the new cluster's CA is unknown", async () => {
    const known = (c: string) => (pulumi.output(trust.caFor(c)) as any).isKnown;
    expect(await known("p3")).toBe(false);
    for (const c of ["p1", "p2"]) {
      expect(await known(c)).toBe(true);
      expect(await isSecret(pulumi.output(trust.caFor(c).keyPem))).toBe(true);
    }
  });

  test("the existing clusters' cacerts stay as they are: known, the same CA material, waiting for their own intermediate only", () => {
    for (const c of ["p1", "p2"]) {
      const s = preview.byName(`${c}-cacerts`);
      expect(s.inputs.stringData).toEqual({
        "ca-cert.pem": mockCert(`mesh-${c}-ca-cert`),
        "ca-key.pem": mockKey(`mesh-${c}-ca-key`),
        "root-cert.pem": mockCert("mesh-root-cert"),
        "cert-chain.pem": mockCert(`mesh-${c}-ca-cert`) + mockCert("mesh-root-cert"),
      });
      expect(
        deps(s)
          .filter((u) => u.includes("::mesh-"))
          .map((u) => u.split("::").pop()),
      ).toEqual([`mesh-${c}-ca-cert`, `mesh-${c}-ca-key`, "mesh-root-cert"]);
    }
  });
});
