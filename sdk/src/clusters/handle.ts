import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * What the mesh needs of a Kubernetes cluster. EksCluster, AksCluster and KubeconfigCluster produce one;
 * MeshCluster (an onboarded cluster) extends it with where its ingress gateway is and what to wait for.
 */
export interface ClusterHandle {
  /** The cluster's name in the mesh (a DNS-1123 label). A plain string: it decides which resources exist. */
  readonly clusterName: string;
  /** Kubeconfig of the cluster, as a secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** A Kubernetes provider for the cluster, built from `kubeconfig`. */
  readonly provider: k8s.Provider;
  /** Istio locality `region[/zone[/subzone]]` of the cluster, when known. */
  readonly locality?: string;
  /** Istio network of the cluster, when known. */
  readonly network?: string;
}
