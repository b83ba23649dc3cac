import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "../../sdk/src/aks";
import { userPoolName } from "../../sdk/src/clusters";
import { installMocks, isSecret, Recorder, Registration, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { aksUserKubeconfig, cloudMocks, countTypes } from "./cloudMocks";

const T = {
  rg: "azure-native:resources:ResourceGroup",
  cluster: "azure-native:containerservice:ManagedCluster",
  pool: "azure-native:containerservice:AgentPool",
};
const CREDS_INVOKE = "azure-native:containerservice:listManagedClusterUserCredentials";

describe.each([true, false])("AksCluster (preview=%s)", (preview) => {
  let rec: Recorder;
  let mocks: ReturnType<typeof cloudMocks>;
  /** Defaults: its own resource group. */
  let west: AksCluster;
  /** The caller's resource group (an Output), every option set. */
  let mine: AksCluster;
  /** A cluster whose network profile is left to AKS, as clusters made before Azure CNI overlay became the default. */
  let legacy: AksCluster;
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
      systemNodeCount: 3,
      systemVmSize: "Standard_D4s_v5",
      podCidr: "100.64.0.0/16",
      network: "net-az",
    });
    legacy = new AksCluster("legacy", { location: "westeurope", cniOverlay: false });
    for (const [n, c] of Object.entries({ west, mine, legacy })) {
      urn[n] = await valueOf(c.urn);
      consumers[n] = new k8s.Provider(`consumer-of-${n}`, { kubeconfig: c.kubeconfig });
    }
    await rec.settled();
  });

  test("registers exactly these resources, each a child of its component, named from it; no Kubernetes provider", () => {
    expect(countTypes(children("west"))).toEqual({ [T.rg]: 1, [T.cluster]: 1, [T.pool]: 1 });
    expect(countTypes(children("mine"))).toEqual({ [T.cluster]: 1, [T.pool]: 1 });
    expect(
      rec
        .ofType("globalmesh:index:AksCluster")
        .map((c) => c.name)
        .sort(),
    ).toEqual(["legacy", "mine", "west"]);
    // The components, their children, and the test's own consumer providers.
    expect(rec.registrations).toHaveLength(3 + 3 + 2 + 3 + 3);
    expect(
      rec
        .ofType("pulumi:providers:kubernetes")
        .map((p) => p.name)
        .sort(),
    ).toEqual(["consumer-of-legacy", "consumer-of-mine", "consumer-of-west"]);
    for (const n of ["west", "mine", "legacy"])
      for (const r of children(n)) expect(r.name.startsWith(`${n}-`)).toBe(true);
  });

  test("the managed cluster: identity, RBAC, version, Azure CNI overlay, a tainted system pool set at creation only", () => {
    expect(child("west", T.rg, "west-rg").inputs).toEqual({ location: "westeurope" });
    const west = child("west", T.cluster, "west-aks");
    expect(west.inputs).toEqual({
      resourceGroupName: "west-rg-phys",
      location: "westeurope",
      dnsPrefix: "west",
      kubernetesVersion: "1.35",
      enableRBAC: true,
      identity: { type: "SystemAssigned" },
      // The SDK fills in AKS's defaults for the rest: the service range the pod range must stay apart from.
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        podCidr: "10.244.0.0/16",
        serviceCidr: "10.0.0.0/16",
        dnsServiceIP: "10.0.0.10",
        outboundType: "loadBalancer",
      },
      agentPoolProfiles: [
        {
          name: "system",
          mode: "System",
          count: 2,
          vmSize: "Standard_D2s_v5",
          osType: "Linux",
          type: "VirtualMachineScaleSets",
          nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
        },
      ],
    });
    // ignoreChanges: ["agentPoolProfiles"] is checked where the engine records options: test/examples/eks-aks-engine.test.ts.
    const m = child("mine", T.cluster, "mine-aks").inputs;
    expect([m.resourceGroupName, m.location, m.dnsPrefix, m.kubernetesVersion, m.networkProfile.podCidr]).toEqual([
      "platform-rg",
      "eastus2",
      "cluster2",
      "1.34.3",
      "100.64.0.0/16",
    ]);
    expect(m.agentPoolProfiles).toEqual([
      expect.objectContaining({ mode: "System", count: 3, vmSize: "Standard_D4s_v5" }),
    ]);
    // cniOverlay: false leaves the network profile out, as clusters made before it had it.
    expect(child("legacy", T.cluster, "legacy-aks").inputs.networkProfile).toBeUndefined();
  });

  test("the user pool is an AgentPool with the node count, VM size and version: they change in place", () => {
    const pool = (n: string) => child(n, T.pool, `${n}-user`);
    expect(pool("west").inputs).toEqual({
      resourceGroupName: "west-rg-phys",
      resourceName: "west-aks-phys",
      agentPoolName: userPoolName("Standard_D2s_v5"),
      mode: "User",
      count: 3,
      vmSize: "Standard_D2s_v5",
      osType: "Linux",
      type: "VirtualMachineScaleSets",
      orchestratorVersion: "1.35",
    });
    expect(pool("mine").inputs).toEqual(
      expect.objectContaining({
        resourceGroupName: "platform-rg",
        count: 5,
        vmSize: "Standard_D4s_v5",
        orchestratorVersion: "1.34.3",
      }),
    );
    // The name follows the VM size: a new size is a new pool, created before the old one goes.
    expect(pool("mine").inputs.agentPoolName).not.toBe(pool("west").inputs.agentPoolName);
    expect(pool("west").inputs.agentPoolName).toMatch(/^[a-z][a-z0-9]{1,11}$/);
  });

  test("the kubeconfig is the cluster user's, base64-decoded, and secret", async () => {
    expect(await isSecret(west.kubeconfig)).toBe(true);
    expect(await valueOf(west.kubeconfig)).toBe(aksUserKubeconfig("west-aks-phys"));
    expect(await valueOf(mine.kubeconfig)).toBe(aksUserKubeconfig("mine-aks-phys"));
    await valueOf(legacy.kubeconfig);
    const calls = mocks.calls.filter((c) => c.token === CREDS_INVOKE).map((c) => c.inputs);
    expect(calls).toEqual(
      expect.arrayContaining([
        { resourceGroupName: "west-rg-phys", resourceName: "west-aks-phys" },
        { resourceGroupName: "platform-rg", resourceName: "mine-aks-phys" },
      ]),
    );
    expect(calls).toHaveLength(3);
  });

  test("a provider built from the kubeconfig gets it as a secret and waits for the cluster and its user pool", async () => {
    for (const [n, c] of Object.entries({ west, mine, legacy })) {
      const p = rec.byName(`consumer-of-${n}`);
      expect(p.urn).toBe(await valueOf(consumers[n].urn));
      expect(p.inputs.kubeconfig).toBe(await valueOf(c.kubeconfig));
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
      expect(p.dependencies).toContain(child(n, T.cluster, `${n}-aks`).urn);
      expect(p.dependencies).toContain(child(n, T.pool, `${n}-user`).urn);
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
