/** The two legs of a tunnel that originate TLS: sidecar → egress gateway, egress gateway → remote ingress gateway. */
import { GlobalService } from "../model";
import { tunnelHost } from "../names";
import { routeKind } from "../ports";
import { API_NETWORKING, DestinationRuleObject, ObjectMeta, PortTrafficPolicy, Subset, TrafficPolicy } from "./types";

/**
 * The rule for the local egress gateway's Service: per port of the service, a subset that speaks ISTIO_MUTUAL with
 * the port's tunnel name as SNI, so the egress gateway knows the destination without parsing the protocol. Istio
 * merges the subsets of all rules on the same host, so every service keeps its own rule.
 */
export function egressSubsets(
  metadata: ObjectMeta,
  service: GlobalService,
  egress: { host: string; port: number; subsetName: (servicePort: number) => string },
): DestinationRuleObject {
  return {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata,
    spec: {
      host: egress.host,
      exportTo: ["*"],
      subsets: service.ports.map((p): Subset => ({
        name: egress.subsetName(p.number),
        trafficPolicy: {
          portLevelSettings: [
            {
              port: { number: egress.port },
              tls: { mode: "ISTIO_MUTUAL", sni: tunnelHost(service.host, p.number) },
              ...(routeKind(p.protocol) === "http" && keepClientProtocol()),
            },
          ],
        },
      })),
    },
  };
}

/**
 * The rule for the global host on the egress gateway: to the remote ingress gateways with ISTIO_MUTUAL (the shared
 * root) and the port's tunnel name as SNI. With owners in several clusters, the nearest healthy one is used.
 */
export function remoteTls(
  metadata: ObjectMeta,
  service: GlobalService,
  { nearestFirst }: { nearestFirst: boolean },
): DestinationRuleObject {
  return {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata,
    spec: {
      host: service.host,
      exportTo: ["*"],
      trafficPolicy: {
        ...(nearestFirst && nearestHealthyFirst()),
        portLevelSettings: service.ports.map((p): PortTrafficPolicy => ({
          port: { number: p.number },
          tls: { mode: "ISTIO_MUTUAL", sni: tunnelHost(service.host, p.number) },
        })),
      },
    },
  };
}

/** Locality-aware balancing (needs outlier detection to act), failing a cluster over after gateway errors. */
function nearestHealthyFirst(): Pick<TrafficPolicy, "loadBalancer" | "outlierDetection"> {
  return {
    loadBalancer: { simple: "LEAST_REQUEST", localityLbSetting: { enabled: true } },
    outlierDetection: {
      consecutiveGatewayErrors: 5,
      interval: "10s",
      baseEjectionTime: "30s",
      maxEjectionPercent: 100,
    },
  };
}

/**
 * The egress Service's port is not HTTP/2, so a sidecar would speak HTTP/1.1 to it; gRPC needs the caller's own
 * protocol carried through the tunnel.
 */
function keepClientProtocol(): Pick<PortTrafficPolicy, "connectionPool"> {
  return { connectionPool: { http: { useClientProtocol: true } } };
}
