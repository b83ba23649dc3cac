import * as pulumi from "@pulumi/pulumi";

/** Arguments of an AksCluster. Plain (non-Input) fields are checked before anything is created. */
export interface AksClusterArgs {
  /** The cluster's name in the mesh (DNS-1123 label); also the cluster's DNS prefix. Default: the resource name. */
  clusterName?: string;
  /** Azure location, e.g. `westeurope`; also the cluster's Istio locality. Default: `azure-native:location` config. */
  location?: string;
  /** Resource group to create the cluster in. Default: a new resource group in `location`. */
  resourceGroupName?: pulumi.Input<string>;
  /** AKS Kubernetes version `major.minor[.patch]`, for the control plane and the system pool. Default `1.35` (pinned: a new default would upgrade existing clusters). */
  kubernetesVersion?: string;
  /** Nodes of the system pool. Default 3. */
  nodeCount?: number;
  /** VM size of the system pool. Default `Standard_D2s_v5` (2 vCPU, 8 GiB, like an m5.large). */
  vmSize?: string;
  /** Istio network of the cluster. Default: none. */
  network?: string;
}
