import { AksCluster, EksCluster } from "../../sdk/src/clusters";
import { GlobalNamespace } from "../../sdk/src/gns";
import { installMocks, providerUrn, Recorder, valueOf } from "../helpers/pulumiHarness";
import { cloudMocks } from "./cloudMocks";

/** The clusters are handles GlobalNamespace takes as they are: its objects land on each cluster's own provider. */
describe.each([true, false])("EksCluster + AksCluster in a GlobalNamespace (preview=%s)", (preview) => {
  let rec: Recorder;
  let eks: EksCluster;
  let aks: AksCluster;
  let gns: GlobalNamespace;

  beforeAll(async () => {
    rec = await installMocks(cloudMocks(preview));
    eks = new EksCluster("aws1", { clusterName: "cluster1", region: "us-west-2" });
    aks = new AksCluster("azure2", { clusterName: "cluster2", location: "westeurope" });
    const cluster1 = { ...eks, ingress: { address: "203.0.113.10" } };
    const cluster2 = { ...aks, ingress: { address: "lb2.example.net" } };
    gns = new GlobalNamespace("acme", {
      domain: "acme.example.com",
      members: [
        { cluster: cluster1, namespace: "default" },
        { cluster: cluster2, namespace: "default" },
      ],
      // catalog runs in the AKS cluster; shopping, in the EKS cluster, calls it.
      services: [
        { name: "catalog", namespace: "default", clusters: ["cluster2"], ports: [{ number: 8082, name: "http-catalog" }] },
        { name: "shopping", namespace: "default", clusters: ["cluster1"], ports: [{ number: 3000, name: "http-shopping" }] },
      ],
    });
    await rec.settled();
  });

  test("every mesh object is written through the provider of its cluster's component", async () => {
    const objectNames = await valueOf(gns.objectNames);
    const providers = { cluster1: await valueOf(eks.provider.urn), cluster2: await valueOf(aks.provider.urn) };
    expect(providers.cluster1).toMatch(/globalmesh:index:EksCluster\$pulumi:providers:kubernetes::aws1-k8s$/);
    expect(providers.cluster2).toMatch(/globalmesh:index:AksCluster\$pulumi:providers:kubernetes::azure2-k8s$/);
    expect([objectNames.cluster1.length > 0, objectNames.cluster2.length > 0]).toEqual([true, true]);
    const crs = rec.registrations.filter((r) => r.type.startsWith("kubernetes:"));
    expect(crs).toHaveLength(objectNames.cluster1.length + objectNames.cluster2.length);
    for (const cluster of ["cluster1", "cluster2"] as const) {
      const mine = crs.filter((r) => providerUrn(r.provider) === providers[cluster]);
      const names = objectNames[cluster].map((key) => `acme-${cluster}-${key.split("/")[2]}`);
      expect(mine.map((r) => r.name).sort()).toEqual(names.sort());
    }
  });

  test("the EKS cluster calls catalog in the AKS cluster through the AKS ingress address, and vice versa", () => {
    const catalogInEks = rec.byName("acme-cluster1-gns.acme.catalog", "kubernetes:networking.istio.io/v1:ServiceEntry");
    expect(providerUrn(catalogInEks.provider)).toMatch(/::aws1-k8s$/);
    expect(catalogInEks.inputs.spec.endpoints.map((e: any) => e.address)).toEqual(["lb2.example.net"]);
    const shoppingInAks = rec.byName("acme-cluster2-gns.acme.shopping", "kubernetes:networking.istio.io/v1:ServiceEntry");
    expect(providerUrn(shoppingInAks.provider)).toMatch(/::azure2-k8s$/);
    expect(shoppingInAks.inputs.spec.endpoints.map((e: any) => e.address)).toEqual(["203.0.113.10"]);
  });

  test("the clusters' localities reach the endpoints, and no provider is built from kubeconfig by the GlobalNamespace", () => {
    const se = rec.byName("acme-cluster1-gns.acme.catalog", "kubernetes:networking.istio.io/v1:ServiceEntry");
    expect(se.inputs.spec.endpoints[0].locality).toBe("westeurope");
    expect(rec.ofType("pulumi:providers:kubernetes").map((p) => p.name).sort()).toEqual(["aws1-k8s", "azure2-k8s"]);
  });
});
