import * as pulumi from "@pulumi/pulumi";
import { cloudMocks } from "../clusters/cloudMocks";
import { installMocks, providerUrn, Recorder, Registration, valueOf } from "../helpers/pulumiHarness";
import { computedState } from "../install/support";

/** examples/eks-aks under Pulumi's mocks: clusters → MeshTrust/MeshCluster → app → GlobalNamespace, in one program. */
describe.each([true, false])("examples/eks-aks (preview=%s)", (preview) => {
  let rec: Recorder;
  let example: typeof import("../../examples/eks-aks/index");
  const one = (type: string, name: string) => rec.byName(name, type);

  beforeAll(async () => {
    const cloud = cloudMocks(preview);
    rec = await installMocks({ ...cloud, project: "eks-aks", state: (a) => ({ ...cloud.state!(a), ...computedState(a) }) });
    pulumi.runtime.setAllConfig({ "aws:region": "us-west-2", "azure-native:location": "westeurope" });
    jest.isolateModules(() => {
      example = require("../../examples/eks-aks/index");
    });
    await valueOf(example.hosts);
    await rec.settled();
  });

  const providerOf = (r: Registration) => providerUrn(r.provider);
  const meshObjects = () => rec.registrations.filter((r) => r.type.startsWith("kubernetes:networking.istio.io/"));

  test("the program builds both clusters, onboards each with the one MeshTrust, applies the app, then the GlobalNamespace", () => {
    expect(rec.ofType("aws:eks/cluster:Cluster")).toHaveLength(1);
    expect(rec.ofType("azure-native:containerservice:ManagedCluster")).toHaveLength(1);
    expect(rec.ofType("globalmesh:index:MeshTrust")).toHaveLength(1);
    expect(rec.ofType("globalmesh:index:MeshCluster").map((r) => r.name).sort()).toEqual(["cluster1-mesh", "cluster2-mesh"]);
    expect(rec.ofType("kubernetes:helm.sh/v3:Release")).toHaveLength(8);
    expect(rec.ofType("kubernetes:yaml/v2:ConfigGroup").map((r) => r.name).sort()).toEqual(["cluster1-acme-fitness", "cluster2-acme-fitness"]);
    expect(rec.ofType("globalmesh:index:GlobalNamespace")).toHaveLength(1);
  });

  test("everything for cluster1 goes to the EKS provider and everything for cluster2 to the AKS provider", () => {
    const eksProvider = one("pulumi:providers:kubernetes", "cluster1-k8s").urn;
    const aksProvider = one("pulumi:providers:kubernetes", "cluster2-k8s").urn;
    const expected = (name: string) => (name.startsWith("cluster1-") || name.startsWith("acme-fitness-cluster1-") ? eksProvider : aksProvider);
    const onClusters = [...rec.ofType("kubernetes:helm.sh/v3:Release"), ...rec.ofType("kubernetes:yaml/v2:ConfigGroup"), ...meshObjects()];
    expect(onClusters.length).toBeGreaterThan(20);
    for (const r of onClusters) expect({ name: r.name, provider: providerOf(r) }).toEqual({ name: r.name, provider: expected(r.name) });
  });

  test("the app waits for istiod and its namespace's injection label; the mesh objects wait for istiod", () => {
    for (const c of ["cluster1", "cluster2"]) {
      const istiod = one("kubernetes:helm.sh/v3:Release", `${c}-mesh-istiod`).urn;
      const label = one("kubernetes:core/v1:NamespacePatch", `${c}-mesh-injection-default`);
      expect(label.inputs.metadata.labels).toEqual({ "istio-injection": "enabled" });
      expect(one("kubernetes:yaml/v2:ConfigGroup", `${c}-acme-fitness`).dependencies).toEqual(expect.arrayContaining([istiod, label.urn]));
      for (const r of meshObjects().filter((o) => o.name.startsWith(`acme-fitness-${c}-`))) expect(r.dependencies).toContain(istiod);
    }
  });

  test("catalog runs on AKS; the EKS cluster reaches it at the AKS ingress gateway's load-balancer address", async () => {
    const hosts = await valueOf(example.hosts);
    expect(hosts.find((h) => h.service === "catalog")).toMatchObject({ host: "catalog.acme.example.com", clusters: ["cluster2"], ports: [8082] });
    const se = one("kubernetes:networking.istio.io/v1:ServiceEntry", "acme-fitness-cluster1-gns.acme-fitness.catalog");
    const address = await valueOf(example.ingressAddresses.cluster2);
    expect(address).toMatch(/^192\.0\.2\.\d+$/); // the mock load balancer (test/install/support.ts)
    expect(se.inputs.spec.endpoints).toEqual([expect.objectContaining({ address, ports: { "http-catalog": 443 }, locality: "westeurope" })]);
  });
});
