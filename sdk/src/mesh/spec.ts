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
  /**
   * The port the pods listen on (the Service's numeric `targetPort`); access policies name it, since Istio matches
   * a workload's own port. Default: `number`, as in Kubernetes.
   */
  targetPort?: number;
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
  /**
   * Labels of the service's pods (the Service's `selector`), which access policies select the destination by.
   * Discovered from manifests; needed when a policy restricts the service, and in east-west mode always (its pods get
   * an ALLOW policy naming the member namespaces).
   */
  selector?: Record<string, string>;
  /**
   * Global services this service calls, by name (as TSM and Admiral declare dependencies); `[]` calls none. Calls the
   * manifests show (an env value naming a global host) are added. Default: absent, undeclared: it may call anything.
   * When every global service of a mapped namespace declares its calls, that namespace is "declared" (without any
   * opt-in): the clusters it runs in get client objects only for the services it calls (with `members[].calls`), and
   * other workloads of the namespace lose the global hosts not called; it may take `sidecarScope`.
   */
  calls?: string[];
}

/**
 * How member clusters reach each other's services:
 * - `tunnel` (the default): sidecar → local egress gateway → the owner's ingress gateway → the service; each gateway
 *   terminates TLS, so egress passes a gateway the platform controls.
 * - `east-west`: the caller's sidecar opens one mTLS session straight to the destination's sidecar, through the
 *   owner's east-west gateway (`AUTO_PASSTHROUGH`, routed by SNI without terminating): the destination sees the real
 *   caller, balancing and failover are per request (per connection to a local instance of a service that also runs
 *   elsewhere: docs/spec.md), and a client cluster holds two objects per remote service.
 */
export const MeshMode = { TUNNEL: "tunnel", EAST_WEST: "east-west" } as const;
// An `as const` object rather than a literal union: Pulumi's schema inference turns it into an enum for every language.
export type MeshMode = (typeof MeshMode)[keyof typeof MeshMode];

/** Where other clusters reach this cluster: its ingress gateway, or in east-west mode its east-west gateway. */
export interface IngressSpec<A = string> {
  /** IP address or DNS name of the gateway's load balancer. */
  address: A;
  /** The cross-cluster (mTLS) port of the gateway. Default 443 in `tunnel` mode, 15443 in `east-west` mode. */
  port?: number;
}

/**
 * Istio gateway workloads in one cluster. The defaults are what MeshCluster installs: the official `istio/gateway`
 * chart in `istio-gateways`, each gateway with a service account of its own per cluster.
 */
export interface GatewaysSpec {
  /** Namespace of the gateways and of the objects globalmesh writes. Default `istio-gateways`. */
  namespace?: string;
  /** Labels that select the ingress gateway pods. Default `{istio: ingressgateway}`. */
  ingressSelector?: Record<string, string>;
  /** Labels that select the egress gateway pods. Default `{istio: egressgateway}`. */
  egressSelector?: Record<string, string>;
  /** In-cluster DNS name of the egress gateway Service. Default `istio-egressgateway.<namespace>.svc.cluster.local`. */
  egressService?: string;
  /** Service account of the ingress gateway pods: their identity. Default `istio-ingressgateway-<cluster>`. */
  ingressServiceAccount?: string;
  /** Service account of the egress gateway pods: their identity. Default `istio-egressgateway-<cluster>`. */
  egressServiceAccount?: string;
  /** Labels that select the east-west gateway pods (east-west mode). Default `{istio: eastwestgateway}`. */
  eastWestSelector?: Record<string, string>;
  /** Service account of the east-west gateway pods (east-west mode). Default `istio-eastwestgateway-<cluster>`. */
  eastWestServiceAccount?: string;
}

/** A member cluster. */
export interface ClusterSpec<A = string> {
  /** Cluster name, unique in the GlobalNamespace (DNS-1123 label). */
  name: string;
  /**
   * This cluster's cross-cluster entry: its ingress gateway in `tunnel` mode, its east-west gateway in `east-west`
   * mode. Required when a service it runs is called from another cluster.
   */
  ingress?: IngressSpec<A>;
  /**
   * Istio locality `region[/zone[/subzone]]`, used to prefer near instances of a multi-cluster service. It must equal
   * the nodes' `topology.kubernetes.io/region` (and `/zone`) labels, which give callers their own locality. Default:
   * none.
   */
  locality?: string;
  /**
   * Istio network name of the cluster; informational (summaries, diffs). Not written on ServiceEntry endpoints: Istio
   * would then expect a network gateway for it and drop the endpoints the egress gateway needs.
   */
  network?: string;
  /** Where Istio's gateways run in this cluster. */
  gateways?: GatewaysSpec;
  /** SPIFFE trust domain of the cluster's workload identities (MeshCluster's `trustDomain`). Default `cluster.local`. */
  trustDomain?: string;
  /**
   * Namespaces of this cluster known to exist, beyond those the member rules name and the manifests show: the
   * objects are exported to the mapped ones only, so a namespace that only calls must be known. Default: none.
   */
  namespaces?: string[];
}

