import { PORT_PROTOCOLS, PortProtocol } from "./spec";

/**
 * Istio's protocol selection for a Kubernetes Service port, as pilot does it (Istio 1.29,
 * pkg/config/kube/conversion.go `ConvertProtocol` and pkg/config/protocol/instance.go `Parse`), then mapped onto the
 * protocols a global service may declare (PortProtocol).
 *
 * Istio's rule, in order:
 * 1. an L4 protocol UDP is UDP;
 * 2. `appProtocol`, when set, replaces the port name entirely (the name is then not looked at), and three of
 *    Kubernetes' standard values are taken first: `kubernetes.io/h2c` → HTTP2, `kubernetes.io/ws` → HTTP,
 *    `kubernetes.io/wss` → HTTPS;
 * 3. a name (or appProtocol) starting with `grpc-web`, in any case, is GRPC-Web;
 * 4. otherwise the part before the first `-`, in any case: tcp, udp, grpc, http, http_proxy, http2, https, tls, mongo,
 *    redis, mysql; anything else is "unsupported" (Istio sniffs the protocol; on the well-known ports 25, 53, 3306
 *    and 27017 it says TCP instead).
 */

/** Istio's protocol names (pkg/config/protocol/instance.go), as ConvertProtocol returns them. */
export const IstioProtocol = {
  GRPC: "GRPC",
  GRPCWeb: "GRPC-Web",
  HTTP: "HTTP",
  HTTP_PROXY: "HTTP_PROXY",
  HTTP2: "HTTP2",
  HTTPS: "HTTPS",
  TCP: "TCP",
  TLS: "TLS",
  UDP: "UDP",
  Mongo: "Mongo",
  Redis: "Redis",
  MySQL: "MySQL",
  Unsupported: "UnsupportedProtocol",
} as const;
export type IstioProtocol = (typeof IstioProtocol)[keyof typeof IstioProtocol];

/** `protocol.Parse`: the lowercased prefix → Istio's protocol. */
const PARSE = new Map<string, IstioProtocol>([
  ["tcp", IstioProtocol.TCP],
  ["udp", IstioProtocol.UDP],
  ["grpc", IstioProtocol.GRPC],
  ["grpc-web", IstioProtocol.GRPCWeb],
  ["http", IstioProtocol.HTTP],
  ["http_proxy", IstioProtocol.HTTP_PROXY],
  ["http2", IstioProtocol.HTTP2],
  ["https", IstioProtocol.HTTPS],
  ["tls", IstioProtocol.TLS],
  ["mongo", IstioProtocol.Mongo],
  ["redis", IstioProtocol.Redis],
  ["mysql", IstioProtocol.MySQL],
]);

/** Kubernetes' standard appProtocol values Istio knows (checked on appProtocol only, case-sensitively). */
const KUBERNETES_APP_PROTOCOLS = new Map<string, IstioProtocol>([
  ["kubernetes.io/h2c", IstioProtocol.HTTP2],
  ["kubernetes.io/ws", IstioProtocol.HTTP],
  ["kubernetes.io/wss", IstioProtocol.HTTPS],
]);

/** Ports on which an unsupported name means TCP rather than sniffing (SMTP, DNS, MySQL, MongoDB). */
const WELL_KNOWN_PORTS: readonly number[] = [25, 53, 3306, 27017];

const GRPC_WEB = "grpc-web";

/** What a Service port tells Istio about its protocol. */
export interface ServicePortFacts {
  /** The port number (only the well-known ports matter). */
  number?: number;
  name?: string;
  appProtocol?: string;
  /** The L4 protocol: TCP (default), UDP, SCTP. */
  protocol?: string;
}

/** Istio's protocol for a Service port: `ConvertProtocol`, rule for rule. */
export function istioProtocol(port: ServicePortFacts): IstioProtocol {
  if (port.protocol === "UDP") return IstioProtocol.UDP;
  let name = port.name ?? "";
  if (port.appProtocol !== undefined) {
    name = port.appProtocol;
    const standard = KUBERNETES_APP_PROTOCOLS.get(name);
    if (standard) return standard;
  }
  if (name.slice(0, GRPC_WEB.length).toLowerCase() === GRPC_WEB) return IstioProtocol.GRPCWeb;
  const dash = name.indexOf("-");
  const prefix = (dash >= 0 ? name.slice(0, dash) : name).toLowerCase();
  const parsed = PARSE.get(prefix) ?? IstioProtocol.Unsupported;
  if (parsed === IstioProtocol.Unsupported && port.number !== undefined && WELL_KNOWN_PORTS.includes(port.number))
    return IstioProtocol.TCP;
  return parsed;
}

/**
 * Istio's protocol → the one a global service declares. GRPC-Web becomes GRPC: pilot treats the two alike (both
 * `IsHTTP2` and `IsGRPC`: an HTTP/2 upstream), and only adds the grpc_web filter for GRPC-Web. HTTP_PROXY is HTTP.
 * What a ServiceEntry here cannot carry (Redis, MySQL, UDP) and an unsupported name are TCP.
 */
const TO_PORT_PROTOCOL: Record<IstioProtocol, PortProtocol> = {
  [IstioProtocol.GRPC]: "GRPC",
  [IstioProtocol.GRPCWeb]: "GRPC",
  [IstioProtocol.HTTP]: "HTTP",
  [IstioProtocol.HTTP_PROXY]: "HTTP",
  [IstioProtocol.HTTP2]: "HTTP2",
  [IstioProtocol.HTTPS]: "HTTPS",
  [IstioProtocol.TCP]: "TCP",
  [IstioProtocol.TLS]: "TLS",
  [IstioProtocol.UDP]: "TCP",
  [IstioProtocol.Mongo]: "MONGO",
  [IstioProtocol.Redis]: "TCP",
  [IstioProtocol.MySQL]: "TCP",
  [IstioProtocol.Unsupported]: "TCP",
};

export function toPortProtocol(protocol: IstioProtocol): PortProtocol {
  return TO_PORT_PROTOCOL[protocol];
}

/** The protocol of a discovered Service port: Istio's choice, mapped onto PortProtocol. */
export function portProtocol(port: ServicePortFacts): PortProtocol {
  return toPortProtocol(istioProtocol(port));
}

/**
 * The protocol a port name declares to Istio (as a Service port without appProtocol), or undefined when the name
 * declares none (Istio would sniff): callers then use TCP.
 */
export function protocolFromName(name: string | undefined): PortProtocol | undefined {
  if (!name) return undefined;
  const istio = istioProtocol({ name });
  return istio === IstioProtocol.Unsupported ? undefined : toPortProtocol(istio);
}

export function isPortProtocol(p: string): p is PortProtocol {
  return (PORT_PROTOCOLS as readonly string[]).includes(p);
}

/** How a sidecar routes the port: HTTP routes, TLS routes (by SNI) or TCP routes. */
export type RouteKind = "http" | "tls" | "tcp";

export function routeKind(protocol: PortProtocol): RouteKind {
  switch (protocol) {
    case "HTTP":
    case "HTTP2":
    case "GRPC":
      return "http";
    case "HTTPS":
    case "TLS":
      return "tls";
    case "TCP":
    case "MONGO":
      return "tcp";
  }
}

/** Default port name when the spec gives none: `<protocol>-<number>`, which also tells Istio the protocol. */
export function defaultPortName(protocol: PortProtocol, port: number): string {
  return `${protocol.toLowerCase()}-${port}`;
}
