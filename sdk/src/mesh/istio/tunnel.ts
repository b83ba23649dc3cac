import { GlobalService, ResolvedPort } from "../model";
import { tunnelHost } from "../names";
import { API_NETWORKING, Destination, GatewayObject, ObjectMeta, Server, VirtualServiceObject } from "./types";

/**
 * The gateway end of a service's tunnels: the egress gateway in a calling cluster, the ingress gateway in a serving
 * one. Both ends are built alike; they differ only in these values and where each port goes next.
 */
export interface TunnelEnd {
  /** Metadata of the Gateway; the routes bind to it as `<namespace>/<name>`. */
  gateway: ObjectMeta;
  /** Metadata of the route of one service port. */
  route: (servicePort: number) => ObjectMeta;
  /** Labels of the gateway's pods. */
  selector: Record<string, string>;
  /** The port the gateway receives every tunnel on. */
  port: number;
  /** The gateway's namespace: its routes are exported there only. */
  namespace: string;
  /** URI SANs a caller's certificate must carry; absent: any mesh identity, left to the AuthorizationPolicy. */
  callers?: string[];
}

/**
 * Admits exactly the service's tunnel names (one per port), and only with ISTIO_MUTUAL: a caller needs a certificate
 * of the mesh's root to get in, and, when `callers` is given, one of those identities.
 */
export function tunnelGateway(end: TunnelEnd, service: GlobalService): GatewayObject {
  return {
    apiVersion: API_NETWORKING,
    kind: "Gateway",
    metadata: end.gateway,
    spec: {
      selector: end.selector,
      servers: service.ports.map((p): Server => ({
        port: { number: end.port, name: `tls-${p.number}`, protocol: "TLS" },
        hosts: [tunnelHost(service.host, p.number)],
        tls: { mode: "ISTIO_MUTUAL", ...(end.callers && { subjectAltNames: end.callers }) },
      })),
    },
  };
}

/**
 * Per port, from its tunnel name on the gateway to `next(port)`. TCP routes: the gateway has terminated the tunnel's
 * TLS and forwards the inner stream whatever its protocol; the sidecars at both ends keep L7.
 */
export function tunnelRoutes(
  end: TunnelEnd,
  service: GlobalService,
  next: (port: ResolvedPort) => Destination,
): VirtualServiceObject[] {
  const gateway = `${end.gateway.namespace}/${end.gateway.name}`;
  return service.ports.map((p): VirtualServiceObject => ({
    apiVersion: API_NETWORKING,
    kind: "VirtualService",
    metadata: end.route(p.number),
    spec: {
      hosts: [tunnelHost(service.host, p.number)],
      gateways: [gateway],
      exportTo: [end.namespace],
      tcp: [{ match: [{ gateways: [gateway], port: end.port }], route: [{ destination: next(p) }] }],
    },
  }));
}
