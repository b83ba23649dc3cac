import { ClusterConnection, ClusterIngress } from "../clusters/connection";
import { AccessPolicySpec, GatewaysSpec, MeshMode, MtlsMode, PortSpec } from "../mesh";

/**
 * A member cluster of a GlobalNamespace, as plain data: how to reach its API (name and kubeconfig) and its mesh
 * (ingress, gateways, trust domain). A MeshCluster's outputs fit it as they are (TypeScript: pass the MeshCluster
 * itself); any `ClusterConnection` plus an `ingress` does too. The GlobalNamespace writes through a provider of its own
 * per cluster.
 */
export interface GlobalNamespaceCluster extends ClusterConnection {
  /**
   * Where other clusters reach this cluster's ingress gateway (`tunnel` mode; port default 443). Required in that mode
   * if it runs a service another cluster calls. Default: none.
   */
  ingress?: ClusterIngress;
  /**
   * Where other clusters reach this cluster's east-west gateway: a MeshCluster's `eastWest` output (installed with
   * MeshCluster's `eastWest: true`; port default 15443). Required in `east-west` mode if it runs a service another
   * cluster calls; not used in `tunnel` mode (a warning says so). Default: none.
   */
  eastWest?: ClusterIngress;
  /**
   * Where the Istio gateways run, the labels that select them and their service accounts. Default: what MeshCluster
   * installs (`istio-gateways`, the istio/gateway chart's labels, `istio-ingressgateway-<cluster>`,
   * `istio-egressgateway-<cluster>` and `istio-eastwestgateway-<cluster>`).
   */
  gateways?: GatewaysSpec;
  /** SPIFFE trust domain of the cluster's workload identities (a MeshCluster's `trustDomain`). Default cluster.local. */
  trustDomain?: string;
  /**
   * Namespaces of the cluster known to exist beyond those the member rules name and the manifests show: the objects
   * are exported to the mapped namespaces only, so a mapped namespace that only calls (runs no global service) must be
   * known. Adding one updates that cluster's objects. Default: none.
   */
  namespaces?: string[];
  /** Namespaces this cluster keeps without sidecars (a MeshCluster's `injectionExcluded`); mapping one is an error. Default: none. */
  injectionExcluded?: string[];
}

