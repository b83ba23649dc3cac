import { PORT_PROTOCOLS, PortProtocol } from "./spec";

/**
 * Istio's protocol selection: a port named `<protocol>[-<suffix>]` (or with appProtocol `<protocol>`) declares its
 * protocol; anything else is plain TCP. See istio.io "Protocol Selection".
 */
const PREFIXES: Record<string, PortProtocol> = {
  http: "HTTP",
  http2: "HTTP2",
  grpc: "GRPC",
  "grpc-web": "GRPC",
  https: "HTTPS",
  tls: "TLS",
  tcp: "TCP",
  mongo: "MONGO",
  h2c: "HTTP2",
};

export function protocolFromName(name: string | undefined): PortProtocol | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  if (lower === "grpc-web" || lower.startsWith("grpc-web-")) return "GRPC";
  return PREFIXES[lower.split("-")[0]];
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
