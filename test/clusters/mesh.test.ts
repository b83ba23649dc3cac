import { AksCluster } from "../../sdk/src/aks";
import { EksCluster } from "../../sdk/src/eks";
import { GlobalNamespace } from "../../sdk/src/gns";
import { installMocks, providerUrn, Recorder, Registration, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { cloudMocks } from "./cloudMocks";

/**
 * The cluster components are connections GlobalNamespace takes as they are (plus where their ingress is): it builds
 * a provider per cluster from each one's kubeconfig, and its objects land there.
 */
describe.each([true, false])("EksCluster + AksCluster in a GlobalNamespace (preview=%s)", (preview) => {
  let rec: Recorder;
  let eks: EksCluster;
  let aks: AksCluster;
  let gns: GlobalNamespace;
  const K8S_PROVIDER = "pulumi:providers:kubernetes";
  const providerOf = (r: Registration) => rec.registrations.find((p) => p.urn === providerUrn(r.provider))!;

  beforeAll(async () => {
    rec = await installMocks(cloudMocks(preview));
    eks = new EksCluster("aws1", { clusterName: "cluster1", region: "us-west-2" });
    aks = new AksCluster("azure2", { clusterName: "cluster2", location: "westeurope" });
    gns = new GlobalNamespace("acme", {
      domain: "acme.example.com",
      clusters: [
        { ...eks, ingress: { address: "203.0.113.10" } },
        { ...aks, ingress: { address: "lb2.example.net" } },
      ],
      members: [
        { cluster: "cluster1", namespace: "default" },
        { cluster: "cluster2", namespace: "default" },
      ],
      // catalog runs in the AKS cluster; shopping, in the EKS cluster, calls it.
      services: [
        {
          name: "catalog",
          namespace: "default",
          clusters: ["cluster2"],
          ports: [{ number: 8082, name: "http-catalog" }],
        },
        {
          name: "shopping",
          namespace: "default",
          clusters: ["cluster1"],
          ports: [{ number: 3000, name: "http-shopping" }],
        },
      ],
    });
    await rec.settled();
  });

  test("the only providers are the GlobalNamespace's, one per cluster, from that cluster component's kubeconfig (secret)", async () => {
    const component = rec.byName("acme", "globalmesh:index:GlobalNamespace").urn;
    const providers = rec.ofType(K8S_PROVIDER);
    expect(providers.map((p) => p.name).sort()).toEqual(["acme-cluster1", "acme-cluster2"]);
    const kubeconfigs = { cluster1: await valueOf(eks.kubeconfig), cluster2: await valueOf(aks.kubeconfig) };
    for (const p of providers) {
      expect(p.parent).toBe(component);
      expect(p.inputs.kubeconfig).toBe(kubeconfigs[p.name.slice("acme-".length) as keyof typeof kubeconfigs]);
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
    }
  });

  test("each provider waits for its cluster: the EKS one for the node group, the AKS one for the managed cluster", () => {
    expect(rec.byName("acme-cluster1", K8S_PROVIDER).dependencies).toContain(rec.byName("aws1-nodes").urn);
    expect(rec.byName("acme-cluster2", K8S_PROVIDER).dependencies).toContain(rec.byName("azure2-aks").urn);
  });

  test("every mesh object is written through the provider of its cluster", async () => {
    const objectNames = await valueOf(gns.objectNames);
    expect([objectNames.cluster1.length > 0, objectNames.cluster2.length > 0]).toEqual([true, true]);
    const crs = rec.registrations.filter((r) => r.type.startsWith("kubernetes:"));
    expect(crs).toHaveLength(objectNames.cluster1.length + objectNames.cluster2.length);
    for (const cluster of ["cluster1", "cluster2"] as const) {
      const mine = crs.filter((r) => providerOf(r).name === `acme-${cluster}`);
      // `Kind/namespace/name`; objects outside the gateways' namespace (PeerAuthentications) are named with theirs.
      const names = objectNames[cluster].map((key) => {
        const [, namespace, name] = key.split("/");
        return `acme-${cluster}-${namespace === "istio-gateways" ? name : `${namespace}/${name}`}`;
      });
      expect(mine.map((r) => r.name).sort()).toEqual(names.sort());
    }
  });

  test("the EKS cluster calls catalog in the AKS cluster through the AKS ingress address, and vice versa", () => {
    const catalogInEks = rec.byName("acme-cluster1-gns.acme.catalog", "kubernetes:networking.istio.io/v1:ServiceEntry");
    expect(providerOf(catalogInEks).name).toBe("acme-cluster1");
    expect(catalogInEks.inputs.spec.endpoints.map((e: any) => e.address)).toEqual(["lb2.example.net"]);
    const shoppingInAks = rec.byName(
      "acme-cluster2-gns.acme.shopping",
      "kubernetes:networking.istio.io/v1:ServiceEntry",
    );
    expect(providerOf(shoppingInAks).name).toBe("acme-cluster2");
    expect(shoppingInAks.inputs.spec.endpoints.map((e: any) => e.address)).toEqual(["203.0.113.10"]);
  });

  test("the clusters' localities reach the endpoints", () => {
    const se = rec.byName("acme-cluster1-gns.acme.catalog", "kubernetes:networking.istio.io/v1:ServiceEntry");
    expect(se.inputs.spec.endpoints[0].locality).toBe("westeurope");
    const back = rec.byName("acme-cluster2-gns.acme.shopping", "kubernetes:networking.istio.io/v1:ServiceEntry");
    expect(back.inputs.spec.endpoints[0].locality).toBe("us-west-2");
  });
});
