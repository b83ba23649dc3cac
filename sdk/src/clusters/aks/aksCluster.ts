import * as containerservice from "@pulumi/azure-native/containerservice";
import { checkWhenKnown } from "../../whenKnown";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { ClusterConnection } from "../connection";
import { AksClusterArgs } from "./args";
import { decodeAksKubeconfig } from "./kubeconfig";
import { validateAksClusterArgs } from "./validate";

/**
 * An Azure Kubernetes Service cluster as a ClusterConnection: a resource group (or yours), a managed cluster with a
 * system-assigned identity, Kubernetes RBAC, Azure CNI overlay, a small system pool inline (AKS requires one) and a
 * user pool as an `AgentPool` resource, whose size and count change in place; and the cluster user's kubeconfig.
 * Bad args throw before anything is registered.
 */
export class AksCluster extends pulumi.ComponentResource implements ClusterConnection {
  /** The cluster's name in the mesh. */
  public readonly clusterName: string;
  /** Kubeconfig (secret) of the cluster user. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Istio locality: the Azure location. */
  public readonly locality: string;
  /** Istio network, when given. */
  public readonly network?: string;
  /** Resource group of the cluster. */
  public readonly resourceGroupName: pulumi.Output<string>;
  /** Name of the managed cluster in Azure. */
  public readonly aksClusterName: pulumi.Output<string>;
  /** FQDN of the API server. */
  public readonly fqdn: pulumi.Output<string>;

  constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Check before registering anything: bad args must leave no half-made cluster behind.
    const s = validateAksClusterArgs(name, args, new pulumi.Config("azure-native").get("location"));
    super("globalmesh:index:AksCluster", name, {}, opts);

    const resourceGroupName = pulumi.output(
      args.resourceGroupName ??
        new resources.ResourceGroup(`${name}-rg`, { location: s.location }, { parent: this }).name,
    );
    const cluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        resourceGroupName,
        location: s.location,
        dnsPrefix: s.dnsPrefix,
        kubernetesVersion: s.kubernetesVersion,
        enableRBAC: true,
        identity: { type: "SystemAssigned" },
        ...(s.podCidr !== undefined && {
          networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", podCidr: s.podCidr },
        }),
        agentPoolProfiles: [
          {
            name: SYSTEM_POOL,
            mode: "System",
            count: s.systemNodeCount,
            vmSize: s.systemVmSize,
            osType: "Linux",
            type: "VirtualMachineScaleSets",
            // System pods only: Istio and the apps go to the user pool.
            nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
          },
        ],
      },
      // AKS refuses pool changes through the cluster; the inline pool is set at creation (the user pool is separate).
      { parent: this, ignoreChanges: ["agentPoolProfiles"] },
    );
    const userPool = new containerservice.AgentPool(
      `${name}-user`,
      {
        resourceGroupName,
        resourceName: cluster.name,
        agentPoolName: userPoolName(s.vmSize),
        mode: "User",
        count: s.nodeCount,
        vmSize: s.vmSize,
        osType: "Linux",
        type: "VirtualMachineScaleSets",
        // Keeps the pool on the control plane's version when kubernetesVersion changes.
        orchestratorVersion: s.kubernetesVersion,
      },
      { parent: this },
    );

    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
      // The pool's name orders only: whatever uses the kubeconfig waits for nodes to schedule on.
      { resourceGroupName, resourceName: pulumi.all([cluster.name, userPool.id]).apply(([n]) => n) },
      { parent: this },
    );
    this.clusterName = s.clusterName;
    this.kubeconfig = pulumi.secret(checkWhenKnown(credentials.kubeconfigs, decodeAksKubeconfig));
    this.locality = s.location;
    this.network = s.network;
    this.resourceGroupName = resourceGroupName;
    this.aksClusterName = cluster.name;
    this.fqdn = cluster.fqdn;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      locality: this.locality,
      network: this.network,
      resourceGroupName: this.resourceGroupName,
      aksClusterName: this.aksClusterName,
      fqdn: this.fqdn,
    });
  }
}

/** Name of the inline system pool. */
const SYSTEM_POOL = "system";

/**
 * The user pool's name follows its VM size (AKS cannot resize a pool's VMs): a new size is a new pool, created before
 * the old one is deleted. Lowercase letter then letters and digits, at most 12 (AKS's rule for Linux pools).
 */
export function userPoolName(vmSize: string): string {
  return `user${createHash("sha256").update(vmSize.toLowerCase()).digest("hex").slice(0, 8)}`;
}
