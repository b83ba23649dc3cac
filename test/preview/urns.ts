import { RESOURCE, STACK_PREFIX } from "./program";

/**
 * Expected URNs, written from the wiring rules (compile.ts header) rather than from the compiler's output:
 * every object of service S is named `gns.<gns>.<S>[.<role>[.<port>]]`, registered as `<resource>-<cluster>-<name>`
 * under the GlobalNamespace component.
 */

export type Kind = "ServiceEntry" | "VirtualService" | "DestinationRule" | "Gateway";

export function objectUrn(gns: string, cluster: string, kind: Kind, name: string): string {
  return `${STACK_PREFIX}globalmesh:index:GlobalNamespace$kubernetes:networking.istio.io/v1:${kind}::${RESOURCE}-${cluster}-gns.${gns}.${name}`;
}

/** The GlobalNamespace's provider for `cluster`, its child: `<resource>-<cluster>`. */
export function providerUrn(cluster: string): string {
  return `${STACK_PREFIX}globalmesh:index:GlobalNamespace$pulumi:providers:kubernetes::${RESOURCE}-${cluster}`;
}

/** Host entry of S in any cluster: ServiceEntry and mesh VirtualService. */
export function hostObjects(gns: string, cluster: string, s: string): string[] {
  return [objectUrn(gns, cluster, "ServiceEntry", s), objectUrn(gns, cluster, "VirtualService", s)];
}

/** What a client cluster adds to the host entry: the remote DestinationRule and the egress leg (gateway, subsets, a route per port). */
export function egressObjects(gns: string, cluster: string, s: string, ports: number[]): string[] {
  return [
    objectUrn(gns, cluster, "DestinationRule", s),
    objectUrn(gns, cluster, "Gateway", `${s}.egress`),
    objectUrn(gns, cluster, "DestinationRule", `${s}.egress`),
    ...ports.map((p) => objectUrn(gns, cluster, "VirtualService", `${s}.egress.${p}`)),
  ];
}

/** What an owner adds when another member cluster does not run S: the ingress gateway and a route per port. */
export function ingressObjects(gns: string, cluster: string, s: string, ports: number[]): string[] {
  return [
    objectUrn(gns, cluster, "Gateway", `${s}.ingress`),
    ...ports.map((p) => objectUrn(gns, cluster, "VirtualService", `${s}.ingress.${p}`)),
  ];
}

/** All objects of S in a cluster that does not run it (5 + one per port). */
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
