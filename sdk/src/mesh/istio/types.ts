/**
 * The part of Istio's networking.istio.io/v1 API that globalmesh writes: only those fields, spelt as the CRDs spell
 * them, with Istio's own enum values. test/helpers/istioSchema.ts holds each object type against Istio 1.29's
 * (@kubernetes-models/istio), so a field Istio does not know fails the type-check instead of being pruned in silence.
 *
 * `A` is the type of a remote ingress address: a string in YAML, a `pulumi.Output<string>` in programs. The core
 * passes it through and never inspects it.
 */

export const API_NETWORKING = "networking.istio.io/v1";
export const API_SECURITY = "security.istio.io/v1";
/**
 * The endpoint label naming its cluster, for people and audits: istiod replaces it on ServiceEntry endpoints with its
 * own cluster (serviceentry/conversion.go AugmentLabels), so no routing decision rests on it.
 */
export const CLUSTER_LABEL = "topology.istio.io/cluster";

/** Metadata of every object globalmesh writes: labels and the annotation say who owns it and for which host. */
export interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface IstioObject<K extends string, S, V extends string = typeof API_NETWORKING> {
  apiVersion: V;
  kind: K;
  metadata: ObjectMeta;
  spec: S;
}

export type ServiceEntryObject<A = string> = IstioObject<"ServiceEntry", ServiceEntrySpec<A>>;
export type VirtualServiceObject = IstioObject<"VirtualService", VirtualServiceSpec>;
export type DestinationRuleObject = IstioObject<"DestinationRule", DestinationRuleSpec>;
export type GatewayObject = IstioObject<"Gateway", GatewaySpec>;
export type AuthorizationPolicyObject = IstioObject<
  "AuthorizationPolicy",
  AuthorizationPolicySpec,
  typeof API_SECURITY
>;
export type PeerAuthenticationObject = IstioObject<"PeerAuthentication", PeerAuthenticationSpec, typeof API_SECURITY>;
export type SidecarObject = IstioObject<"Sidecar", SidecarSpec>;

/** A named port with its protocol: a ServiceEntry's ports, a Gateway server's port. */
export interface Port {
  number: number;
  name: string;
  protocol: string;
}

/** A port of a destination or of a port-level policy. */
export interface PortSelector {
  number: number;
}

// ServiceEntry

export interface ServiceEntrySpec<A = string> {
  hosts: string[];
  addresses: string[];
  ports: Port[];
  location: "MESH_EXTERNAL" | "MESH_INTERNAL";
  resolution: "NONE" | "STATIC" | "DNS" | "DNS_ROUND_ROBIN" | "DYNAMIC_DNS";
  exportTo: string[];
  endpoints: WorkloadEntry<A>[];
}

export interface WorkloadEntry<A = string> {
  /** A remote ingress gateway (`A`) or a local Service's FQDN. */
  address: A | string;
  /** Port name of the entry → port on this endpoint. */
  ports: Record<string, number>;
  locality?: string;
  labels: Record<string, string>;
}

// VirtualService

export interface VirtualServiceSpec {
  hosts: string[];
  /** `<namespace>/<name>` of the Gateways the routes apply to; absent for sidecars. */
  gateways?: string[];
  exportTo: string[];
  http?: HTTPRoute[];
  tls?: TLSRoute[];
  tcp?: TCPRoute[];
}

export interface HTTPRoute {
  match: { port: number }[];
  route: RouteDestination[];
}

export interface TLSRoute {
  match: { port: number; sniHosts: string[] }[];
  route: RouteDestination[];
}

export interface TCPRoute {
  match: { gateways?: string[]; port: number }[];
  route: RouteDestination[];
}

export interface RouteDestination {
  destination: Destination;
}

export interface Destination {
  host: string;
  subset?: string;
  port: PortSelector;
}

// DestinationRule

export interface DestinationRuleSpec {
  host: string;
  /** Applies the rule to these workloads only (here: the ingress gateway's pods); the rule must live in their namespace. */
  workloadSelector?: { matchLabels: Record<string, string> };
  exportTo: string[];
  trafficPolicy?: TrafficPolicy;
  subsets?: Subset[];
}

export interface Subset {
  name: string;
  trafficPolicy: TrafficPolicy;
}

