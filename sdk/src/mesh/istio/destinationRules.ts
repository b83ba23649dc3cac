/** The three legs of a tunnel that originate TLS: sidecar → egress gateway → remote ingress gateway → the service. */
import { GlobalService } from "../model";
import { tunnelHost } from "../names";
import { routeKind } from "../ports";
import { API_NETWORKING, DestinationRuleObject, ObjectMeta, PortTrafficPolicy, Subset } from "./types";

/**
 * The rule for the local egress gateway's Service: per port of the service, a subset that speaks ISTIO_MUTUAL with
 * the port's tunnel name as SNI, so the egress gateway knows the destination without parsing the protocol, and that
 * accepts only this cluster's egress gateway at the other end. Every service keeps its own rule on the same host;
 * Istio merges their subsets only when their exportTo is equal (pilot mergeDestinationRule with the default
 * ENABLE_ENHANCED_DESTINATIONRULE_MERGE), else a proxy keeps one rule and loses the other services' subsets, so the
 * caller gives every service the same exportTo.
 */
export function egressSubsets(
  metadata: ObjectMeta,
  service: GlobalService,
  egress: { host: string; port: number; subsetName: (servicePort: number) => string; identity: string },
  exportTo: string[],
): DestinationRuleObject {
  return {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata,
    spec: {
      host: egress.host,
      exportTo,
      subsets: service.ports.map((p): Subset => ({
        name: egress.subsetName(p.number),
        trafficPolicy: {
          portLevelSettings: [
            {
              port: { number: egress.port },
              ...(routeKind(p.protocol) === "http" && keepClientProtocol()),
              tls: {
                mode: "ISTIO_MUTUAL",
                sni: tunnelHost(service.host, p.number),
                subjectAltNames: [egress.identity],
              },
            },
          ],
        },
      })),
    },
  };
}

/**
 * The rule for the global host on the egress gateway: to the remote ingress gateways with ISTIO_MUTUAL, the port's
 * tunnel name as SNI, and only the owners' ingress gateways accepted at the far end. Every setting sits in the port's
 * own entry: a port-level entry replaces the whole policy for its port (pilot `GetPortLevelTrafficPolicy`). With
 * owners in several clusters, the nearest healthy one is used, per connection.
 */
export function remoteTls(
  metadata: ObjectMeta,
  service: GlobalService,
  { identities, nearestFirst }: { identities: string[]; nearestFirst: boolean },
  exportTo: string[],
): DestinationRuleObject {
  return {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata,
    spec: {
      host: service.host,
      exportTo,
      trafficPolicy: {
        portLevelSettings: service.ports.map((p): PortTrafficPolicy => ({
          port: { number: p.number },
          ...(nearestFirst && { loadBalancer: NEAREST_FIRST }),
          connectionPool: { tcp: { tcpKeepalive: KEEPALIVE } },
          ...(nearestFirst && { outlierDetection: EJECT_FAILING_CLUSTER }),
          tls: { mode: "ISTIO_MUTUAL", sni: tunnelHost(service.host, p.number), subjectAltNames: identities },
        })),
      },
    },
  };
}

/**
 * The ingress gateway's rule for the service's own Service (the last hop): it applies to the ingress gateway's pods
 * only (`workloadSelector`, so it lives in their namespace and shadows any rule of the service's owner for this
 * traffic), keeps the caller's HTTP version on HTTP ports, and speaks ISTIO_MUTUAL to the pods.
 */
export function ingressHop(
  metadata: ObjectMeta,
  service: GlobalService,
  localHost: string,
  gateway: { selector: Record<string, string>; namespace: string },
): DestinationRuleObject {
  return {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata,
    spec: {
      host: localHost,
      workloadSelector: { matchLabels: gateway.selector },
      exportTo: [gateway.namespace],
      trafficPolicy: {
        portLevelSettings: service.ports.map((p): PortTrafficPolicy => ({
          port: { number: p.number },
          ...(routeKind(p.protocol) === "http" && keepClientProtocol()),
          tls: { mode: "ISTIO_MUTUAL" },
        })),
      },
    },
  };
}

/** Locality-aware balancing (it needs outlier detection to act). */
const NEAREST_FIRST: NonNullable<PortTrafficPolicy["loadBalancer"]> = {
  simple: "LEAST_REQUEST",
  localityLbSetting: { enabled: true },
};

/** A cluster whose gateway keeps failing is ejected, so new connections fail over to the next nearest. */
export const EJECT_FAILING_CLUSTER: NonNullable<PortTrafficPolicy["outlierDetection"]> = {
  consecutiveGatewayErrors: 5,
  interval: "10s",
  baseEjectionTime: "30s",
  maxEjectionPercent: 100,
};

/**
 * Cloud load balancers drop idle flows (AWS NLB after 350 s, Azure's after 4 minutes by default): probe well before,
 * so a quiet tunnel is not cut under a long-lived connection.
 */
export const KEEPALIVE = { time: "120s", interval: "30s", probes: 3 };

/**
 * A gateway hop would otherwise choose its own HTTP version for the next hop (HTTP/1.1 to the egress Service's port,
 * HTTP/2 to a gRPC port); the caller's own protocol is carried through instead.
 */
function keepClientProtocol(): Pick<PortTrafficPolicy, "connectionPool"> {
  return { connectionPool: { http: { useClientProtocol: true } } };
}
