/**
 * The GlobalNamespace spec: plain data, the same whether it comes from a YAML file (the CLI) or from a Pulumi program
 * (the GlobalNamespace component). `A` is the type of an ingress address: a string in YAML, possibly a
 * `pulumi.Output<string>` in a program. The core never looks inside a non-string address; it only places it.
 */

/** Istio port protocols a global service may use (ServiceEntry `ports[].protocol`). */
export const PortProtocol = {
  HTTP: "HTTP",
  HTTP2: "HTTP2",
  GRPC: "GRPC",
  HTTPS: "HTTPS",
  TLS: "TLS",
  TCP: "TCP",
  MONGO: "MONGO",
} as const;
// An `as const` object rather than a literal union: Pulumi's schema inference turns it into an enum for every language.
export type PortProtocol = (typeof PortProtocol)[keyof typeof PortProtocol];
/** The protocols, in the order error messages list them. */
export const PORT_PROTOCOLS: readonly PortProtocol[] = Object.values(PortProtocol);

/** One port of a global service. */
export interface PortSpec {
  /** The service's real port; callers use `<service>.<domain>:<number>`. */
  number: number;
  /** Port name (IANA service name style); defaults to `<protocol>-<number>`, e.g. `http-8082`. */
  name?: string;
  /** Istio protocol; defaults to the one the name implies (`http-…`, `grpc-…`, `mongo-…`), else TCP. */
  protocol?: PortProtocol;
}

/** A service of a mapped namespace, and where it runs. */
export interface ServiceSpec {
  /** Kubernetes Service name; the global name is `<name>.<domain>`. */
  name: string;
  /** Namespace the Service lives in (the same in every cluster that runs it). */
  namespace: string;
  /** Clusters that run it. May be left out when the clusters' manifests are given for discovery. */
  clusters?: string[];
  /** Its ports. May be left out when the service is discovered from manifests. */
  ports?: PortSpec[];
  /** Pin the virtual IP (class E, 240.0.0.0/4 outside 240.240.0.0/16) instead of the derived one. */
  address?: string;
}

/** Where other clusters reach this cluster's ingress gateway. */
export interface IngressSpec<A = string> {
  /** IP address or DNS name of the ingress gateway's load balancer. */
  address: A;
  /** The cross-cluster (mTLS) port of the ingress gateway. Default 443. */
  port?: number;
}

/** Istio gateway workloads in one cluster; the defaults match the official `istio/gateway` Helm chart. */
export interface GatewaysSpec {
  /** Namespace of the gateways and of the objects globalmesh writes. Default `istio-system`. */
  namespace?: string;
  /** Labels that select the ingress gateway pods. Default `{istio: ingressgateway}`. */
  ingressSelector?: Record<string, string>;
  /** Labels that select the egress gateway pods. Default `{istio: egressgateway}`. */
  egressSelector?: Record<string, string>;
  /** In-cluster DNS name of the egress gateway Service. Default `istio-egressgateway.<namespace>.svc.cluster.local`. */
  egressService?: string;
}

/** A member cluster. */
export interface ClusterSpec<A = string> {
  /** Cluster name, unique in the GlobalNamespace (DNS-1123 label). */
  name: string;
  /** This cluster's cross-cluster entry. Required when a service it runs is called from another cluster. */
  ingress?: IngressSpec<A>;
  /** Istio locality `region[/zone[/subzone]]`, used to prefer near instances of a multi-cluster service. */
  locality?: string;
  /**
   * Istio network name of the cluster; informational (summaries, diffs). Not written on ServiceEntry endpoints: Istio
   * would then expect a network gateway for it and drop the endpoints the egress gateway needs.
   */
  network?: string;
  /** Where Istio's gateways run in this cluster. */
  gateways?: GatewaysSpec;
}

/** A namespace↔cluster mapping rule. A trailing `*` makes a prefix match; `*` alone matches everything. */
export interface MemberRule {
  /** Cluster name or pattern. */
  cluster: string;
  /** Namespace name or pattern. System namespaces (kube-system, istio-system, …) never match a pattern. */
  namespace: string;
}

/** A GlobalNamespace, as written by its owner. */
export interface GlobalNamespaceSpec<A = string> {
  /** DNS-1123 label. Part of every object name and of every virtual IP's derivation. */
  name: string;
  /** Global names are `<service>.<domain>`. */
  domain: string;
  /** Member clusters. */
  clusters: ClusterSpec<A>[];
  /** Which namespaces of which clusters belong to the GlobalNamespace. */
  members: MemberRule[];
  /** Services of mapped namespaces (in addition to those discovered from manifests). */
  services?: ServiceSpec[];
}

/** Namespaces that never join a GlobalNamespace. */
export const SYSTEM_NAMESPACES: readonly string[] = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "istio-system",
  "globalmesh-system",
];
