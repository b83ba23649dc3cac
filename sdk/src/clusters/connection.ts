import * as pulumi from "@pulumi/pulumi";

/**
 * How globalmesh reaches a Kubernetes cluster: its name in the mesh and its kubeconfig, as plain data. The outputs of
 * EksCluster, AksCluster and KubeconfigCluster fit it as they are (TypeScript: pass the component itself); from other
 * languages, give the fields one by one. Each component that writes to the cluster builds its own provider from
 * `kubeconfig`.
 */
export interface ClusterConnection {
  /** The cluster's name in the mesh (DNS-1123 label). A literal: it names resources and decides which exist. */
  clusterName: string;
  /** Kubeconfig text of the cluster. Kept secret wherever globalmesh passes it on. */
  kubeconfig: pulumi.Input<string>;
  /** Istio locality `region[/zone[/subzone]]` of the cluster. Default: none. */
  locality?: string;
  /** Istio network of the cluster. Default: none. */
  network?: string;
  /**
   * Annotations the cluster needs on a gateway's LoadBalancer Service, e.g. EksCluster's NLB annotation; MeshCluster
   * puts them on the ingress and east-west gateways' Services (annotations of its own args win). Default: none.
   */
  loadBalancerAnnotations?: Record<string, string>;
}

/** Where other clusters reach a cluster's ingress gateway, or (a GlobalNamespace cluster's `eastWest`) its east-west gateway. */
export interface ClusterIngress {
  /** IP address or DNS name of the gateway's load balancer; may be known only at deploy time. */
  address: pulumi.Input<string>;
  /** The gateway's cross-cluster (mTLS) port, a literal. Default 443 (ingress gateway), 15443 (east-west gateway). */
  port?: number;
}
