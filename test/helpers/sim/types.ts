/**
 * Input and output of the hop-by-hop request simulator (test/helpers/sim): plain data.
 *
 * The input is what the proxies would be configured from: the compiled Istio objects of each cluster, plus what
 * Kubernetes knows and the objects do not say — the gateways' pods (labels, namespace, identity), the address other
 * clusters reach an ingress gateway at, and the Services with their pods' labels, service account and ports.
 * East-west mode adds each cluster's east-west gateway (labels, the address other clusters reach it at) and locality.
 */
import { MeshObject } from "../../../sdk/src/mesh";

export interface SimMesh {
  clusters: SimCluster[];
  /** Cluster name → the objects applied there (a cluster without an entry has none). */
  objects: ReadonlyMap<string, readonly MeshObject[]>;
  /** Istio's root namespace: its AuthorizationPolicies and PeerAuthentications apply mesh-wide. Default istio-system. */
  rootNamespace?: string;
}

export interface SimCluster {
  name: string;
  /** Trust domain of the cluster's workload certificates (`spiffe://<trustDomain>/ns/<ns>/sa/<sa>`). */
  trustDomain: string;
  gateways: SimGateways;
  /** The ingress gateway as other clusters reach it (what ServiceEntry endpoints name). */
  ingress?: { address: string; port: number };
  /** The east-west gateway as other clusters reach it (east-west mode's ServiceEntry endpoints). */
  eastWest?: { address: string; port: number };
  /**
   * `region[/zone[/subzone]]` of the cluster's proxies (Envoy ranks endpoints against it). Default none: every
   * endpoint without a locality ranks as near.
   */
  locality?: string;
  /** Kubernetes Services that run in the cluster, with sidecar-injected pods. */
  services: SimService[];
}

export interface SimGateways {
  /** Namespace of both gateways' pods. */
  namespace: string;
  /** Labels of the ingress gateway's pods (a Gateway or policy selector must be a subset). */
  ingressLabels: Record<string, string>;
  egressLabels: Record<string, string>;
  /** FQDN of the egress gateway's Service, which sidecars send to. */
  egressService: string;
  /** Port of the egress gateway's Service that tunnels use. Default 443. */
  egressPort?: number;
  /** Principals (`<trustDomain>/ns/<ns>/sa/<sa>`, no scheme) of the gateways' certificates. */
  ingressPrincipal: string;
  egressPrincipal: string;
  /** Labels of the east-west gateway's pods (east-west mode). Default `{istio: "eastwestgateway"}`. */
  eastWestLabels?: Record<string, string>;
  /** Principal of the east-west gateway: never presented on passthrough, named in its hops. */
  eastWestPrincipal?: string;
}

export interface SimService {
  name: string;
  namespace: string;
  /** Labels of its pods: what AuthorizationPolicy and PeerAuthentication selectors match. */
  labels: Record<string, string>;
  /** Service account of its pods (their certificate's identity). */
  serviceAccount: string;
  ports: SimServicePort[];
  /**
   * The Service's `networking.istio.io/exportTo` annotation: the namespaces that see it (`.`: its own, `*`: all).
   * Default every namespace. A gateway outside the list has no route to it.
   */
  exportTo?: string[];
  /** Its pods run a sidecar. Default true. A passthrough chain keeps no endpoint of a Service without one. */
  sidecar?: boolean;
}

export interface SimServicePort {
  /** The Service's port, which callers and routes name. */
  port: number;
  /** The port the pods listen on: what `to.operation.ports` matches at the workload. */
  targetPort: number;
  /** Istio protocol (HTTP, HTTP2, GRPC, GRPC-WEB, TCP, MONGO, TLS, …): HTTP-family ports get L7 authorization. */
  protocol: string;
}

/** A workload calling by name: its sidecar originates the request. */
export interface Caller {
  cluster: string;
  namespace: string;
  serviceAccount: string;
  /** Labels of the caller's pod, for DestinationRule workloadSelectors. Default none. */
  labels?: Record<string, string>;
}

/** What an attacker dialing a gateway directly presents. */
export type Peer =
  /** A certificate for this principal. `trusted: false`: not signed by the mesh's root. Default trusted. */
  | { principal: string; trusted?: boolean }
  /** No client certificate at all (plain TCP, or TLS without a client certificate: `tls: "SIMPLE"`). */
  | { principal?: undefined; tls: "DISABLE" | "SIMPLE" };

