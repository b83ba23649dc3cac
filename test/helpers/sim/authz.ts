/**
 * Istio's AuthorizationPolicy evaluation, as the proxies enforce it (istio.io "Authorization Policy" reference and
 * the security concept page; pilot/pkg/security/authz/model for the TCP cases):
 *
 * 1. any DENY policy with a matching rule denies;
 * 2. no ALLOW policy applies to the workload: allowed;
 * 3. a matching rule in any ALLOW policy: allowed;
 * 4. otherwise denied.
 *
 * A rule matches when some `from` source, some `to` operation and every `when` condition match (an absent list
 * matches anything; a policy without rules never matches). Values match exactly, by prefix (`abc*`), suffix (`*abc`)
 * or presence (`*`: any non-empty value); ports and `destination.port` exactly.
 *
 * On a TCP hop (no `http` in the request) HTTP-only fields cannot be evaluated: an ALLOW rule that has any is ignored
 * (it never matches: a narrower allow), and a DENY rule is evaluated without them (a wider deny) — pilot's
 * `checkError`.
 */
import { MeshObject } from "../../../sdk/src/mesh";
import { PolicyTrace } from "./types";

/**
 * The fields of an AuthorizationPolicy the evaluator reads: wider than what globalmesh writes (the compiler's
 * AuthorizationPolicyObject fits), so Istio's documented examples can be written as they are.
 */
export interface AuthzPolicy {
  metadata: { name: string; namespace: string };
  spec: {
    selector?: { matchLabels?: Record<string, string> };
    action?: "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";
    rules?: AuthzRule[];
  };
}

export interface AuthzRule {
  from?: { source?: AuthzSource }[];
  to?: { operation?: AuthzOperation }[];
  when?: { key: string; values?: string[]; notValues?: string[] }[];
}

export interface AuthzSource {
  principals?: string[];
  notPrincipals?: string[];
  namespaces?: string[];
  notNamespaces?: string[];
  requestPrincipals?: string[];
  notRequestPrincipals?: string[];
}

export interface AuthzOperation {
  ports?: string[];
  notPorts?: string[];
  hosts?: string[];
  notHosts?: string[];
  methods?: string[];
  notMethods?: string[];
  paths?: string[];
  notPaths?: string[];
}

/** What the enforcing proxy knows about one request. */
export interface AuthzRequest {
  /** The peer's principal (`<td>/ns/<ns>/sa/<sa>`) from its mTLS certificate; absent for plain text. */
  principal?: string;
  /** `connection.sni`: the TLS server name the peer sent. */
  sni?: string;
  /** The port the proxy received the connection on (a workload's target port). */
  port: number;
  /** Present when the proxy handles the port as HTTP (HTTP, HTTP2, gRPC); absent: a TCP hop. */
  http?: {
    method: string;
    path: string;
    host?: string;
    /** Lower-case header names. */
    headers?: Record<string, string>;
    /** The request's JWT, if one was validated: `<iss>/<sub>` and its claims. */
    requestPrincipal?: string;
    claims?: Record<string, string>;
  };
}

export interface AuthzDecision {
  allowed: boolean;
  reason: string;
  policies: PolicyTrace[];
}

/** The policies that apply to a workload: its namespace's (selector ⊆ labels, or none) and the root namespace's. */
export function policiesFor(
  objects: readonly (MeshObject | AuthzPolicyObjectLike)[],
  namespace: string,
  labels: Record<string, string>,
  rootNamespace = "istio-system",
): AuthzPolicy[] {
  return objects
    .filter((o): o is AuthzPolicyObjectLike => o.kind === "AuthorizationPolicy")
    .filter((o) => o.metadata.namespace === namespace || o.metadata.namespace === rootNamespace)
    .filter((o) => selects(o.spec.selector?.matchLabels, labels));
}

/** An AuthorizationPolicy among other objects (anything with this kind). */
export type AuthzPolicyObjectLike = AuthzPolicy & { kind: "AuthorizationPolicy" };

