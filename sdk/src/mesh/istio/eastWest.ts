/**
 * East-west mode's objects: the caller's sidecar opens one Istio mTLS session to the destination's sidecar, through
 * the owner's east-west gateway, which routes it by SNI without terminating it (AUTO_PASSTHROUGH).
 */
import { CLUSTER_DNS_SUFFIX, EAST_WEST_PORT } from "../gateways";
import { GlobalService } from "../model";
import { EJECT_FAILING_CLUSTER, KEEPALIVE } from "./destinationRules";
import { API_NETWORKING, DestinationRuleObject, GatewayObject, ObjectMeta, PortTrafficPolicy } from "./types";

/**
 * The SNI of an Istio mTLS connection to one port of a Kubernetes Service: `outbound_.<port>_._.<fqdn>`, the name of
 * the outbound cluster (pilot model.BuildDNSSrvSubsetKey, no subset). An AUTO_PASSTHROUGH server routes exactly these
 * names to the cluster of that name (pilot networking/core/gateway.go builtAutoPassthroughFilterChains), so the remote
 * gateway forwards the still-encrypted stream to the real Service's pods.
 */
export function passthroughSni(service: Pick<GlobalService, "name" | "namespace">, port: number): string {
  return `outbound_.${port}_._.${service.name}.${service.namespace}.${CLUSTER_DNS_SUFFIX}`;
}

/**
 * The rule for the global host when some endpoint is another cluster's east-west gateway, per port (a port-level entry
 * replaces the whole policy for its port): ISTIO_MUTUAL with the real Service's outbound SNI, the destination pods'
 * identities when known (given, they replace the ones istiod would derive, none for a ServiceEntry host: pilot
 * cluster_tls.go buildUpstreamTLSSettings), and nearest first by locality, each cluster ejected while it keeps
 * failing (outlier detection: without it istiod ranks nothing).
 *
 * No `failoverPriority`: istiod ignores it for a DNS-resolved ServiceEntry (cluster_traffic_policy.go: "TODO: enable
 * failoverPriority for STRICT_DNS cluster type"), labels every ServiceEntry endpoint `topology.istio.io/cluster` with
 * its own cluster whatever the entry says (serviceentry/conversion.go AugmentLabels), and, once it is set, ranks by
 * locality only if `failover` is set too (loadbalancer.go ApplyLocalityLoadBalancer). Locality alone works for both
 * resolutions; the local Service carries its cluster's locality, so it ranks first where the owners' regions differ
 * (eastWestLimits.ts warns where they do not).
 */
export function eastWestRule(
  metadata: ObjectMeta,
  service: GlobalService,
  identities: string[] | undefined,
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
          loadBalancer: { localityLbSetting: { enabled: true } },
          connectionPool: { tcp: { tcpKeepalive: KEEPALIVE } },
          outlierDetection: EJECT_FAILING_CLUSTER,
          tls: {
            mode: "ISTIO_MUTUAL",
            sni: passthroughSni(service, p.number),
            ...(identities && { subjectAltNames: identities }),
          },
        })),
      },
    },
  };
}

/**
 * The one AUTO_PASSTHROUGH server of a GlobalNamespace on a cluster's east-west gateway: only the Services of the
 * given namespaces (`*.<ns>.svc.cluster.local`, sorted), never `*.local`, so it opens nothing outside the
 * GlobalNamespace. Port 15443, Istio's multi-network convention, which MeshCluster's east-west gateway exposes.
 */
export function passthroughGateway(
  metadata: ObjectMeta,
  selector: Record<string, string>,
  namespaces: string[],
): GatewayObject {
  return {
    apiVersion: API_NETWORKING,
    kind: "Gateway",
    metadata,
    spec: {
      selector,
      servers: [
        {
          port: { number: EAST_WEST_PORT, name: "tls-passthrough", protocol: "TLS" },
          hosts: [...new Set(namespaces)].sort().map((ns) => `*.${ns}.${CLUSTER_DNS_SUFFIX}`),
          tls: { mode: "AUTO_PASSTHROUGH" },
        },
      ],
    },
  };
}
