import * as pulumi from "@pulumi/pulumi";

/** Arguments of an AksCluster. Plain (non-Input) fields are checked before anything is created. */
export interface AksClusterArgs {
  /** The cluster's name in the mesh (DNS-1123 label); also the cluster's DNS prefix. Default: the resource name. */
  clusterName?: string;
  /** Azure location, e.g. `westeurope`; also the cluster's Istio locality. Default: `azure-native:location` config. */
  location?: string;
  /** Resource group to create the cluster in. Default: a new resource group in `location`. */
  resourceGroupName?: pulumi.Input<string>;
  /** AKS Kubernetes version `major.minor[.patch]`, for the control plane and the user pool. Default `1.35` (pinned: a new default would upgrade existing clusters). */
  kubernetesVersion?: string;
  /**
   * Nodes of the user pool, where Istio and the apps run (an `AgentPool` resource: changes in place). Default 3.
   */
  nodeCount?: number;
  /**
   * VM size of the user pool. Default `Standard_D2s_v5` (2 vCPU, 8 GiB, like an m5.large). A new size makes a new pool
   * (named after the size) before the old one goes, so the apps move over rather than stop.
   */
  vmSize?: string;
  /**
   * Nodes of the system pool, which AKS needs inline in the cluster and runs only system pods on (tainted
   * `CriticalAddonsOnly`). Set at creation: AKS does not change an inline pool through the cluster. Default 2.
   */
  systemNodeCount?: number;
  /** VM size of the system pool; set at creation, like `systemNodeCount`. Default `Standard_D2s_v5`. */
  systemVmSize?: string;
  /**
   * Azure CNI in overlay mode (`networkPlugin: azure`, `networkPluginMode: overlay`): pods get addresses from
   * `podCidr`, not from the VNet. `false` leaves the network profile to AKS, as clusters made before this option were
   * (see examples/eks-aks/README.md before turning it on for one of those). Default true.
   */
  cniOverlay?: boolean;
  /** Pod address range of the overlay (IPv4 CIDR, /8 to /22, apart from AKS's service range 10.0.0.0/16). Default `10.244.0.0/16`. */
  podCidr?: string;
  /** Istio network of the cluster. Default: none. */
  network?: string;
}
