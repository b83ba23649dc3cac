/**
 * The TLS a proxy originates towards a destination (DestinationRule settings, pilot's `MergeTrafficPolicy` and
 * `GetPortLevelTrafficPolicy`, or auto mTLS) and the checks of a handshake.
 */
import { objectKey } from "../../../sdk/src/mesh";
import { ClientTLSSettings, DestinationRuleObject } from "../../../sdk/src/mesh/istio/types";
import { ClientTls } from "./types";

/** A traffic policy as Istio reads it: also a top-level `tls`, which globalmesh never writes but a rule may have. */
interface PolicyLike {
  tls?: ClientTLSSettings;
  portLevelSettings?: { port: { number: number }; tls?: ClientTLSSettings }[];
}

export interface TlsLookup {
  /** Settings from the rules; absent: none set it (auto mTLS applies). */
  settings?: ClientTLSSettings;
  from?: string;
  /** False when the route names a subset no rule defines (Envoy has no such cluster). */
  subsetFound: boolean;
}

/**
 * The TLS settings for (subset, port) from the merged rules of one scope: the first top-level traffic policy, its
 * port-level entry for the port replacing it; then the subset's policy over it, and the subset's port-level entry
 * for the port replacing that.
 */
export function tlsFromRules(
  rules: readonly DestinationRuleObject[],
  subset: string | undefined,
  port: number,
): TlsLookup {
  const top = rules.find((r) => r.spec.trafficPolicy);
  let settings: ClientTLSSettings | undefined;
  let from: string | undefined;
  if (top) {
    settings = atPort(top.spec.trafficPolicy as PolicyLike, port);
    from = objectKey(top);
  }
  if (subset === undefined) return { settings, ...(settings && { from }), subsetFound: true };
  const owner = rules.find((r) => r.spec.subsets?.some((s) => s.name === subset));
  const found = owner?.spec.subsets?.find((s) => s.name === subset);
  if (!owner || !found) return { subsetFound: false };
  const policy = found.trafficPolicy as PolicyLike | undefined;
  if (policy) {
    const level = policy.portLevelSettings?.find((l) => l.port.number === port);
    const subsetTls = level ? level.tls : policy.tls;
    if (level || policy.tls) {
      settings = subsetTls;
      from = objectKey(owner);
    }
  }
  return { settings, ...(settings && { from }), subsetFound: true };
}

/** A policy's TLS for a port: the port-level entry replaces the whole policy (even when it sets no TLS). */
function atPort(policy: PolicyLike, port: number): ClientTLSSettings | undefined {
  const level = policy.portLevelSettings?.find((l) => l.port.number === port);
  return level ? level.tls : policy.tls;
}

/**
 * What the proxy originates: the rules' settings, else auto mTLS (ISTIO_MUTUAL when the endpoint runs a sidecar,
 * plain text otherwise). ISTIO_MUTUAL without an `sni` sends the cluster name `outbound_.<port>_.<subset>_.<host>`.
 */
export function clientTls(
  lookup: TlsLookup,
  destination: { host: string; port: number; subset?: string },
  endpointHasSidecar: boolean,
): ClientTls {
  const s = lookup.settings;
  const mode = s?.mode ?? (endpointHasSidecar ? "ISTIO_MUTUAL" : "DISABLE");
  const sni =
    s?.sni ??
    (mode === "ISTIO_MUTUAL"
      ? `outbound_.${destination.port}_.${destination.subset ?? ""}_.${destination.host}`
      : undefined);
  return {
    mode,
    ...(sni !== undefined && { sni }),
    expectedServer: s?.subjectAltNames ?? [],
    from: s ? (lookup.from ?? "DestinationRule") : "auto mTLS",
  };
}

/** The certificate's URI SAN for a principal. */
export function spiffe(principal: string): string {
  return `spiffe://${principal}`;
}