/** A namespace↔cluster mapping rule. A trailing `*` makes a prefix match; `*` alone matches everything. */
export interface GlobalNamespaceMember {
  /** Name of a cluster in `clusters`, or a prefix pattern (`cluster*`). */
  cluster: string;
  /** Namespace name or prefix pattern (`shop-*`). System namespaces never match a pattern. */
  namespace: string;
  /** Services of these namespaces that stay out of the GlobalNamespace (by Service name). Default: none. */
  excludeServices?: string[];
  /**
   * Global services the workloads of these namespaces call, by name, on top of their global services' `calls`: for
   * workloads that back no global service, and namespaces that run none (such a namespace is then declared to call
   * only these). Default: none.
   */
  calls?: string[];
  /**
   * Write an Istio `Sidecar` in each namespace this rule maps, so its proxies import only their own namespace,
   * `istio-system`, the egress gateway, the cluster's other mapped namespaces, the global hosts called and
   * `extraEgressHosts` (other Kubernetes Services and namespaces' Istio config are not pushed to them; an unknown
   * name leaves in plain text under Istio's default ALLOW_ANY). Needs every global service of those namespaces to
   * declare `calls` (a namespace that runs none is taken to call none but `calls`), and no other Sidecar without
   * workloadSelector there. Default false.
   */
  sidecarScope?: boolean;
  /**
   * More Sidecar egress hosts (`namespace/dnsName`, e.g. `legacy/billing.legacy.svc.cluster.local` or `payments/*`)
   * for what these namespaces call outside the GlobalNamespace; a global host is refused (name it in `calls`). Only
   * with `sidecarScope`. Default: none.
   */
  extraEgressHosts?: string[];
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
  /**
   * Labels of the service's pods (its Service's `selector`), which access policies select the destination by; needed
   * when a policy restricts the service, and always in `east-west` mode. Default: discovered from `manifests`.
   */
  selector?: Record<string, string>;
  /**
   * Global services it calls, by name (`[]`: none); calls the manifests show are added. When every global service of
   * a namespace declares its calls (no opt-in needed), clusters get objects only for the services called (and the
   * rule's `calls`), exported only to the namespaces that call them: other workloads of that namespace lose the
   * global hosts not listed (a warning names those the manifests show). Default: undeclared (it may call any global
   * service).
   */
  calls?: string[];
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

/** A global name a GlobalNamespace claims: a host and its virtual IP. */
export interface GlobalNamespaceClaim {
  /** `<service>.<domain>`. */
  host: string;
  /** The host's virtual IP. */
  address: string;
}

/** A namespace of a cluster a GlobalNamespace holds. */
export interface GlobalNamespaceMemberNamespace {
  /** The cluster's `clusterName`. */
  clusterName: string;
  /** The namespace. */
  namespace: string;
}

/**
 * Another GlobalNamespace of the same clusters, as plain data: a GlobalNamespace component fits as it is (TypeScript:
 * pass it itself). Two GlobalNamespaces known together may not claim the same host or virtual IP, nor hold the same
 * namespace of a cluster.
 */
export interface GlobalNamespacePeer {
  /** Its name. */
  globalNamespaceName: string;
  /** Every host it claims, with its virtual IP (a GlobalNamespace's `claims`). */
  claims: GlobalNamespaceClaim[];
  /** The namespaces it holds, per cluster (a GlobalNamespace's `memberNamespaces`). Default: none checked. */
  memberNamespaces?: GlobalNamespaceMemberNamespace[];
}

export interface GlobalNamespaceArgs {
  /** Name of the GlobalNamespace (DNS-1123 label). Default: the resource name. */
  globalNamespaceName?: string;
  /** Global names are `<service>.<domain>`, e.g. `acme.example.com`. */
  domain: string;
  /**
   * The domain is the owner's own registrable domain (e.g. `acme.com`): allow it although it is a real, public name.
   * Default false: a public suffix or a bare registrable domain is refused, so global names cannot shadow real ones.
   */
  ownDomain?: boolean;
  /**
   * How clusters reach each other's services: `tunnel` (sidecar → egress gateway → the owner's ingress gateway → the
   * service, each gateway terminating TLS) or `east-west` (one mTLS session from the caller's sidecar to the
   * destination's, through the owner's east-west gateway in `AUTO_PASSTHROUGH`; the clusters' `eastWest` entries are
   * used instead of `ingress`). Default `tunnel`.
   */
  mode?: MeshMode;
  /** The member clusters, each once. Member rules, services and manifests refer to them by `clusterName`. */
  clusters: GlobalNamespaceCluster[];
  /** Namespace↔cluster mapping rules. */
  members: GlobalNamespaceMember[];
  /** Services listed explicitly (in addition to those discovered from `manifests`). Default: none. */
  services?: GlobalNamespaceService[];
  /** Manifests to discover services from, per cluster. Default: none. */
  manifests?: GlobalNamespaceManifests[];
  /** mTLS for the mapped namespaces: `STRICT` writes a PeerAuthentication in each. Default `STRICT`. */
  mtls?: MtlsMode;
  /**
   * Deny every path between services that no ALLOW policy opens. Default false: member namespaces reach every
   * service.
   */
  defaultDeny?: boolean;
  /**
   * Access policies: which callers (namespaces, service accounts, services of the GlobalNamespace) may or may not call
   * which services, ports, HTTP methods and paths. Default: none.
   */
  policies?: AccessPolicySpec[];
  /**
   * Other GlobalNamespaces of the same clusters (TypeScript: the components themselves): none may claim a host or a
   * virtual IP this one claims. Only the peers given are checked; across stacks nothing is. Default: none.
   */
  peers?: GlobalNamespacePeer[];
}