export interface RequestOptions {
  /** HTTP method and path, used where the destination port is HTTP-family. Defaults GET and /. */
  method?: string;
  path?: string;
  /**
   * Where a ServiceEntry lists several endpoints (owners), follow the one of this cluster. Default: the first of the
   * best priority; `forks` in the result names them all, and `callEach` follows every one.
   */
  via?: string;
  /**
   * Clusters whose endpoints fail (refused connections, 5xx): with outlier detection Envoy ejects them and the best
   * remaining priority serves; without it the request fails there. Default none.
   */
  down?: string[];
}

/** Where a request was decided, as a stable key for tests. */
export const Stage = {
  /** The caller's namespace does not see the host. */
  Dns: "dns",
  /** No route: no VirtualService route, unknown destination host, subset, port or endpoint. */
  Route: "route",
  /** No Gateway server for the port and SNI. */
  Server: "server",
  /** The server refused the client's TLS (plain text, no or untrusted certificate, subjectAltNames miss). */
  ServerTls: "server-tls",
  /** The client refused the server's certificate (its DestinationRule's subjectAltNames miss). */
  ClientTls: "client-tls",
  /** An AuthorizationPolicy denied the request. */
  Authz: "authz",
  /** The destination's PeerAuthentication (STRICT) refused plain text. */
  Mtls: "mtls",
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export type ProxyRole = "sidecar" | "egress-gateway" | "ingress-gateway" | "east-west-gateway" | "workload";

/** What one proxy saw and did. */
export interface Hop {
  cluster: string;
  role: ProxyRole;
  /** E.g. `c1 sidecar shop/frontend`, `c1 egress gateway`, `c2 workload cart.shop`. */
  proxy: string;
  /** Received: the TLS server name the client sent (absent for the originating sidecar or without TLS). */
  sni?: string;
  /** Received: the URI SAN of the client's certificate; absent for plain text. */
  peerCertificate?: string;
  /** Received: the URI SANs this proxy requires of the client (Gateway server `tls.subjectAltNames`). */
  expectedPeer?: string[];
  /** Received over mutual TLS (the peer has an identity). */
  mtls?: boolean;
  /**
   * This proxy's own certificate (URI SAN), as it presents it to clients and, originating mTLS, to servers. Absent
   * for a passthrough gateway, which takes no part in the handshake.
   */
  certificate?: string;
  /** The proxy forwarded the client's TLS session unopened (an `AUTO_PASSTHROUGH` server), routed by SNI alone. */
  passthrough?: boolean;
  /** AuthorizationPolicies evaluated here, in evaluation order. */
  policies: PolicyTrace[];
  /** Objects that decided this hop (`Kind/namespace/name`). */
  objects: string[];
  /** Sent: where this proxy sent the request next. */
  to?: Outbound;
  notes: string[];
}

export interface Outbound {
  host: string;
  port: number;
  subset?: string;
  /** The endpoint address connected to (a remote ingress, a Service FQDN). */
  address?: string;
  tls: ClientTls;
}

/** The TLS a proxy originates (DestinationRule port-level settings, or Istio's auto mTLS). */
export interface ClientTls {
  mode: "DISABLE" | "SIMPLE" | "MUTUAL" | "ISTIO_MUTUAL";
  sni?: string;
  /** URI SANs the server's certificate must carry; empty: any certificate of the mesh root. */
  expectedServer: string[];
  /** The DestinationRule that set this (`DestinationRule/ns/name`), or `auto mTLS`. */
  from: string;
}

export interface PolicyTrace {
  /** `namespace/name` */
  policy: string;
  action: string;
  /** Index of the first rule that matched; absent when none did. */
  matchedRule?: number;
  /** Rules skipped or narrowed because the hop is TCP (Istio: ALLOW rule with HTTP fields ignored, DENY widened). */
  tcpAdjusted?: boolean;
}

export interface Target {
  cluster: string;
  fqdn: string;
  port: number;
}

export type CallResult = Reached | Refused;

export interface Reached {
  ok: true;
  reached: Target;
  hops: Hop[];
  /** Endpoint clusters at the first fork (several owners); `callEach` follows each. */
  forks: string[];
  /**
   * The fork's endpoint clusters grouped by Envoy priority, best first, as istiod computes them (locality
   * failover, `failoverPriority`): traffic goes to the first group and reaches the next only when outlier detection
   * ejects the first. Empty without a fork.
   */
  priorities: string[][];
}

export interface Refused {
  ok: false;
  /** The proxy that refused (`Hop.proxy`). */
  refusedAt: string;
  stage: Stage;
  reason: string;
  hops: Hop[];
  forks: string[];
  priorities: string[][];
}
