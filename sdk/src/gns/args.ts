import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GatewaysSpec, PortSpec } from "../mesh";

/**
 * A member cluster as GlobalNamespace sees it. Any ClusterHandle (EksCluster, AksCluster, KubeconfigCluster) fits;
 * a MeshCluster also fills `ingress`, `gateways` and `meshReady`. From languages other than TypeScript, give
 * `kubeconfig` instead of `provider`.
 */
export interface GlobalNamespaceCluster {
  /** The cluster's name in the mesh (DNS-1123 label). */
  readonly clusterName: string;
  /** Provider that writes to this cluster. Either this or `kubeconfig`. */
  readonly provider?: k8s.Provider;
  /** Kubeconfig of the cluster, used to build a provider when `provider` is not given. */
  readonly kubeconfig?: pulumi.Input<string>;
  /** Where other clusters reach this cluster's ingress gateway; required if it runs a service others call. */
  readonly ingress?: { readonly address: pulumi.Input<string>; readonly port?: number };
  /** Istio locality `region[/zone[/subzone]]`. */
  readonly locality?: string;
  /** Istio network name. */
  readonly network?: string;
  /** Where the Istio gateways run (defaults: istio-system, the istio/gateway chart's labels). */
  readonly gateways?: GatewaysSpec;
  /** Resources the mesh objects must wait for on this cluster (istiod: the Istio CRDs and validating webhook). */
  readonly meshReady?: pulumi.Resource[];
  /**
   * Namespaces this cluster keeps without sidecars (a MeshCluster's `injection.exclude`). A member rule that maps one
   * of them is an error. Default: none.
   */
  readonly injectionExcluded?: string[];
}

/** A namespace↔cluster mapping rule. */
export interface GlobalNamespaceMember {
  /** A member cluster, or the name or prefix pattern (`cluster*`) of clusters listed in `clusters`. */
  cluster: GlobalNamespaceCluster | string;
  /** Namespace name or prefix pattern (`shop-*`). */
  namespace: string;
}

/** A global service listed explicitly. */
export interface GlobalNamespaceService {
  /** Kubernetes Service name; the global name is `<name>.<domain>`. */
  name: string;
  /** Its namespace. */
  namespace: string;
  /** Names of the clusters that run it (optional when discovered from `manifests`). */
  clusters?: string[];
  /** Its ports (optional when discovered from `manifests`). */
  ports?: PortSpec[];
  /** Pinned virtual IP (class E, outside 240.240.0.0/16). */
  address?: string;
}

/** Kubernetes manifests of one cluster; their Services in mapped namespaces join the GlobalNamespace. */
export interface GlobalNamespaceManifests {
  /** Cluster name. */
  cluster: string;
  /** Multi-document YAML text. */
  yaml: string;
  /** Namespace of objects that name none. Default `default`. */
  defaultNamespace?: string;
}

export interface GlobalNamespaceArgs {
  /** Name of the GlobalNamespace (DNS-1123 label). Default: the resource name. */
  globalNamespaceName?: string;
  /** Global names are `<service>.<domain>`, e.g. `acme.example.com`. */
  domain: string;
  /** Member clusters that rules refer to by name or pattern. Clusters given directly in `members` join too. */
  clusters?: GlobalNamespaceCluster[];
  /** Namespace↔cluster mapping rules. */
  members: GlobalNamespaceMember[];
  /** Services listed explicitly (in addition to those discovered from `manifests`). */
  services?: GlobalNamespaceService[];
  /** Manifests to discover services from, per cluster. */
  manifests?: GlobalNamespaceManifests[];
}
