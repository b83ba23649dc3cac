import * as containerservice from "@pulumi/azure-native/containerservice";
import { checkWhenKnown } from "../../whenKnown";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { ClusterConnection } from "../connection";
import { AksClusterArgs } from "./args";
import { decodeAksKubeconfig } from "./kubeconfig";
import { validateAksClusterArgs } from "./validate";

/**
 * An Azure Kubernetes Service cluster as a ClusterConnection: a resource group (or yours), a managed cluster with a
 * system-assigned identity, Kubernetes RBAC and one system node pool, and the cluster
 * user's kubeconfig. Bad args throw before anything is registered.
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
        agentPoolProfiles: [
          {
            name: "system",
            mode: "System",
            count: s.nodeCount,
            vmSize: s.vmSize,
            osType: "Linux",
            type: "VirtualMachineScaleSets",
            // Keeps the pool on the control plane's version when kubernetesVersion changes.
            orchestratorVersion: s.kubernetesVersion,
          },
        ],
      },
      { parent: this },
    );

    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
      { resourceGroupName, resourceName: cluster.name },
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
