import * as pulumi from "@pulumi/pulumi";
import { installMocks, providerUrn, Recorder, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { computedState } from "./support";

/** examples/onboard-existing, evaluated as a preview: three onboarded clusters and bookinfo across them. */
let rec: Recorder;
let example: typeof import("../../examples/onboard-existing/index");

const CLUSTERS = ["cluster1", "cluster2", "cluster3"];

beforeAll(async () => {
  rec = await installMocks({ preview: true, state: computedState, project: "onboard" });
  // A kubeconfig per cluster, as `pulumi config set --secret clusterNKubeconfig` would hold it.
  const kubeconfigs = Object.fromEntries(CLUSTERS.map((c) => [`onboard:${c}Kubeconfig`, kubeconfigText(c)]));
  pulumi.runtime.setAllConfig({ ...kubeconfigs, "onboard:cluster1Locality": "europe-west1" }, Object.keys(kubeconfigs));
  example = await import("../../examples/onboard-existing/index");
  await valueOf(example.hosts);
  await rec.settled();
});

const provider = (urnRef: string) =>
  rec.ofType("pulumi:providers:kubernetes").find((p) => p.urn === providerUrn(urnRef))!;

test("MeshTrust signs one intermediate per cluster; each cluster gets the four Istio releases", () => {
  const certs = rec
    .ofType("tls:index/locallySignedCert:LocallySignedCert")
    .map((r) => r.name)
    .sort();
  expect(certs).toEqual(CLUSTERS.map((c) => `bookinfo-mesh-${c}-ca-cert`));
  const releases = rec
    .ofType("kubernetes:helm.sh/v3:Release")
    .map((r) => r.name)
    .sort();
  const expected = CLUSTERS.flatMap((c) =>
    ["base", "istiod", "ingress-gateway", "egress-gateway"].map((s) => `${c}-${s}`),
  );
  expect(releases).toEqual(expected.sort());
});

test("each MeshCluster installs through its own provider, built from its cluster's kubeconfig as a secret", () => {
  for (const c of CLUSTERS) {
    const releases = rec.ofType("kubernetes:helm.sh/v3:Release").filter((r) => r.name.startsWith(`${c}-`));
    for (const r of releases) {
      const p = provider(r.provider);
      expect(p.name).toBe(`${c}-k8s`);
      expect(p.inputs.kubeconfig).toBe(kubeconfigText(c));
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
    }
  }
});

test("bookinfo: the placement of the brief, all on 9080", async () => {
  const hosts = await valueOf(example.hosts);
  expect(hosts.map((h) => [h.host, h.clusters, h.ports])).toEqual([
    ["details.bookinfo.example.com", ["cluster2"], [9080]],
    ["productpage.bookinfo.example.com", ["cluster1"], [9080]],
    ["ratings.bookinfo.example.com", ["cluster2"], [9080]],
    ["reviews.bookinfo.example.com", ["cluster2", "cluster3"], [9080]],
  ]);
});

test("the GlobalNamespace's objects go to their cluster and wait for the MeshClusters' istiod", () => {
  const objects = rec.registrations.filter(
    (r) => r.parent === rec.byName("bookinfo").urn && r.custom && r.type !== "pulumi:providers:kubernetes",
  );
  expect(objects.length).toBeGreaterThan(0);
  const istiods = CLUSTERS.map((c) => rec.byName(`${c}-istiod`).urn);
  for (const r of objects) {
    const p = provider(r.provider);
    const cluster = CLUSTERS.find((c) => p.name === `bookinfo-${c}`)!;
    expect(cluster).toBeDefined();
    expect(p.inputs.kubeconfig).toBe(kubeconfigText(cluster));
    // `dependsOn: meshes` reaches every object, and with it each MeshCluster's children.
    expect(r.dependencies).toEqual(expect.arrayContaining(istiods));
  }
});