/** A label selector: every key/value in `selector` is on the workload; an absent or empty selector selects all. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

export function evaluate(policies: readonly AuthzPolicy[], request: AuthzRequest): AuthzDecision {
  for (const p of policies) {
    const action = p.spec.action ?? "ALLOW";
    if (action !== "ALLOW" && action !== "DENY")
      throw new Error(`simulator: ${action} AuthorizationPolicy ${ref(p)} is not modelled`);
  }
  const denies = policies.filter((p) => p.spec.action === "DENY");
  const allows = policies.filter((p) => (p.spec.action ?? "ALLOW") === "ALLOW");
  const traces = [...denies, ...allows].map((p) => trace(p, request));
  const deny = traces.slice(0, denies.length).find((t) => t.matchedRule !== undefined);
  if (deny)
    return {
      allowed: false,
      reason: `denied by DENY policy ${deny.policy} rule ${deny.matchedRule}`,
      policies: traces,
    };
  if (allows.length === 0) return { allowed: true, reason: "no ALLOW policy applies", policies: traces };
  const allow = traces.slice(denies.length).find((t) => t.matchedRule !== undefined);
  if (allow) return { allowed: true, reason: `allowed by ${allow.policy} rule ${allow.matchedRule}`, policies: traces };
  return {
    allowed: false,
    reason: `no ALLOW rule matched (${allows.map(ref).join(", ")}) for ${describe(request)}`,
    policies: traces,
  };
}

function trace(p: AuthzPolicy, request: AuthzRequest): PolicyTrace {
  const action = p.spec.action ?? "ALLOW";
  const tcp = !request.http;
  let tcpAdjusted = false;
  let matchedRule: number | undefined;
  for (const [i, rule] of (p.spec.rules ?? []).entries()) {
    if (tcp && hasHttpFields(rule)) {
      tcpAdjusted = true;
      if (action === "ALLOW") continue; // the rule is ignored: never matches
    }
    if (matchedRule === undefined && ruleMatches(tcp ? withoutHttpFields(rule) : rule, request)) matchedRule = i;
  }
  return {
    policy: ref(p),
    action,
    ...(matchedRule !== undefined && { matchedRule }),
    ...(tcpAdjusted && { tcpAdjusted }),
  };
}

function ruleMatches(rule: AuthzRule, request: AuthzRequest): boolean {
  const from = rule.from ?? [];
  const to = rule.to ?? [];
  return (
    (from.length === 0 || from.some((f) => sourceMatches(f.source ?? {}, request))) &&
    (to.length === 0 || to.some((t) => operationMatches(t.operation ?? {}, request))) &&
    (rule.when ?? []).every((c) => conditionMatches(c, request))
  );
}

function sourceMatches(s: AuthzSource, r: AuthzRequest): boolean {
  const principal = r.principal ?? "";
  return (
    field(s.principals, s.notPrincipals, principal) &&
    field(s.namespaces, s.notNamespaces, namespaceOf(principal)) &&
    field(s.requestPrincipals, s.notRequestPrincipals, r.http?.requestPrincipal ?? "")
  );
}

function operationMatches(o: AuthzOperation, r: AuthzRequest): boolean {
  const port = String(r.port);
  return (
    field(o.ports, o.notPorts, port, exact) &&
    field(o.hosts, o.notHosts, (r.http?.host ?? "").toLowerCase(), (v, a) => matches(v.toLowerCase(), a)) &&
    field(o.methods, o.notMethods, r.http?.method ?? "") &&
    field(o.paths, o.notPaths, r.http?.path ?? "")
  );
}

function conditionMatches(c: { key: string; values?: string[]; notValues?: string[] }, r: AuthzRequest): boolean {
  const header = /^request\.headers\[(.+)\]$/.exec(c.key);
  const claim = /^request\.auth\.claims\[(.+)\]$/.exec(c.key);
  const actual =
    c.key === "connection.sni"
      ? (r.sni ?? "")
      : c.key === "source.principal"
        ? (r.principal ?? "")
        : c.key === "source.namespace"
          ? namespaceOf(r.principal ?? "")
          : c.key === "destination.port"
            ? String(r.port)
            : header
              ? (r.http?.headers?.[header[1].toLowerCase()] ?? "")
              : claim
                ? (r.http?.claims?.[claim[1]] ?? "")
                : c.key === "request.auth.principal"
                  ? (r.http?.requestPrincipal ?? "")
                  : undefined;
  if (actual === undefined) throw new Error(`simulator: condition key ${c.key} is not modelled`);
  return field(c.values, c.notValues, actual, c.key === "destination.port" ? exact : matches);
}

/** Values (any matches) and notValues (none matches); an absent list imposes nothing. */
function field(
  values: string[] | undefined,
  notValues: string[] | undefined,
  actual: string,
  match: (v: string, actual: string) => boolean = matches,
): boolean {
  if (values?.length && !values.some((v) => match(v, actual))) return false;
  if (notValues?.length && notValues.some((v) => match(v, actual))) return false;
  return true;
}

/** Istio's string match: `*` presence (non-empty), `abc*` prefix, `*abc` suffix, else exact. */
export function matches(pattern: string, actual: string): boolean {
  if (pattern === "*") return actual !== "";
  if (pattern.endsWith("*")) return actual.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return actual.endsWith(pattern.slice(1));
  return pattern === actual;
}

function exact(pattern: string, actual: string): boolean {
  return pattern === actual;
}

/** The namespace of a principal `<td>/ns/<ns>/sa/<sa>` (Istio derives `source.namespace` from it). */
export function namespaceOf(principal: string): string {
  return /\/ns\/([^/]+)\/sa\//.exec(principal)?.[1] ?? "";
}

const HTTP_OPERATION_FIELDS = ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"] as const;
const HTTP_SOURCE_FIELDS = ["requestPrincipals", "notRequestPrincipals"] as const;

function isHttpCondition(key: string): boolean {
  return key.startsWith("request.");
}

function hasHttpFields(rule: AuthzRule): boolean {
  return (
    (rule.from ?? []).some((f) => HTTP_SOURCE_FIELDS.some((k) => f.source?.[k]?.length)) ||
    (rule.to ?? []).some((t) => HTTP_OPERATION_FIELDS.some((k) => t.operation?.[k]?.length)) ||
    (rule.when ?? []).some((c) => isHttpCondition(c.key))
  );
}

/** The rule as a DENY on a TCP hop sees it: HTTP-only fields dropped. */
function withoutHttpFields(rule: AuthzRule): AuthzRule {
  const omit = <T extends object>(o: T | undefined, keys: readonly string[]): T =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => !keys.includes(k))) as T;
  return {
    ...(rule.from && { from: rule.from.map((f) => ({ source: omit(f.source, HTTP_SOURCE_FIELDS) })) }),
    ...(rule.to && { to: rule.to.map((t) => ({ operation: omit(t.operation, HTTP_OPERATION_FIELDS) })) }),
    ...(rule.when && { when: rule.when.filter((c) => !isHttpCondition(c.key)) }),
  };
}

function ref(p: AuthzPolicy): string {
  return `${p.metadata.namespace}/${p.metadata.name}`;
}

function describe(r: AuthzRequest): string {
  const parts = [
    `principal ${r.principal ?? "(none: plain text)"}`,
    ...(r.sni ? [`sni ${r.sni}`] : []),
    `port ${r.port}`,
    ...(r.http ? [`${r.http.method} ${r.http.path}`] : ["TCP"]),
  ];
  return parts.join(", ");
}
