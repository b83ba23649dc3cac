import { ClusterConnection, ClusterIngress } from "../clusters/connection";
import { GatewaysSpec, PortSpec } from "../mesh";

/**
 * A member cluster of a GlobalNamespace, as plain data: how to reach its API (name and kubeconfig) and its mesh
 * (ingress, gateways). A MeshCluster's outputs fit it as they are (TypeScript: pass the MeshCluster itself); any
 * `ClusterConnection` plus an `ingress` does too. The GlobalNamespace writes through a provider of its own per cluster.
 */
export interface GlobalNamespaceCluster extends ClusterConnection {
  /** Where other clusters reach this cluster's ingress gateway. Required if it runs a service another cluster calls. Default: none. */
  ingress?: ClusterIngress;
  /** Where the Istio gateways run and the labels that select them. Default: istio-system and the istio/gateway chart's labels. */
  gateways?: GatewaysSpec;
  /** Namespaces this cluster keeps without sidecars (a MeshCluster's `injectionExcluded`); mapping one is an error. Default: none. */
  injectionExcluded?: string[];
}

/** A namespace↔cluster mapping rule. A trailing `*` makes a prefix match; `*` alone matches everything. */
export interface GlobalNamespaceMember {
  /** Name of a cluster in `clusters`, or a prefix pattern (`cluster*`). */
  cluster: string;
  /** Namespace name or prefix pattern (`shop-*`). System namespaces never match a pattern. */
  namespace: string;
}

/** A global service listed explicitly. */
export interface GlobalNamespaceService {
  /** Kubernetes Service name; the global name is `<name>.<domain>`. */
  name: string;
  /** Its namespace. */
  namespace: string;
  /** Names of the clusters that run it. Default: discovered from `manifests`. */
  clusters?: string[];
  /** Its ports. Default: discovered from `manifests`. */
  ports?: PortSpec[];
  /** Pinned virtual IP (class E, outside 240.240.0.0/16). Default: derived from the GlobalNamespace's name and the host. */
  address?: string;
}

/** Kubernetes manifests of one cluster; their Services in mapped namespaces join the GlobalNamespace. */
export interface GlobalNamespaceManifests {
  /** Name of the cluster (in `clusters`) that runs them. */
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
  /** The member clusters, each once. Member rules, services and manifests refer to them by `clusterName`. */
  clusters: GlobalNamespaceCluster[];
  /** Namespace↔cluster mapping rules. */
  members: GlobalNamespaceMember[];
  /** Services listed explicitly (in addition to those discovered from `manifests`). Default: none. */
  services?: GlobalNamespaceService[];
  /** Manifests to discover services from, per cluster. Default: none. */
  manifests?: GlobalNamespaceManifests[];
}
