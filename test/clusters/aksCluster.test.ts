import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "../../sdk/src/aks";
import { installMocks, isSecret, Recorder, Registration, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { aksUserKubeconfig, cloudMocks, countTypes } from "./cloudMocks";

const T = {
  rg: "azure-native:resources:ResourceGroup",
  cluster: "azure-native:containerservice:ManagedCluster",
};
const CREDS_INVOKE = "azure-native:containerservice:listManagedClusterUserCredentials";

describe.each([true, false])("AksCluster (preview=%s)", (preview) => {
  let rec: Recorder;
  let mocks: ReturnType<typeof cloudMocks>;
  /** Defaults: its own resource group. */
  let west: AksCluster;
  /** The caller's resource group (an Output), every option set. */
  let mine: AksCluster;
  /** What a consumer (MeshCluster, GlobalNamespace) does with the kubeconfig: build a provider from it. */
  const consumers: Record<string, k8s.Provider> = {};
  const urn: Record<string, string> = {};
  const children = (name: string) => rec.childrenOf(urn[name]);
  const child = (name: string, type: string, childName: string): Registration => rec.child(urn[name], type, childName);

  beforeAll(async () => {
    mocks = cloudMocks(preview);
    rec = await installMocks(mocks);
    west = new AksCluster("west", { location: "westeurope" });
    mine = new AksCluster("mine", {
      clusterName: "cluster2",
      location: "eastus2",
      resourceGroupName: pulumi.output("platform-rg"),
      kubernetesVersion: "1.34.3",
      nodeCount: 5,
      vmSize: "Standard_D4s_v5",
      network: "net-az",
    });
    for (const [n, c] of Object.entries({ west, mine })) {
      urn[n] = await valueOf(c.urn);
      consumers[n] = new k8s.Provider(`consumer-of-${n}`, { kubeconfig: c.kubeconfig });
    }
    await rec.settled();
  });

  test("registers exactly these resources, each a child of its component, named from it; no Kubernetes provider", () => {
    expect(countTypes(children("west"))).toEqual({ [T.rg]: 1, [T.cluster]: 1 });
    expect(countTypes(children("mine"))).toEqual({ [T.cluster]: 1 });
    expect(
      rec
        .ofType("globalmesh:index:AksCluster")
        .map((c) => c.name)
        .sort(),
    ).toEqual(["mine", "west"]);
    // The components, their children, and the test's own consumer providers.
    expect(rec.registrations).toHaveLength(2 + 2 + 1 + 2);
    expect(
      rec
        .ofType("pulumi:providers:kubernetes")
        .map((p) => p.name)
        .sort(),
    ).toEqual(["consumer-of-mine", "consumer-of-west"]);
    for (const n of ["west", "mine"]) for (const r of children(n)) expect(r.name.startsWith(`${n}-`)).toBe(true);
  });

  test("the managed cluster: identity, RBAC, version, and one system pool with the node count and VM size", () => {
    expect(child("west", T.rg, "west-rg").inputs).toEqual({ location: "westeurope" });
    expect(child("west", T.cluster, "west-aks").inputs).toEqual({
      resourceGroupName: "west-rg-phys",
      location: "westeurope",
      dnsPrefix: "west",
      kubernetesVersion: "1.35",
      enableRBAC: true,
      identity: { type: "SystemAssigned" },
      agentPoolProfiles: [
        {
          name: "system",
          mode: "System",
          count: 3,
          vmSize: "Standard_D2s_v5",
          osType: "Linux",
          type: "VirtualMachineScaleSets",
          orchestratorVersion: "1.35",
        },
      ],
    });
    const m = child("mine", T.cluster, "mine-aks").inputs;
    expect([m.resourceGroupName, m.location, m.dnsPrefix, m.kubernetesVersion]).toEqual([
      "platform-rg",
      "eastus2",
      "cluster2",
      "1.34.3",
    ]);
    expect(m.agentPoolProfiles).toEqual([
      expect.objectContaining({ mode: "System", count: 5, vmSize: "Standard_D4s_v5", orchestratorVersion: "1.34.3" }),
    ]);
  });

  test("the kubeconfig is the cluster user's, base64-decoded, and secret", async () => {
    expect(await isSecret(west.kubeconfig)).toBe(true);
    expect(await valueOf(west.kubeconfig)).toBe(aksUserKubeconfig("west-aks-phys"));
    expect(await valueOf(mine.kubeconfig)).toBe(aksUserKubeconfig("mine-aks-phys"));
    const calls = mocks.calls.filter((c) => c.token === CREDS_INVOKE).map((c) => c.inputs);
    expect(calls).toEqual(
      expect.arrayContaining([
        { resourceGroupName: "west-rg-phys", resourceName: "west-aks-phys" },
        { resourceGroupName: "platform-rg", resourceName: "mine-aks-phys" },
      ]),
    );
    expect(calls).toHaveLength(2);
  });

  test("a provider built from the kubeconfig gets it as a secret and waits for the managed cluster", async () => {
    for (const [n, c] of Object.entries({ west, mine })) {
      const p = rec.byName(`consumer-of-${n}`);
      expect(p.urn).toBe(await valueOf(consumers[n].urn));
      expect(p.inputs.kubeconfig).toBe(await valueOf(c.kubeconfig));
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
      expect(p.dependencies).toContain(child(n, T.cluster, `${n}-aks`).urn);
    }
  });

  test("connection fields: mesh name, locality = location, network, and the cluster outputs", async () => {
    expect([west.clusterName, west.locality, west.network]).toEqual(["west", "westeurope", undefined]);
    expect([mine.clusterName, mine.locality, mine.network]).toEqual(["cluster2", "eastus2", "net-az"]);
    expect(await valueOf(west.resourceGroupName)).toBe("west-rg-phys");
    expect(await valueOf(mine.resourceGroupName)).toBe("platform-rg");
    expect(await valueOf(west.aksClusterName)).toBe("west-aks-phys");
    expect(await valueOf(west.fqdn)).toBe("west-abc.hcp.westeurope.azmk8s.io");
  });
});