/** A namespace↔cluster mapping rule. A trailing `*` makes a prefix match; `*` alone matches everything. */
export interface MemberRule {
  /** Cluster name or pattern. */
  cluster: string;
  /** Namespace name or pattern. System namespaces (kube-system, istio-system, …) never match a pattern. */
  namespace: string;
  /** Services of these namespaces that stay out of the GlobalNamespace (by Service name). Default: none. */
  excludeServices?: string[];
  /**
   * Global services the workloads of these namespaces call, by name, on top of what their global services declare
   * (`services[].calls`): for workloads that back no global service, and for namespaces that run none. Declares a
   * namespace that runs no global service (it calls these and nothing else global); a namespace running a global
   * service without `calls` stays undeclared. Default: none.
   */
  calls?: string[];
  /**
   * Write an Istio `Sidecar` (no workloadSelector, named for the GlobalNamespace) in each namespace this rule maps. Its
   * proxies then import only their own namespace, `istio-system`, the egress gateway's Service, the cluster's other
   * mapped namespaces, the global hosts the namespace calls and `extraEgressHosts`: other namespaces' Kubernetes
   * Services and Istio config are no longer pushed to them (global hosts it does not call are kept out by exportTo
   * already). A name outside that list is forwarded to the cluster's DNS and leaves in plain text (Istio's default
   * ALLOW_ANY), so it reaches only targets that accept plain text. Needs the namespaces' calls declared (`calls` on
   * every global service there), and no other selector-less Sidecar there. Default false.
   */
  sidecarScope?: boolean;
  /**
   * More Sidecar egress hosts, `namespace/dnsName` as Istio writes them (`payments/*`,
   * `legacy/billing.legacy.svc.cluster.local`; the namespace may be `*`, the name `*.suffix`), for what the namespace
   * calls outside the GlobalNamespace. Added as given; a global host is refused (list its service in `calls`). Only with
   * `sidecarScope: true`. Default: none.
   */
  extraEgressHosts?: string[];
}

/** Whether the mapped namespaces accept plain text: `STRICT` (the default) writes a PeerAuthentication per namespace. */
export const MtlsMode = { STRICT: "STRICT", PERMISSIVE: "PERMISSIVE" } as const;
export type MtlsMode = (typeof MtlsMode)[keyof typeof MtlsMode];

/** What an access policy does to the requests it matches. */
export const PolicyAction = { ALLOW: "ALLOW", DENY: "DENY" } as const;
export type PolicyAction = (typeof PolicyAction)[keyof typeof PolicyAction];

/** Callers an access policy matches: a namespace of the GlobalNamespace, narrowed to accounts or a service. */
export interface PolicySource {
  /** A mapped namespace (by name). */
  namespace: string;
  /** Only in this cluster (name or prefix pattern). Default: every member cluster. */
  cluster?: string;
  /** Only these service accounts of the namespace. Default: all of them. */
  serviceAccounts?: string[];
  /** Only the pods behind this Service of the namespace (their service accounts, from the manifests). */
  service?: string;
}

/** Requests an access policy matches: a global service, optionally narrowed to ports and (HTTP ports) methods and paths. */
export interface PolicyTarget {
  /** A global service (by name). */
  service: string;
  /** Only these ports of the service (its real ports, as callers use them). Default: all. */
  ports?: number[];
  /** Only these HTTP methods, e.g. `GET`. Only for HTTP ports. Default: any. */
  methods?: string[];
  /** Only these paths; a trailing or leading `*` matches a prefix or suffix. Only for HTTP ports. Default: any. */
  paths?: string[];
}

/** An access policy between services of the GlobalNamespace, as TSM has them. */
export interface AccessPolicySpec {
  /** DNS-1123 label, unique in the GlobalNamespace. */
  name: string;
  /** ALLOW or DENY. */
  action: PolicyAction;
  /** Callers it matches (any of them). */
  from: PolicySource[];
  /** Requests it matches (any of them). */
  to: PolicyTarget[];
}

/** A GlobalNamespace, as written by its owner. */
export interface GlobalNamespaceSpec<A = string> {
  /** DNS-1123 label. Part of every object name and of every virtual IP's derivation. */
  name: string;
  /** Global names are `<service>.<domain>`. */
  domain: string;
  /** How clusters reach each other's services: `tunnel` or `east-west` (see MeshMode). Default `tunnel`. */
  mode?: MeshMode;
  /** Member clusters. */
  clusters: ClusterSpec<A>[];
  /** Which namespaces of which clusters belong to the GlobalNamespace. */
  members: MemberRule[];
  /** Services of mapped namespaces (in addition to those discovered from manifests). */
  services?: ServiceSpec[];
  /**
   * The domain is the owner's own registrable domain (e.g. `acme.com`): allow it although it is a real, public name.
   * Default false: a public suffix or a bare registrable domain is refused, so global names cannot shadow real ones.
   */
  ownDomain?: boolean;
  /** mTLS for the mapped namespaces. Default `STRICT`. */
  mtls?: MtlsMode;
  /** Deny every path between services that no ALLOW policy opens. Default false: member namespaces reach every service. */
  defaultDeny?: boolean;
  /** Access policies. Default: none. */
  policies?: AccessPolicySpec[];
}

/** Namespaces that never join a GlobalNamespace. */
export const SYSTEM_NAMESPACES: readonly string[] = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "istio-system",
  "istio-gateways",
  "globalmesh-system",
];

/**
 * A Service labelled `globalmesh.io/export: "false"` never joins a GlobalNamespace, whatever the member rules say.
 * The `kubernetes` Service (the API server) never does either.
 */
export const EXPORT_LABEL = "globalmesh.io/export";