/**
 * Only port-level settings: a `portLevelSettings` entry replaces the whole policy for its port (pilot
 * `GetPortLevelTrafficPolicy`), so anything at the top level would be dropped for every port the rule lists.
 */
export interface TrafficPolicy {
  portLevelSettings: PortTrafficPolicy[];
}

export interface PortTrafficPolicy {
  port: PortSelector;
  loadBalancer?: LoadBalancerSettings;
  connectionPool?: ConnectionPoolSettings;
  outlierDetection?: OutlierDetection;
  tls: ClientTLSSettings;
}

export interface ClientTLSSettings {
  mode: "DISABLE" | "SIMPLE" | "MUTUAL" | "ISTIO_MUTUAL";
  /** Absent: the proxy sends no SNI of its own choosing (Istio's default for the destination). */
  sni?: string;
  /** URI SANs (`spiffe://…`) the server's certificate must carry, compared exactly. */
  subjectAltNames?: string[];
}

export interface ConnectionPoolSettings {
  tcp?: { tcpKeepalive: { time: string; interval: string; probes: number } };
  http?: { useClientProtocol: boolean };
}

export interface LoadBalancerSettings {
  /** Absent: Istio's default, LEAST_REQUEST. */
  simple?: "UNSPECIFIED" | "LEAST_CONN" | "RANDOM" | "PASSTHROUGH" | "ROUND_ROBIN" | "LEAST_REQUEST";
  localityLbSetting: {
    enabled: boolean;
    /**
     * Never written: istiod ignores it where globalmesh would need it (istio/eastWest.ts says why). Typed because the
     * simulator's tests (test/sim/east-west.test.ts) write it to show that.
     */
    failoverPriority?: string[];
  };
}

export interface OutlierDetection {
  consecutiveGatewayErrors: number;
  /** Durations as Istio writes them, e.g. `10s`. */
  interval: string;
  baseEjectionTime: string;
  maxEjectionPercent: number;
}

// Gateway

export interface GatewaySpec {
  /** Labels of the gateway pods this applies to. */
  selector: Record<string, string>;
  servers: Server[];
}

export interface Server {
  port: Port;
  hosts: string[];
  tls: ServerTLSSettings;
}

export interface ServerTLSSettings {
  mode: "PASSTHROUGH" | "SIMPLE" | "MUTUAL" | "AUTO_PASSTHROUGH" | "ISTIO_MUTUAL" | "OPTIONAL_MUTUAL";
  /** URI SANs (`spiffe://…`) the client's certificate must carry, compared exactly. */
  subjectAltNames?: string[];
}

// AuthorizationPolicy (security.istio.io/v1)

/**
 * DENY policies are evaluated first, then ALLOW: with any ALLOW policy on a workload, a request no ALLOW matches is
 * denied. Principals are written without the `spiffe://` scheme.
 */
export interface AuthorizationPolicySpec {
  selector: { matchLabels: Record<string, string> };
  action: "ALLOW" | "DENY";
  rules: AuthorizationRule[];
}

export interface AuthorizationRule {
  from?: { source: AuthorizationSource }[];
  to?: { operation: AuthorizationOperation }[];
  when?: AuthorizationCondition[];
}

export interface AuthorizationSource {
  principals?: string[];
  namespaces?: string[];
}

export interface AuthorizationOperation {
  /** Ports the workload receives on, as strings. */
  ports?: string[];
  methods?: string[];
  paths?: string[];
}

/** E.g. `connection.sni`, which a gateway matches TLS server names with. */
export interface AuthorizationCondition {
  key: string;
  values: string[];
}

// PeerAuthentication (security.istio.io/v1)

/** Namespace-wide (no selector): the namespace's sidecars accept only mTLS. */
export interface PeerAuthenticationSpec {
  mtls: { mode: "STRICT" | "PERMISSIVE" };
}

// Sidecar (networking.istio.io/v1)

/**
 * Namespace-wide (no workloadSelector): the namespace's proxies know only the destinations its egress hosts import.
 * One catch-all egress listener (no port), so every port keeps its protocol sniffing and routes as before.
 */
export interface SidecarSpec {
  egress: { hosts: string[] }[];
}
