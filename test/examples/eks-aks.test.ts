import * as pulumi from "@pulumi/pulumi";
import { cloudMocks } from "../clusters/cloudMocks";
import { installMocks, providerUrn, Recorder, Registration, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { computedState } from "../install/support";

/** examples/eks-aks under Pulumi's mocks: clusters → MeshTrust/MeshCluster → app → GlobalNamespace, in one program. */
describe.each([true, false])("examples/eks-aks (preview=%s)", (preview) => {
  let rec: Recorder;
  let example: typeof import("../../examples/eks-aks/index");
  const one = (type: string, name: string) => rec.byName(name, type);

  beforeAll(async () => {
    const cloud = cloudMocks(preview);
    rec = await installMocks({
      ...cloud,
      project: "eks-aks",
      state: (a) => ({ ...cloud.state!(a), ...computedState(a) }),
    });
    pulumi.runtime.setAllConfig({ "aws:region": "us-west-2", "azure-native:location": "westeurope" });
    // Each describe.each run evaluates the program afresh, under its own mocks: a cached module would not run again.
    await jest.isolateModulesAsync(async () => {
      example = await import("../../examples/eks-aks/index");
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
    expect(
      rec
        .ofType("globalmesh:index:MeshCluster")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["cluster1-mesh", "cluster2-mesh"]);
    expect(rec.ofType("kubernetes:helm.sh/v3:Release")).toHaveLength(8);
    expect(
      rec
        .ofType("kubernetes:yaml/v2:ConfigGroup")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["cluster1-acme-fitness", "cluster2-acme-fitness"]);
    expect(rec.ofType("globalmesh:index:GlobalNamespace")).toHaveLength(1);
  });

  test("everything for cluster1 goes through a provider built from the EKS kubeconfig, everything for cluster2 from the AKS one", async () => {
    const kubeconfig = {
      cluster1: await valueOf(example.kubeconfigs.cluster1),
      cluster2: await valueOf(example.kubeconfigs.cluster2),
    };
    expect(JSON.parse(kubeconfig.cluster1).users[0].user.exec.command).toBe("aws");
    expect(kubeconfig.cluster2).toContain("azmk8s.io");
    const providers = rec.ofType("pulumi:providers:kubernetes");
    // Per cluster: MeshCluster's own, the app's, and the GlobalNamespace's; each from that cluster's kubeconfig, as a secret.
    expect(providers.map((p) => p.name).sort()).toEqual([
      "acme-fitness-cluster1",
      "acme-fitness-cluster2",
      "cluster1-apps",
      "cluster1-mesh-k8s",
      "cluster2-apps",
      "cluster2-mesh-k8s",
    ]);
    for (const p of providers) {
      const cluster = p.name.includes("cluster1") ? "cluster1" : "cluster2";
      expect({ provider: p.name, kubeconfig: p.inputs.kubeconfig }).toEqual({
        provider: p.name,
        kubeconfig: kubeconfig[cluster],
      });
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
    }
    const clusterOf = (name: string) =>
      name.startsWith("cluster1-") || name.startsWith("acme-fitness-cluster1-") ? "cluster1" : "cluster2";
    const onClusters = [
      ...rec.ofType("kubernetes:helm.sh/v3:Release"),
      ...rec.ofType("kubernetes:yaml/v2:ConfigGroup"),
      ...meshObjects(),
    ];
    expect(onClusters.length).toBeGreaterThan(20);
    for (const r of onClusters) {
      const p = providers.find((x) => x.urn === providerOf(r))!;
      expect({ name: r.name, kubeconfig: p.inputs.kubeconfig }).toEqual({
        name: r.name,
        kubeconfig: kubeconfig[clusterOf(r.name)],
      });
    }
  });

  test("the EKS cluster's providers wait for its node group", () => {
    const nodes = one("aws:eks/nodeGroup:NodeGroup", "cluster1-nodes").urn;
    for (const p of ["cluster1-mesh-k8s", "cluster1-apps", "acme-fitness-cluster1"])
      expect(one("pulumi:providers:kubernetes", p).dependencies).toContain(nodes);
  });

  test("the app waits for istiod and its namespace's injection label; the mesh objects wait for both istiods", () => {
    const istiods = ["cluster1", "cluster2"].map((c) => one("kubernetes:helm.sh/v3:Release", `${c}-mesh-istiod`).urn);
    for (const c of ["cluster1", "cluster2"]) {
      const istiod = one("kubernetes:helm.sh/v3:Release", `${c}-mesh-istiod`).urn;
      const label = one("kubernetes:core/v1:NamespacePatch", `${c}-mesh-injection-default`);
      // A revision tag, not istio-injection (which would override istio.io/rev at the next upgrade).
      expect(label.inputs.metadata.labels).toEqual({ "istio.io/rev": expect.any(String) });
      expect(one("kubernetes:yaml/v2:ConfigGroup", `${c}-acme-fitness`).dependencies).toEqual(
        expect.arrayContaining([istiod, label.urn]),
      );
    }
    expect(meshObjects().length).toBeGreaterThan(0);
    for (const r of meshObjects()) expect(r.dependencies).toEqual(expect.arrayContaining(istiods));
  });

  test("MeshTrust signs one intermediate per cluster; each MeshCluster's cacerts gets its own", () => {
    expect(
      rec
        .ofType("tls:index/locallySignedCert:LocallySignedCert")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["acme-mesh-cluster1-ca-cert", "acme-mesh-cluster2-ca-cert"]);
    for (const c of ["cluster1", "cluster2"]) {
      const cacerts = one("kubernetes:core/v1:Secret", `${c}-mesh-cacerts`);
      expect(cacerts.inputs.stringData["ca-key.pem"]).toContain(`MOCK-KEY-acme-mesh-${c}-ca-key`);
    }
  });

  test("catalog runs on AKS; the EKS cluster reaches it at the AKS ingress gateway's load-balancer address", async () => {
    const hosts = await valueOf(example.hosts);
    expect(hosts.find((h) => h.service === "catalog")).toMatchObject({
      host: "catalog.acme.example.com",
      clusters: ["cluster2"],
      ports: [8082],
    });
    const se = one("kubernetes:networking.istio.io/v1:ServiceEntry", "acme-fitness-cluster1-gns.acme-fitness.catalog");
    const address = await valueOf(example.ingressAddresses.cluster2);
    expect(address).toMatch(/^192\.0\.2\.\d+$/); // the mock load balancer (test/install/support.ts)
    expect(se.inputs.spec.endpoints).toEqual([
      expect.objectContaining({ address, ports: { "http-catalog": 443 }, locality: "westeurope" }),
    ]);
  });
});
