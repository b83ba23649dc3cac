import { isDnsLabel } from "./dns";
import { shortHash } from "./hash";

/**
 * Every name globalmesh writes into a cluster comes from (GlobalNamespace, service[, port]) — never from list
 * positions — so re-ordering a spec renames nothing and each object keeps its identity across changes.
 * Object names are DNS-1123 subdomains with dot-separated parts; since neither a GlobalNamespace nor a service name
 * may contain a dot, `gns.<gns>.<service>` can never be the name of another (GlobalNamespace, service) pair.
 */

export const NAME_PREFIX = "gns";

/** The global name of a service. */
export function globalHost(service: string, domain: string): string {
  return `${service}.${domain}`;
}

/**
 * The TLS server name that carries one port of a global service between clusters (egress gateway → ingress
 * gateway). Each port gets its own, so gateways can route every protocol — HTTP, gRPC, Mongo, raw TCP — by SNI
 * alone, and a multi-port service keeps its ports apart.
 */
export function tunnelHost(host: string, port: number): string {
  return `${port}.${host}`;
}

/** Names of the objects of one global service. */
export function serviceObjectNames(gns: string, service: string) {
  const base = `${NAME_PREFIX}.${gns}.${service}`;
  return {
    /** ServiceEntry, mesh VirtualService and the host's DestinationRule. */
    main: base,
    /** The egress gateway's DestinationRule (subsets) and AuthorizationPolicy for this service. */
    egress: `${base}.egress`,
    /** The egress Gateway: a DNS label (istiod refuses Gateway names with dots). */
    egressGateway: gatewayName(gns, service, "egress"),
    /** The ingress Gateway. */
    ingressGateway: gatewayName(gns, service, "ingress"),
    /** Egress-side VirtualService of one port. */
    egressRoute: (port: number) => `${base}.egress.${port}`,
    /** The ingress gateway's last-hop DestinationRule and AuthorizationPolicy for this service. */
    ingress: `${base}.ingress`,
    /** Ingress-side VirtualService of one port. */
    ingressRoute: (port: number) => `${base}.ingress.${port}`,
    /**
     * The explicit DENY policies of the egress gateway for this service (its ALLOW policy shares the Gateway's name;
     * kinds keep them apart).
     */
    egressDeny: `${base}.egress-deny`,
    /** The DENY policy on the service's pods (the ALLOW one is named `main`, in the service's namespace). */
    deny: `${base}.deny`,
  };
}

/** The namespace-wide objects of a GlobalNamespace (PeerAuthentication) in each mapped namespace. */
export function namespaceObjectName(gns: string): string {
  return `${NAME_PREFIX}.${gns}.mtls`;
}

/** The namespace's Sidecar of a GlobalNamespace (`sidecarScope`): one per mapped namespace, like the mTLS policy. */
export function sidecarObjectName(gns: string): string {
  return `${NAME_PREFIX}.${gns}.scope`;
}

/**
 * Gateway names must be DNS-1123 labels: istiod's webhook refuses a Gateway whose name has a dot, and a VirtualService
 * that names one (pkg/config/validation ValidateGateway, validateGatewayNames). `gns-` + readable stem + role + hash of
 * the exact triple, so `a-b`/`c` and `a`/`b-c` stay apart and long names fit in 63 characters.
 */
export function gatewayName(gns: string, service: string, role: "egress" | "ingress"): string {
  const suffix = `-${role}-${shortHash(`${gns}/${service}/${role}`)}`;
  return toDnsLabel(`${NAME_PREFIX}-${gns}-${service}`, 63 - suffix.length) + suffix;
}

/**
 * The GlobalNamespace's passthrough Gateway on a cluster's east-west gateway (east-west mode): `gns-<gns>-passthrough`,
 * a DNS label (see gatewayName); a name too long for one keeps a readable stem and a hash of the GlobalNamespace.
 */
export function passthroughGatewayName(gns: string): string {
  const name = `${NAME_PREFIX}-${gns}-passthrough`;
  if (name.length <= 63) return name;
  const suffix = `-passthrough-${shortHash(gns)}`;
  return toDnsLabel(`${NAME_PREFIX}-${gns}`, 63 - suffix.length) + suffix;
}

/**
 * DestinationRule subset names must be DNS-1123 labels, and the subsets of every egress DestinationRule in a cluster
 * are merged by Istio (same host), so they must be unique across GlobalNamespaces too: readable stem + hash of the
 * exact triple.
 */
export function egressSubsetName(gns: string, service: string, port: number): string {
  const suffix = `-${port}-${shortHash(`${gns}/${service}/${port}`)}`;
  return toDnsLabel(`${gns}-${service}`, 63 - suffix.length) + suffix;
}

/** Trims `text` to a DNS-1123 label stem of at most `max` characters (no trailing dash). */
function toDnsLabel(text: string, max: number): string {
  const stem = text.slice(0, max).replace(/-+$/, "");
  if (!isDnsLabel(stem)) throw new Error(`internal: cannot make a DNS label from "${text}"`);
  return stem;
}

/** The label keys of `ownershipLabels`, for readers of written objects (audits, `check --existing`). */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const GLOBAL_NAMESPACE_LABEL = "globalmesh.io/global-namespace";
export const SERVICE_LABEL = "globalmesh.io/service";

/** Labels on every object globalmesh writes, so `kubectl get … -l` finds them; per-service objects name the service. */
export function ownershipLabels(gns: string, service?: string): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: "globalmesh",
    [GLOBAL_NAMESPACE_LABEL]: gns,
    ...(service !== undefined && { [SERVICE_LABEL]: service }),
  };
}
