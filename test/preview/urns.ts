import { gatewayName, passthroughGatewayName } from "../../sdk/src/mesh";
import { RESOURCE, STACK_PREFIX } from "./program";

/**
 * Expected URNs, written from the wiring rules (compile.ts header) rather than from the compiler's output:
 * every object of service S is named `gns.<gns>.<S>[.<role>[.<port>]]`, registered as `<resource>-<cluster>-<name>`
 * under the GlobalNamespace component.
 */

export type Kind =
  "ServiceEntry" | "VirtualService" | "DestinationRule" | "Gateway" | "AuthorizationPolicy" | "PeerAuthentication";

const API: Record<Kind, string> = {
  ServiceEntry: "networking.istio.io/v1",
  VirtualService: "networking.istio.io/v1",
  DestinationRule: "networking.istio.io/v1",
  Gateway: "networking.istio.io/v1",
  AuthorizationPolicy: "security.istio.io/v1",
  PeerAuthentication: "security.istio.io/v1",
};

/**
 * An object in the gateways' namespace: `<resource>-<cluster>-gns.<gns>.<name>`; one in an application namespace
 * (`namespace` given): `<resource>-<cluster>-<namespace>/gns.<gns>.<name>`.
 */
export function objectUrn(gns: string, cluster: string, kind: Kind, name: string, namespace?: string): string {
  const where = namespace === undefined ? "" : `${namespace}/`;
  return `${STACK_PREFIX}globalmesh:index:GlobalNamespace$kubernetes:${API[kind]}:${kind}::${RESOURCE}-${cluster}-${where}gns.${gns}.${name}`;
}

/** Gateways are named by `gatewayName` (a DNS label with a hash), the one name not written out here by hand. */
export function gatewayUrn(gns: string, cluster: string, s: string, role: "egress" | "ingress"): string {
  return `${STACK_PREFIX}globalmesh:index:GlobalNamespace$kubernetes:networking.istio.io/v1:Gateway::${RESOURCE}-${cluster}-${gatewayName(gns, s, role)}`;
}

/** The GlobalNamespace's STRICT mTLS in one mapped namespace of a cluster. */
export function mtlsUrn(gns: string, cluster: string, namespace: string): string {
  return objectUrn(gns, cluster, "PeerAuthentication", "mtls", namespace);
}

/** The GlobalNamespace's provider for `cluster`, its child: `<resource>-<cluster>`. */
export function providerUrn(cluster: string): string {
  return `${STACK_PREFIX}globalmesh:index:GlobalNamespace$pulumi:providers:kubernetes::${RESOURCE}-${cluster}`;
}

/** Host entry of S in any cluster: ServiceEntry and mesh VirtualService. */
export function hostObjects(gns: string, cluster: string, s: string): string[] {
  return [objectUrn(gns, cluster, "ServiceEntry", s), objectUrn(gns, cluster, "VirtualService", s)];
}

/**
 * What a client cluster adds to the host entry: the remote DestinationRule and the egress leg (gateway, subsets, a
 * route per port, the policy admitting the granted callers).
 */
export function egressObjects(gns: string, cluster: string, s: string, ports: number[]): string[] {
  return [
    objectUrn(gns, cluster, "DestinationRule", s),
    gatewayUrn(gns, cluster, s, "egress"),
    objectUrn(gns, cluster, "DestinationRule", `${s}.egress`),
    objectUrn(gns, cluster, "AuthorizationPolicy", `${s}.egress`),
    ...ports.map((p) => objectUrn(gns, cluster, "VirtualService", `${s}.egress.${p}`)),
  ];
}

/**
 * What an owner adds when another member cluster does not run S: the ingress gateway, a route per port, the last
 * hop's DestinationRule and the policy admitting the calling clusters.
 */
export function ingressObjects(gns: string, cluster: string, s: string, ports: number[]): string[] {
  return [
    gatewayUrn(gns, cluster, s, "ingress"),
    objectUrn(gns, cluster, "DestinationRule", `${s}.ingress`),
    objectUrn(gns, cluster, "AuthorizationPolicy", `${s}.ingress`),
    ...ports.map((p) => objectUrn(gns, cluster, "VirtualService", `${s}.ingress.${p}`)),
  ];
}

/** All objects of S in a cluster that does not run it (6 + one per port). */
export function clientObjects(gns: string, cluster: string, s: string, ports: number[]): string[] {
  return [...hostObjects(gns, cluster, s), ...egressObjects(gns, cluster, s, ports)];
}

/** All objects of S in a cluster that runs it; `exported` when some member cluster does not run S. */
export function servingObjects(gns: string, cluster: string, s: string, ports: number[], exported: boolean): string[] {
  return [...hostObjects(gns, cluster, s), ...(exported ? ingressObjects(gns, cluster, s, ports) : [])];
}

export function sorted(urns: Iterable<string>): string[] {
  return [...urns].sort();
}

// East-west mode (the contract in compile.ts's east-west header): per service S of the GlobalNamespace, in the
// gateways' namespace unless said.

/** The GlobalNamespace's one passthrough Gateway on a cluster's east-west gateway (a DNS label, like gatewayName's). */
export function passthroughUrn(gns: string, cluster: string): string {
  return `${STACK_PREFIX}globalmesh:index:GlobalNamespace$kubernetes:networking.istio.io/v1:Gateway::${RESOURCE}-${cluster}-${passthroughGatewayName(gns)}`;
}

/** A cluster that calls S (and does not run it): the ServiceEntry H and its DestinationRule H, nothing else. */
export function eastWestClientObjects(gns: string, cluster: string, s: string): string[] {
  return [objectUrn(gns, cluster, "ServiceEntry", s), objectUrn(gns, cluster, "DestinationRule", s)];
}

/**
 * The only cluster that runs S (no remote endpoint, so no DestinationRule): the ServiceEntry H, the mesh
 * VirtualService H to the local Service (per-request balancing) and the ALLOW policy on S's pods, in S's namespace.
 */
export function eastWestServingObjects(gns: string, cluster: string, s: string, namespace: string): string[] {
  return [
    objectUrn(gns, cluster, "ServiceEntry", s),
    objectUrn(gns, cluster, "VirtualService", s),
    objectUrn(gns, cluster, "AuthorizationPolicy", s, namespace),
  ];
}
