import {
  API_SECURITY,
  AuthorizationOperation,
  AuthorizationPolicyObject,
  AuthorizationRule,
  AuthorizationSource,
  ObjectMeta,
  PeerAuthenticationObject,
} from "./types";

/** The condition a gateway matches a tunnel with: the TLS server name the caller asked for. */
export const SNI_KEY = "connection.sni";

/**
 * A gateway's policy for one service's tunnels. ALLOW with one rule per grant; with no grant, DENY on exactly these
 * tunnel names. A gateway is shared by every GlobalNamespace of its cluster, so nothing here is workload-wide: with
 * any ALLOW on the gateway a tunnel no rule matches is refused, and the DENY covers only this service's names.
 */
export function tunnelPolicy(
  metadata: ObjectMeta,
  selector: Record<string, string>,
  rules: AuthorizationRule[],
  tunnels: string[],
): AuthorizationPolicyObject {
  const spec =
    rules.length > 0
      ? { selector: { matchLabels: selector }, action: "ALLOW" as const, rules }
      : { selector: { matchLabels: selector }, action: "DENY" as const, rules: [{ when: [sniIn(tunnels)] }] };
  return { apiVersion: API_SECURITY, kind: "AuthorizationPolicy", metadata, spec };
}

/** A policy on a workload (a gateway, or a service's pods). An ALLOW with no rules admits nothing. */
export function authorizationPolicy(
  metadata: ObjectMeta,
  selector: Record<string, string>,
  action: "ALLOW" | "DENY",
  rules: AuthorizationRule[],
): AuthorizationPolicyObject {
  return {
    apiVersion: API_SECURITY,
    kind: "AuthorizationPolicy",
    metadata,
    spec: { selector: { matchLabels: selector }, action, rules: dedupe(rules) },
  };
}

/** Callers `source`, on these tunnel names. */
export function tunnelRule(source: AuthorizationSource, tunnels: string[]): AuthorizationRule {
  return { from: [{ source }], when: [sniIn(tunnels)] };
}

/** Callers `source`, doing `operation` (absent: anything). */
export function workloadRule(source: AuthorizationSource, operation?: AuthorizationOperation): AuthorizationRule {
  return { from: [{ source }], ...(operation && { to: [{ operation }] }) };
}

function sniIn(tunnels: string[]): { key: string; values: string[] } {
  return { key: SNI_KEY, values: tunnels };
}

/** Identical rules (two policies granting the same) are written once. */
export function dedupe(rules: AuthorizationRule[]): AuthorizationRule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Namespace-wide STRICT mTLS: the namespace's sidecars refuse plain text. */
export function strictMtls(metadata: ObjectMeta): PeerAuthenticationObject {
  return { apiVersion: API_SECURITY, kind: "PeerAuthentication", metadata, spec: { mtls: { mode: "STRICT" } } };
}
