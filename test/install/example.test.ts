import * as pulumi from "@pulumi/pulumi";
import { installMocks, providerUrn, Recorder, valueOf } from "../helpers/pulumiHarness";
import { computedState } from "./support";

/** examples/onboard-existing, evaluated as a preview: three onboarded clusters and bookinfo across them. */
let rec: Recorder;
let example: typeof import("../../examples/onboard-existing/index");

beforeAll(async () => {
  rec = await installMocks({ preview: true, state: computedState, project: "onboard" });
  const kubeconfigs = Object.fromEntries(["cluster1", "cluster2", "cluster3"].map((c) => [`onboard:${c}Kubeconfig`, `kubeconfig-${c}`]));
  pulumi.runtime.setAllConfig({ ...kubeconfigs, "onboard:cluster1Locality": "europe-west1" }, Object.keys(kubeconfigs));
  example = await import("../../examples/onboard-existing/index");
  await valueOf(example.hosts);
  await rec.settled();
});

test("each cluster gets the four Istio releases", () => {
  const releases = rec.ofType("kubernetes:helm.sh/v3:Release").map((r) => r.name).sort();
  const expected = ["cluster1", "cluster2", "cluster3"].flatMap((c) => ["base", "istiod", "ingress-gateway", "egress-gateway"].map((s) => `${c}-${s}`));
  expect(releases).toEqual(expected.sort());
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

test("the GlobalNamespace's objects wait for their own cluster's istiod", () => {
  const objects = rec.registrations.filter((r) => r.parent === rec.byName("bookinfo").urn);
  expect(objects.length).toBeGreaterThan(0);
  for (const r of objects) {
    const provider = rec.ofType("pulumi:providers:kubernetes").find((p) => p.urn === providerUrn(r.provider))!;
    const cluster = provider.name;
    expect(r.dependencies).toContain(rec.byName(`${cluster}-istiod`).urn);
  }
});
