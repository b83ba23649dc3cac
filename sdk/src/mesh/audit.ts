import { isPlainObject, Plain } from "./fields";
import { CLUSTER_DNS_SUFFIX, EAST_WEST_GATEWAY_RELEASE, gatewaySelector } from "./gateways";
import {
  API_NETWORKING,
  API_SECURITY,
  AuthorizationPolicyObject,
  AuthorizationRule,
  ClientTLSSettings,
  DestinationRuleObject,
  GatewayObject,
  PeerAuthenticationObject,
  Server,
  TrafficPolicy,
} from "./istio/types";
import {
  AddFinding,
  eastWestCoverage,
  EastWestAuditContext,
  parseOutboundSni,
  passthroughServer,
  sentTo,
} from "./auditEastWest";
import { SNI_KEY } from "./istio/authorization";
import { GLOBAL_NAMESPACE_LABEL, MANAGED_BY_LABEL } from "./names";
import { MeshObject, objectKey } from "./objects";
import { MeshMode } from "./spec";
import { sidecarHidingHosts } from "./existingSidecars";
import { foreignSidecar } from "./sidecars";

/**
 * The audit `globalmesh check` runs on objects: does any of them open a path wider than a spec can declare? A spec
 * names concrete namespaces, accounts and clusters, so the wiring it compiles to never exports to every namespace,
 * never admits a wildcard identity and never leaves a TLS hop without an identity check. The compiler should produce
 * no finding; the audit is the second pair of eyes on it, and on objects edited after rendering. East-west mode's
 * passthrough server is open by design (it routes by SNI and checks no identity): auditEastWest.ts checks its hosts
 * and the policies on the pods behind it instead.
 *
 * Pure: objects in, findings out. Input is read defensively (objects may have been edited by hand), whatever the
 * types say.
 */

/** One object (or one part of it) that opens more than a spec could declare. */
export interface Finding {
  cluster: string;
  /** `Kind/namespace/name`. */
  object: string;
  /** What is too wide, quoting the field and value. */
  what: string;
  /** Why it matters: who gets in that should not (and, for the clusters' prerequisites, the fix). */
  why: string;
  /** `error` fails `check` (exit 2); `warning` is printed only. Absent: error. */
  severity?: "error" | "warning";
}

/** What the audit knows beyond the objects. */
export interface AuditOptions {
  /**
   * Per cluster, per GlobalNamespace, its namespaces there (the model's `namespaces`): an east-west passthrough host
   * must name one of them. Default: told from the GlobalNamespace's objects' `exportTo`.
   */
  members?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /**
   * Every cluster's wiring, read for where callers are sent (an east-west passthrough host must be one they need),
   * when the objects audited are a partial view (`check --existing`: what a dump holds). Given, nothing is reported
   * missing. Default: the objects audited, taken as the whole wiring.
   */
  callers?: ReadonlyMap<string, readonly MeshObject<unknown>[]>;
}

/** Every finding in the objects of every cluster, sorted by cluster, object and what. */
export function auditWiring(
  objects: ReadonlyMap<string, readonly MeshObject<unknown>[]>,
  options: AuditOptions = {},
): Finding[] {
  const out: Finding[] = [];
  const strict = strictGlobalNamespaces(objects);
  const sent = sentTo(options.callers ?? objects);
  const unpinned = new Unpinned();
  for (const [cluster, list] of objects) {
    const add: Add = (o, what, why, severity) =>
      out.push({ cluster, object: objectKey(o), what, why, ...(severity === "warning" && { severity }) });
    const eastWest: EastWestAuditContext = {
      cluster,
      list,
      needed: (gns) => sent(gns, cluster),
      members: (gns) => options.members?.get(cluster)?.get(gns),
      complete: options.callers === undefined,
    };
    for (const o of list) {
      switch (o.kind) {
        case "ServiceEntry":
          exportScope(o, add);
          endpointNetworks(o, add);
          break;
        case "VirtualService":
        case "DestinationRule":
          exportScope(o, add);
          if (o.kind === "DestinationRule") destinationTls(o, add, unpinned.noter(cluster, o));
          break;
        case "AuthorizationPolicy":
          authorization(o, list, add);
          break;
        case "Gateway":
          gatewayServers(o, list, eastWest, add);
          break;
        case "PeerAuthentication":
          peerAuthentication(o, add);
          break;
      }
    }
    missingPeerAuthentication(list, strict, add);
    eastWestCoverage(eastWest, add);
    unmergedDestinationRules(list, add);
  }
  out.push(...unpinned.findings());
  return sortFindings(out);
}

/** Where an outbound SNI's destination identity is not pinned: `<what>, <why>` for the service it names. */
type NoteUnpinned = (service: string, what: string, why: string) => void;

/**
 * Unpinned destination identities, one warning per service however many client clusters and ports show it (a mesh
 * whose manifests are not passed would otherwise give one per cluster per service: 49,000 at 50 × 1000): the first
 * occurrence, with the number of clusters and the first few of them.
 */
class Unpinned {
  private readonly byService = new Map<string, { finding: Finding; clusters: string[] }>();

  noter(cluster: string, o: MeshObject<unknown>): NoteUnpinned {
    return (service, what, why) => {
      const key = `${o.metadata.labels?.[GLOBAL_NAMESPACE_LABEL] ?? ""}/${service}`;
      const seen = this.byService.get(key);
      if (!seen)
        this.byService.set(key, {
          finding: { cluster, object: objectKey(o), what, why, severity: "warning" },
          clusters: [cluster],
        });
      else if (!seen.clusters.includes(cluster)) seen.clusters.push(cluster);
    };
  }

  findings(): Finding[] {
    return [...this.byService.values()].map(({ finding, clusters }) => {
      const others = clusters.filter((c) => c !== finding.cluster);
      if (others.length === 0) return finding;
      const named = others.length <= 3 ? others.join(", ") : `${others.slice(0, 3).join(", ")}, …`;
      const noun = others.length === 1 ? "cluster" : "clusters";
      return { ...finding, what: `${finding.what} (the same in ${others.length} more ${noun}: ${named})` };
    });
  }
}

type Add = AddFinding;

/**
 * Selector-less DestinationRules on one host in one namespace are merged by istiod only when their exportTo is equal
 * (pilot mergeDestinationRule, ENABLE_ENHANCED_DESTINATIONRULE_MERGE on by default); otherwise a proxy that sees
 * several keeps one, and the subsets of the others vanish for it (calls to them fail: no healthy upstream).
 */
function unmergedDestinationRules(list: readonly MeshObject<unknown>[], add: Add): void {
  const groups = new Map<string, DestinationRuleObject[]>();
  for (const o of list) {
    if (o.kind !== "DestinationRule" || !isPlainObject(o.spec) || o.spec.workloadSelector) continue;
    const key = `${o.metadata.namespace}/${String(o.spec.host)}`;
    const group = groups.get(key);
    if (group) group.push(o);
    else groups.set(key, [o]);
  }
  // Read defensively: objects edited by hand may lack exportTo.
  const audience = (o: DestinationRuleObject): string[] => {
    const exportTo = (o.spec as { exportTo?: unknown }).exportTo;
    return [...new Set(Array.isArray(exportTo) ? exportTo.map(String) : [])].sort();
  };
  // Only a proxy that sees both rules loses subsets. The rules' own namespace is left out: it is the gateways', whose
  // proxies never send through a rule on the egress gateway's host (two GlobalNamespaces' rules both reach it).
  const sharedAudience = (a: string[], b: string[], own: string): string[] => {
    const wide = (x: string[]) => x.length === 0 || x.includes("*");
    const shared = wide(a) ? b : wide(b) ? a : a.filter((ns) => b.includes(ns));
    return wide(a) && wide(b) ? ["*"] : shared.filter((ns) => ns !== own && ns !== ".");
  };
  for (const rules of groups.values()) {
    rules.forEach((o, i) => {
      for (const other of rules.slice(0, i)) {
        const [mine, theirs] = [audience(o), audience(other)];
        if (mine.join(",") === theirs.join(",")) continue;
        const shared = sharedAudience(mine, theirs, o.metadata.namespace);
        if (shared.length === 0) continue;
        add(
          o,
          `DestinationRules on one host in one namespace with different exportTo: host ${o.spec.host} in ${o.metadata.namespace}, exportTo [${mine.join(",")}] here and [${theirs.join(",")}] in ${objectKey(other)}, both seen from ${shared.join(", ")}`,
          "istiod merges rules on the same host only when their exportTo is equal, so a proxy that sees both keeps one and loses the other's subsets: its calls through them fail (no healthy upstream); give them the same exportTo",
        );
        return;
      }
    });
  }
}

function hostsOf(o: MeshObject<unknown>): string {
  const spec = o.spec as { hosts?: unknown; host?: unknown };
  const hosts = Array.isArray(spec.hosts) ? spec.hosts.map(String) : typeof spec.host === "string" ? [spec.host] : [];
  return hosts.length > 0 ? hosts.join(", ") : "its hosts";
}

/** exportTo must list concrete namespaces: "*", or none at all (Istio's default, every namespace), is too wide. */
function exportScope(o: MeshObject<unknown>, add: Add): void {
  const exportTo = (o.spec as { exportTo?: unknown }).exportTo;
  const list = Array.isArray(exportTo) ? exportTo.map(String) : [];
  const what = !Array.isArray(exportTo)
    ? "exportTo is absent"
    : list.length === 0
      ? "exportTo is empty"
      : list.includes("*")
        ? `exportTo contains "*"`
        : undefined;
  if (!what) return;
  const everyone = "Istio then exports it to every namespace of the cluster";
  const hosts = hostsOf(o);
  const effect =
    o.kind === "ServiceEntry"
      ? `a namespace outside the GlobalNamespace resolves ${hosts} and reaches its endpoints`
      : o.kind === "VirtualService"
        ? `proxies of namespaces outside the GlobalNamespace route ${hosts} by it`
        : `proxies of namespaces outside the GlobalNamespace use its TLS settings (SNI, subsets) for ${hosts}, the tunnel's keys to the remote cluster`;
  add(o, what, `${list.includes("*") ? "every namespace of the cluster sees it" : everyone}: ${effect}`);
}

/**
 * A ServiceEntry endpoint with a network (the `network` field, or the `topology.istio.io/network` label): once a
 * cluster has a network gateway (an east-west gateway labelled with its network), Istio replaces such an endpoint by
 * its network's gateway for proxies of other networks, or drops it: a known pitfall of multi-network meshes.
 */
function endpointNetworks(o: MeshObject<unknown>, add: Add): void {
  const endpoints = (o.spec as { endpoints?: unknown }).endpoints;
  (Array.isArray(endpoints) ? endpoints : []).forEach((e: unknown, i) => {
    if (!isPlainObject(e)) return;
    const label = isPlainObject(e.labels) ? e.labels["topology.istio.io/network"] : undefined;
    const network = e.network ?? label;
    if (network === undefined) return;
    add(
      o,
      `endpoints[${i}] (${String(e.address)}) has network ${JSON.stringify(network)}${e.network === undefined ? " (label topology.istio.io/network)" : ""}`,
      "Istio then takes it for an endpoint of that network (pilot's EndpointsByNetworkFilter): a proxy of another network is sent to that network's gateway instead, or drops the endpoint where it knows none or the network is outside its view, so calls fail or go astray; globalmesh writes no network on endpoints: remove it",
    );
  });
}

/**
 * A TLS origination with an SNI (a tunnel to another cluster) must check the far end's identity. An Istio outbound
 * SNI (east-west mode) goes through a passthrough gateway to the service's own pods: it must name a port the entry
 * is for, and the pods' identities are pinned when their service accounts are known (a warning per service when not,
 * `unpinned`: the compiler cannot name them, and Istio then checks only that the certificate chains to the root).
 */
function destinationTls(o: DestinationRuleObject, add: Add, unpinned: NoteUnpinned): void {
  const check = (where: string, tls: Partial<ClientTLSSettings> | undefined, port?: number) => {
    if (!tls || (tls.mode !== "ISTIO_MUTUAL" && tls.mode !== "MUTUAL") || !tls.sni) return;
    const outbound = parseOutboundSni(tls.sni);
    if (outbound && port !== undefined && outbound.port !== port)
      add(
        o,
        `${where}: sni "${tls.sni}" names port ${outbound.port}, on the settings of port ${port}`,
        `the east-west gateway routes by the SNI: calls to port ${port} reach port ${outbound.port} of ${outbound.service}.${outbound.namespace}; name the same port`,
      );
    if (Array.isArray(tls.subjectAltNames) && tls.subjectAltNames.length > 0) return;
    if (outbound)
      unpinned(
        `${outbound.service}.${outbound.namespace}`,
        `${where}: ${tls.mode} with sni "${tls.sni}" but no subjectAltNames`,
        `the destination's identity is not pinned: any workload certificate of the shared root that the east-west gateway's SNI route reaches is accepted as ${outbound.service}; pass the manifests of the clusters that run it, so the wiring learns its pods' service accounts and pins them`,
      );
    else
      add(
        o,
        `${where}: ${tls.mode} with sni "${tls.sni}" but no subjectAltNames`,
        `the far end's identity is unchecked: any certificate of the shared root (any gateway or workload of any cluster on it) can answer for ${tls.sni} and receive the traffic`,
      );
  };
  const policy = (where: string, p: Partial<TrafficPolicy> & { tls?: ClientTLSSettings }) => {
    check(`${where}tls`, p.tls);
    (Array.isArray(p.portLevelSettings) ? p.portLevelSettings : []).forEach((l, i) =>
      check(`${where}portLevelSettings[${i}] (port ${l?.port?.number ?? "?"}) tls`, l?.tls, l?.port?.number),
    );
  };
  const spec = o.spec as Partial<DestinationRuleObject["spec"]>;
  if (isPlainObject(spec.trafficPolicy)) policy("trafficPolicy.", spec.trafficPolicy);
  (Array.isArray(spec.subsets) ? spec.subsets : []).forEach((s, i) => {
    if (isPlainObject(s?.trafficPolicy)) policy(`subsets[${i}] (${String(s.name)}) trafficPolicy.`, s.trafficPolicy);
  });
}

const isWildcard = (v: string) => v.startsWith("*") || v.endsWith("*");

/**
 * `<trustDomain>/ns/<namespace>/sa/*`: every account of one namespace of one trust domain, what east-west mode's pod
 * policies name the member namespaces by. As exact as `namespaces: [<namespace>]`, and bound to the trust domain.
 */
const isNamespacePrincipal = (v: string) => /^[^*/]+\/ns\/[^*/]+\/sa\/\*$/.test(v);
const isWildcardPrincipal = (v: string) => isWildcard(v) && !isNamespacePrincipal(v);

/** ALLOW rules: every rule names its callers, by exact identities; at a gateway, it names the tunnels too. */
function authorization(o: AuthorizationPolicyObject, list: readonly MeshObject<unknown>[], add: Add): void {
  const spec = o.spec as Partial<AuthorizationPolicyObject["spec"]>;
  if (spec.action !== undefined && spec.action !== "ALLOW") return; // DENY closes paths; it never opens one
  const atGateway = gatewaysSelected(o, list).length > 0;
  (Array.isArray(spec.rules) ? spec.rules : []).forEach((rule: Partial<AuthorizationRule> | null, i) => {
    const r = rule ?? {};
    const at = `rules[${i}]`;
    const from = Array.isArray(r.from) ? r.from : [];
    if (from.length === 0)
      add(
        o,
        `${at} (ALLOW) has no "from"`,
        "it admits any caller: a workload of any namespace, of any cluster on the same root",
      );
    from.forEach((f, j) => {
      const source: Plain = isPlainObject(f?.source) ? f.source : {};
      const principals = Array.isArray(source.principals) ? source.principals.map(String) : [];
      const namespaces = Array.isArray(source.namespaces) ? source.namespaces.map(String) : [];
      if (principals.length === 0 && namespaces.length === 0)
        add(
          o,
          `${at}.from[${j}].source names no principals or namespaces`,
          "it admits any caller: the caller's identity is not checked",
        );
      // At a gateway the callers are other gateways, each by its own account: a whole namespace is too wide there.
      for (const p of principals.filter(atGateway ? isWildcard : isWildcardPrincipal))
        add(
          o,
          `${at}.from[${j}].source.principals contains "${p}"`,
          "the wildcard admits identities the spec never named: any account of any namespace it matches, in any cluster of the trust domain",
        );
      for (const n of namespaces.filter(isWildcard))
        add(
          o,
          `${at}.from[${j}].source.namespaces contains "${n}"`,
          "the wildcard admits namespaces the spec never named: a namespace outside the GlobalNamespace matches it",
        );
    });
    const sni = (Array.isArray(r.when) ? r.when : []).filter((c) => c?.key === SNI_KEY);
    if (atGateway && sni.length === 0)
      add(
        o,
        `${at} (ALLOW, at a gateway) has no ${SNI_KEY} condition`,
        "its callers get every tunnel the gateway serves, those of other services and other GlobalNamespaces included",
      );
    for (const c of sni)
      for (const v of (Array.isArray(c.values) ? c.values : []).map(String).filter(isWildcard))
        add(
          o,
          `${at}: ${SNI_KEY} value "${v}" is a wildcard`,
          "it admits its callers to tunnels of services (or ports) the rule was not written for",
        );
  });
}

/** The Gateways (same namespace) whose pods an AuthorizationPolicy's selector selects. */
function gatewaysSelected(o: AuthorizationPolicyObject, list: readonly MeshObject<unknown>[]): GatewayObject[] {
  return list.filter(
    (g): g is GatewayObject =>
      g.kind === "Gateway" && g.metadata.namespace === o.metadata.namespace && selects(o, g.spec.selector),
  );
}

/** Does the policy apply to every pod that carries `labels`? No selector: every workload of its namespace. */
function selects(o: AuthorizationPolicyObject, labels: Readonly<Record<string, string>> | undefined): boolean {
  const match = (o.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ?? {};
  return Object.entries(match).every(([k, v]) => labels?.[k] === v);
}

/** Server TLS modes that check no caller identity, and what that lets in. */
const OPEN_SERVERS: Partial<Record<string, string>> = {
  SIMPLE: "the gateway asks for no client certificate: any caller that reaches it gets in, without an identity",
  OPTIONAL_MUTUAL: "a client certificate is optional: a caller without one gets in, without an identity",
  PASSTHROUGH: "the gateway passes TLS through without terminating it: it checks no caller identity",
};

/** Gateway servers: mutual TLS, and the caller's identity checked (by SANs, or per SNI by an AuthorizationPolicy). */
function gatewayServers(
  o: GatewayObject,
  list: readonly MeshObject<unknown>[],
  eastWest: EastWestAuditContext,
  add: Add,
): void {
  const servers = Array.isArray(o.spec.servers) ? o.spec.servers : [];
  servers.forEach((server: Partial<Server> | null, i) => {
    const s = server ?? {};
    const hosts = (Array.isArray(s.hosts) ? s.hosts : []).map(String);
    const at = `servers[${i}] (port ${s.port?.number ?? "?"}, hosts ${hosts.join(", ") || "none"})`;
    // East-west mode's passthrough: required, open by design; its hosts are what decides who is reachable.
    if (s.tls?.mode === "AUTO_PASSTHROUGH") return passthroughServer(o, s, at, eastWest, add);
    for (const h of hosts.filter((h) => isWildcard(dnsName(h))))
      add(
        o,
        `${at}: host "${h}" is a wildcard`,
        "the server admits server names the spec never declared: its callers reach every host the gateway routes",
      );
    const mode = s.tls?.mode;
    const why = mode === undefined ? "plain text: no TLS, so no caller identity at all" : OPEN_SERVERS[mode];
    if (why) {
      add(o, `${at}: tls ${mode === undefined ? "absent" : `mode ${mode}`}`, why);
      return;
    }
    if (mode !== "ISTIO_MUTUAL" && mode !== "MUTUAL") return;
    if (Array.isArray(s.tls?.subjectAltNames) && s.tls.subjectAltNames.length > 0) return;
    const open =
      "any certificate of the mesh's root opens it: a workload of any namespace, or of any cluster on the same root, can call the gateway directly with that server name";
    const cover = new Map(hosts.map((h) => [h, sniCover(o, dnsName(h), list)] as const));
    const none = hosts.filter((h) => cover.get(h) === "none");
    const unchecked = hosts.filter((h) => cover.get(h) === "unchecked");
    if (none.length > 0)
      add(
        o,
        `${at}: ${mode} without subjectAltNames, and no AuthorizationPolicy on its gateway admits ${none.join(", ")} by ${SNI_KEY}`,
        open,
      );
    if (unchecked.length > 0)
      add(
        o,
        `${at}: ${mode} without subjectAltNames, and the AuthorizationPolicy rules that admit ${unchecked.join(", ")} by ${SNI_KEY} name no exact caller`,
        "nothing checks its callers exactly: the handshake takes any certificate of the mesh's root, and the policy admits callers the spec never named (its own finding says which)",
      );
  });
}

/** A Gateway host is `[namespace/]name`. */
function dnsName(host: string): string {
  const slash = host.indexOf("/");
  return slash === -1 ? host : host.slice(slash + 1);
}

/**
 * How an AuthorizationPolicy on the gateway's pods checks the callers of a server name: "checked" when an ALLOW rule
 * for that SNI names its callers by exact identities, or a DENY rule for it matches every caller; "unchecked" when
 * the only ALLOW rules for it admit any caller (no "from", a source without principals or namespaces, a wildcard:
 * the rule's own finding says which); "none" when no policy names it.
 */
function sniCover(
  g: GatewayObject,
  sni: string,
  list: readonly MeshObject<unknown>[],
): "checked" | "unchecked" | "none" {
  let cover: "unchecked" | "none" = "none";
  for (const p of list) {
    if (p.kind !== "AuthorizationPolicy" || p.metadata.namespace !== g.metadata.namespace) continue;
    if (!selects(p, g.spec.selector)) continue;
    const action = p.spec.action ?? "ALLOW";
    for (const r of (Array.isArray(p.spec.rules) ? p.spec.rules : []) as (Partial<AuthorizationRule> | null)[]) {
      const names = (Array.isArray(r?.when) ? r.when : [])
        .filter((c) => c?.key === SNI_KEY)
        .flatMap((c) => (Array.isArray(c.values) ? c.values.map(String) : []));
      if (!names.some((v) => sniMatches(v, sni))) continue;
      const from = Array.isArray(r?.from) ? r.from : [];
      if (action === "DENY") {
        if (from.length === 0) return "checked";
      } else if (action === "ALLOW") {
        if (from.length > 0 && from.every(namesExactCallers)) return "checked";
        cover = "unchecked";
      }
    }
  }
  return cover;
}

/** A rule source that names its callers: principals or namespaces, none of them a wildcard. */
function namesExactCallers(f: unknown): boolean {
  const source: Plain = isPlainObject(f) && isPlainObject(f.source) ? f.source : {};
  const values = [source.principals, source.namespaces].flatMap((v) => (Array.isArray(v) ? v.map(String) : []));
  return values.length > 0 && !values.some(isWildcard);
}

/** Istio's string match: exact, `*` alone, `prefix*` or `*suffix`. */
function sniMatches(value: string, sni: string): boolean {
  if (value === "*") return true;
  if (value.endsWith("*")) return sni.startsWith(value.slice(0, -1));
  if (value.startsWith("*")) return sni.endsWith(value.slice(1));
  return value === sni;
}

/** globalmesh writes PeerAuthentications only for `mtls: STRICT`: one of ours in any other mode is too wide. */
function peerAuthentication(o: PeerAuthenticationObject, add: Add): void {
  if (o.metadata.labels?.[MANAGED_BY_LABEL] !== "globalmesh") return;
  const mode = (o.spec as { mtls?: { mode?: string } }).mtls?.mode;
  if (mode === "STRICT") return;
  add(
    o,
    `mtls mode ${mode ?? "absent"} (globalmesh writes only STRICT)`,
    "the namespace's sidecars accept plain text: a caller outside the mesh reaches its pods without an identity, and no AuthorizationPolicy principal can hold",
  );
}

/** GlobalNamespaces whose wiring carries a STRICT PeerAuthentication somewhere: their spec says mtls STRICT. */
function strictGlobalNamespaces(objects: ReadonlyMap<string, readonly MeshObject<unknown>[]>): Set<string> {
  const out = new Set<string>();
  for (const list of objects.values())
    for (const o of list) {
      const gns = o.metadata.labels?.[GLOBAL_NAMESPACE_LABEL];
      if (o.kind === "PeerAuthentication" && o.metadata.labels?.[MANAGED_BY_LABEL] === "globalmesh" && gns)
        if ((o.spec as { mtls?: { mode?: string } }).mtls?.mode === "STRICT") out.add(gns);
    }
  return out;
}

/**
 * A namespace that runs a service of a STRICT GlobalNamespace (a ServiceEntry's local endpoint
 * `<service>.<namespace>.svc.cluster.local`) needs a namespace-wide STRICT PeerAuthentication. Told from the objects
 * alone: a GlobalNamespace with a STRICT PeerAuthentication anywhere is STRICT everywhere.
 */
function missingPeerAuthentication(list: readonly MeshObject<unknown>[], strict: Set<string>, add: Add): void {
  const covered = new Set(
    list
      .filter(
        (o) =>
          o.kind === "PeerAuthentication" &&
          (o.spec as { mtls?: { mode?: string } }).mtls?.mode === "STRICT" &&
          !(o.spec as { selector?: unknown }).selector,
      )
      .map((o) => o.metadata.namespace),
  );
  for (const o of list) {
    const gns = o.metadata.labels?.[GLOBAL_NAMESPACE_LABEL];
    if (o.kind !== "ServiceEntry" || !gns || !strict.has(gns)) continue;
    for (const e of Array.isArray(o.spec.endpoints) ? o.spec.endpoints : []) {
      const ns = typeof e?.address === "string" ? localNamespace(e.address) : undefined;
      if (ns === undefined || covered.has(ns)) continue;
      add(
        o,
        `namespace ${ns} runs ${hostsOf(o)} but has no namespace-wide STRICT PeerAuthentication, while GlobalNamespace ${gns} is STRICT`,
        "its sidecars accept plain text: a caller outside the mesh reaches the pods without an identity, and no AuthorizationPolicy principal can hold",
      );
    }
  }
}

/** `<service>.<namespace>.svc.cluster.local` → namespace. */
function localNamespace(address: string): string | undefined {
  const suffix = `.${CLUSTER_DNS_SUFFIX}`;
  if (!address.endsWith(suffix)) return undefined;
  const parts = address.slice(0, -suffix.length).split(".");
  return parts.length === 2 ? parts[1] : undefined;
}

function sortFindings(findings: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.cluster}\u0000${f.object}\u0000${f.what}`;
  return findings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// Objects already in the clusters (`check --existing`).

/**
 * Objects already in the clusters that the compiled ones would collide with: one of the same kind, namespace and
 * name not owned by the GlobalNamespace that writes ours (applying would take it over), and a namespace-wide
 * PeerAuthentication not ours where we write one (Istio honours only the oldest namespace-wide policy of a
 * namespace, so one of the two is ignored). `existing` is plain parsed YAML; `List` objects are unpacked.
 */
export function auditExisting(
  ours: ReadonlyMap<string, readonly MeshObject<unknown>[]>,
  existing: ReadonlyMap<string, readonly unknown[]>,
): Finding[] {
  const out: Finding[] = [];
  for (const [cluster, found] of existing) {
    const mine = ours.get(cluster) ?? [];
    const byKey = new Map(mine.map((o) => [objectKey(o), o] as const));
    const namespaceWide = new Map(
      mine
        .filter((o) => o.kind === "PeerAuthentication" && !(o.spec as { selector?: unknown }).selector)
        .map((o) => [o.metadata.namespace, o] as const),
    );
    const sidecars = new Map(mine.filter((o) => o.kind === "Sidecar").map((o) => [o.metadata.namespace, o] as const));
    for (const e of flatten(found)) {
      const theirs = existingObject(e);
      if (!theirs) continue;
      const sidecarClash = sidecarCollision(e, sidecars) ?? sidecarHidingHosts(e, mine);
      if (sidecarClash) out.push({ cluster, ...sidecarClash });
      const key = `${theirs.kind}/${theirs.namespace}/${theirs.name}`;
      const same = byKey.get(key);
      if (same && sameGroup(theirs.apiVersion, same.apiVersion)) {
        const gns = same.metadata.labels[GLOBAL_NAMESPACE_LABEL];
        if (!ownedBy(theirs.labels, gns))
          out.push({
            cluster,
            object: key,
            what: `exists already, ${owner(theirs.labels)}; GlobalNamespace ${gns} writes an object of that name`,
            why: "applying the rendered objects would take it over and replace what it says; rename or remove the existing object, or check that it is this GlobalNamespace's own from another tool",
          });
        continue;
      }
      const ourPolicy = namespaceWide.get(theirs.namespace);
      if (theirs.kind !== "PeerAuthentication" || !ourPolicy || !sameGroup(theirs.apiVersion, ourPolicy.apiVersion))
        continue;
      if (!isNamespaceWide(theirs.spec)) continue;
      const gns = ourPolicy.metadata.labels[GLOBAL_NAMESPACE_LABEL];
      if (ownedBy(theirs.labels, gns)) continue;
      const mode = isPlainObject(theirs.spec.mtls) ? String(theirs.spec.mtls.mode ?? "unset") : "unset";
      out.push({
        cluster,
        object: key,
        what: `a namespace-wide PeerAuthentication (mtls ${mode}) already exists in namespace ${theirs.namespace}, ${owner(theirs.labels)}, where GlobalNamespace ${gns} writes ${objectKey(ourPolicy)}`,
        why: "Istio honours only the oldest namespace-wide PeerAuthentication of a namespace, so one of the two is ignored; remove the existing one, or keep it and set mtls: PERMISSIVE in the spec so globalmesh writes none",
      });
    }
  }
  return sortFindings(out);
}

/**
 * A selector-less Sidecar that is not ours, in a namespace where we write one: Istio honours only one per namespace,
 * so one of the two is ignored (`sidecarScope`).
 */
function sidecarCollision(
  e: unknown,
  ours: ReadonlyMap<string, MeshObject<unknown>>,
): Pick<Finding, "object" | "what" | "why"> | undefined {
  for (const [namespace, sidecar] of ours) {
    const gns = sidecar.metadata.labels[GLOBAL_NAMESPACE_LABEL];
    const theirs = gns === undefined ? undefined : foreignSidecar(e, gns);
    if (!theirs || theirs.namespace !== namespace || theirs.name === sidecar.metadata.name) continue;
    return {
      object: `Sidecar/${theirs.namespace}/${theirs.name}`,
      what: `a Sidecar without workloadSelector already exists in namespace ${namespace}, where GlobalNamespace ${gns} writes ${objectKey(sidecar)} (sidecarScope)`,
      why: "Istio honours only one selector-less Sidecar per namespace (the oldest), so the scope or the existing Sidecar is ignored; fold its egress hosts into the rule's extraEgressHosts and remove it, or drop sidecarScope for this namespace",
    };
  }
  return undefined;
}

/** The kinds globalmesh writes, and their API version (the group is what must match). */
const WRITTEN_KINDS: ReadonlyMap<string, string> = new Map([
  ["ServiceEntry", API_NETWORKING],
  ["VirtualService", API_NETWORKING],
  ["DestinationRule", API_NETWORKING],
  ["Gateway", API_NETWORKING],
  ["AuthorizationPolicy", API_SECURITY],
  ["PeerAuthentication", API_SECURITY],
  ["Sidecar", API_NETWORKING],
]);

/**
 * globalmesh's own objects among those already in the clusters (label `app.kubernetes.io/managed-by: globalmesh`, of
 * a kind it writes), per cluster, as `auditWiring` reads them: what `check --existing` audits for objects edited after
 * rendering. Every GlobalNamespace's are kept, as the audit's rules read objects together (an AuthorizationPolicy
 * checks a Gateway's callers). `List` objects are unpacked; a namespace left out is `default`, as kubectl applies it.
 */
export function managedObjects(existing: ReadonlyMap<string, readonly unknown[]>): Map<string, MeshObject<unknown>[]> {
  const out = new Map<string, MeshObject<unknown>[]>();
  for (const [cluster, found] of existing) {
    const ours = flatten(found).flatMap((e): MeshObject<unknown>[] => {
      const o = existingObject(e);
      const api = o && WRITTEN_KINDS.get(o.kind);
      if (!o || !api || !sameGroup(o.apiVersion, api) || o.labels[MANAGED_BY_LABEL] !== "globalmesh") return [];
      const object = {
        apiVersion: o.apiVersion ?? api,
        kind: o.kind,
        metadata: { name: o.name, namespace: o.namespace, labels: o.labels },
        spec: o.spec,
      };
      // Shaped like a compiled object, but read from a file: the audit checks every field it reads.
      return [object as unknown as MeshObject<unknown>];
    });
    out.set(cluster, [...(out.get(cluster) ?? []), ...ours]);
  }
  return out;
}

interface ExistingObject {
  apiVersion?: string;
  kind: string;
  namespace: string;
  name: string;
  labels: Record<string, unknown>;
  spec: Plain;
}

/** `kubectl get -o yaml` gives a `List` (or `<Kind>List`) with `items`: unpack them. */
function flatten(found: readonly unknown[]): unknown[] {
  return found.flatMap((o) =>
    isPlainObject(o) && typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items)
      ? flatten(o.items)
      : [o],
  );
}

/** Kind, namespace (default `default`, as kubectl applies it) and name of a parsed object; undefined if it has none. */
function existingObject(o: unknown): ExistingObject | undefined {
  if (!isPlainObject(o) || typeof o.kind !== "string" || !isPlainObject(o.metadata)) return undefined;
  const { name, namespace, labels } = o.metadata;
  if (typeof name !== "string") return undefined;
  return {
    ...(typeof o.apiVersion === "string" && { apiVersion: o.apiVersion }),
    kind: o.kind,
    namespace: typeof namespace === "string" && namespace !== "" ? namespace : "default",
    name,
    labels: isPlainObject(labels) ? labels : {},
    spec: isPlainObject(o.spec) ? o.spec : {},
  };
}

/** Same API group (`networking.istio.io/v1beta1` is the same resource as `…/v1`; a Gateway API `Gateway` is not). */
function sameGroup(theirs: string | undefined, ours: string): boolean {
  if (theirs === undefined) return true;
  const group = (v: string) => (v.includes("/") ? v.slice(0, v.indexOf("/")) : "");
  return group(theirs) === group(ours);
}

function isNamespaceWide(spec: Plain): boolean {
  const selector = spec.selector;
  if (!isPlainObject(selector)) return true;
  return !isPlainObject(selector.matchLabels) || Object.keys(selector.matchLabels).length === 0;
}

function ownedBy(labels: Record<string, unknown>, gns: string | undefined): boolean {
  return labels[MANAGED_BY_LABEL] === "globalmesh" && labels[GLOBAL_NAMESPACE_LABEL] === gns;
}

function owner(labels: Record<string, unknown>): string {
  if (labels[MANAGED_BY_LABEL] !== "globalmesh") return "not managed by globalmesh";
  const gns = labels[GLOBAL_NAMESPACE_LABEL];
  return typeof gns === "string" ? `owned by GlobalNamespace ${gns}` : "managed by globalmesh for no GlobalNamespace";
}

// What the clusters need before the wiring works (`check --existing`, like `istioctl analyze`).

/** What the prerequisites audit needs to know of a member cluster (from the resolved model). */
export interface ClusterPrerequisites {
  name: string;
  /** The GlobalNamespace's mode: `east-west` needs an east-west gateway instead of an egress gateway. Default tunnel. */
  mode?: MeshMode;
  gateways: {
    namespace: string;
    ingressSelector: Record<string, string>;
    egressSelector: Record<string, string>;
    /** In-cluster DNS name of the egress gateway Service. */
    egressService: string;
    /** Labels of the east-west gateway pods (east-west mode). Default `{istio: eastwestgateway}`. */
    eastWestSelector?: Record<string, string>;
  };
}

const DNS_CAPTURE = "ISTIO_META_DNS_CAPTURE";
const ISTIO_SYSTEM = "istio-system";

/**
 * Checks the objects already in each cluster against what the wiring needs there: an egress gateway (a Service of
 * that name, or a workload with its labels, in the gateways' namespace; in east-west mode the east-west gateway
 * instead), DNS capture on (the global hosts resolve only through the sidecar's DNS proxy), no DestinationRule in an
 * application namespace whose host covers the egress gateway (Istio prefers the caller's namespace's rule, so the
 * wiring's subsets would vanish; tunnel mode only), and no other Gateway on the same pods holding one of the wiring's
 * ports (443; 15443 in east-west mode) with hosts that overlap the wiring's. What the objects given cannot show (no egress
 * gateway, no mesh config among them) is a warning, and only looked for when they hold Services, workloads or
 * ConfigMaps (a dump of what runs, not Istio objects alone); a conflict they show is an error.
 */
export function auditPrerequisites(
  clusters: readonly ClusterPrerequisites[],
  ours: ReadonlyMap<string, readonly MeshObject<unknown>[]>,
  existing: ReadonlyMap<string, readonly unknown[]>,
): Finding[] {
  const out: Finding[] = [];
  for (const c of clusters) {
    const found = existing.get(c.name);
    if (!found) continue;
    const objects = flatten(found)
      .map((o) => ({ raw: o, o: existingObject(o) }))
      .filter((x): x is { raw: unknown; o: ExistingObject } => x.o !== undefined);
    // Absence is told only from a dump of what runs (Services, workloads, ConfigMaps), not from Istio objects alone.
    const eastWest = c.mode === MeshMode.EAST_WEST;
    if (objects.some(({ o }) => ["Service", "ConfigMap", ...WORKLOAD_KINDS].includes(o.kind))) {
      if (eastWest) eastWestGateway(c, objects, out);
      else egressGateway(c, objects, out);
      dnsCapture(c, objects, out);
    }
    // East-west mode has no egress gateway: no rule can hide its subsets.
    if (!eastWest) egressDestinationRules(c, objects, out);
    gatewayConflicts(c, ours.get(c.name) ?? [], objects, out);
  }
  return sortFindings(out);
}

type Found = { raw: unknown; o: ExistingObject }[];

const WORKLOAD_KINDS = ["Deployment", "DaemonSet", "StatefulSet", "Pod"];

function podLabels(raw: unknown, kind: string): Record<string, unknown> {
  const r = raw as { metadata?: { labels?: unknown }; spec?: { template?: { metadata?: { labels?: unknown } } } };
  const labels = kind === "Pod" ? r?.metadata?.labels : r?.spec?.template?.metadata?.labels;
  return isPlainObject(labels) ? labels : {};
}

function egressGateway(c: ClusterPrerequisites, objects: Found, out: Finding[]): void {
  const { namespace, egressSelector, egressService } = c.gateways;
  const serviceName = egressService.split(".")[0];
  const present = objects.some(
    ({ raw, o }) =>
      o.namespace === namespace &&
      ((o.kind === "Service" && o.name === serviceName) ||
        (WORKLOAD_KINDS.includes(o.kind) &&
          Object.entries(egressSelector).every(([k, v]) => podLabels(raw, o.kind)[k] === v))),
  );
  if (present) return;
  const labels = Object.entries(egressSelector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  out.push({
    cluster: c.name,
    object: `Service/${namespace}/${serviceName}`,
    what: `no egress gateway among the objects given (a Service ${serviceName}, or pods labelled ${labels}, in namespace ${namespace})`,
    why: `every call to another cluster leaves through it; install it (the istio/gateway chart, release ${serviceName}, namespace ${namespace}), or if it runs, give its Service in --existing (kubectl get svc,deploy -n ${namespace} -o yaml)`,
    severity: "warning",
  });
}

/** East-west mode: the gateway other clusters' sidecars reach this cluster's services through. */
function eastWestGateway(c: ClusterPrerequisites, objects: Found, out: Finding[]): void {
  const { namespace } = c.gateways;
  const selector = c.gateways.eastWestSelector ?? gatewaySelector(EAST_WEST_GATEWAY_RELEASE);
  const present = objects.some(
    ({ raw, o }) =>
      o.namespace === namespace &&
      ((o.kind === "Service" && o.name === EAST_WEST_GATEWAY_RELEASE) ||
        (WORKLOAD_KINDS.includes(o.kind) &&
          Object.entries(selector).every(([k, v]) => podLabels(raw, o.kind)[k] === v))),
  );
  if (present) return;
  const labels = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  out.push({
    cluster: c.name,
    object: `Service/${namespace}/${EAST_WEST_GATEWAY_RELEASE}`,
    what: `no east-west gateway among the objects given (a Service ${EAST_WEST_GATEWAY_RELEASE}, or pods labelled ${labels}, in namespace ${namespace})`,
    why: `in east-west mode other clusters reach this cluster's services through it (port 15443); install it (MeshCluster's eastWest: true), or if it runs, give its Service in --existing (kubectl get svc,deploy -n ${namespace} -o yaml)`,
    severity: "warning",
  });
}

/** DNS capture from a mesh config: the `istio` ConfigMap's `mesh` text, or an IstioOperator's meshConfig. */
function dnsCapture(c: ClusterPrerequisites, objects: Found, out: Finding[]): void {
  const configs: { object: string; on: boolean }[] = [];
  for (const { raw, o } of objects) {
    if (o.kind === "ConfigMap" && o.namespace === ISTIO_SYSTEM && /^istio(-.+)?$/.test(o.name)) {
      const data = (raw as { data?: { mesh?: unknown } }).data;
      if (typeof data?.mesh !== "string") continue;
      configs.push({
        object: `ConfigMap/${o.namespace}/${o.name}`,
        on: new RegExp(`${DNS_CAPTURE}["']?\\s*:\\s*["']?true`).test(data.mesh),
      });
    } else if (o.kind === "IstioOperator") {
      const meta = (o.spec as { meshConfig?: { defaultConfig?: { proxyMetadata?: Record<string, unknown> } } })
        .meshConfig?.defaultConfig?.proxyMetadata;
      configs.push({ object: `IstioOperator/${o.namespace}/${o.name}`, on: String(meta?.[DNS_CAPTURE]) === "true" });
    }
  }
  const fix = `set meshConfig.defaultConfig.proxyMetadata.${DNS_CAPTURE}: "true" (and ISTIO_META_DNS_AUTO_ALLOCATE: "true") in the mesh config, then restart the member namespaces' pods`;
  if (configs.length === 0) {
    out.push({
      cluster: c.name,
      object: `ConfigMap/${ISTIO_SYSTEM}/istio`,
      what: "no mesh config among the objects given, so DNS capture cannot be checked",
      why: `the global hosts resolve only through the sidecars' DNS proxy; give the istio ConfigMap in --existing (kubectl get cm istio -n ${ISTIO_SYSTEM} -o yaml), and if it is off, ${fix}`,
      severity: "warning",
    });
    return;
  }
  if (configs.some((x) => x.on)) return;
  for (const x of configs)
    out.push({
      cluster: c.name,
      object: x.object,
      what: `DNS capture is off (${DNS_CAPTURE} is not "true")`,
      why: `the global hosts resolve only through the sidecars' DNS proxy: without it, callers get no address for them; ${fix}`,
      severity: "error",
    });
}

/** Does a DestinationRule host (possibly `*`-prefixed or a short name) cover `fqdn`? */
function hostCovers(host: string, fqdn: string, namespace: string): boolean {
  if (host === "*" || host === fqdn) return true;
  if (host.startsWith("*.")) return fqdn.endsWith(host.slice(1));
  // A short name is completed with the rule's own namespace.
  return !host.includes(".") ? `${host}.${namespace}.svc.cluster.local` === fqdn : `${host}.svc.cluster.local` === fqdn;
}

function egressDestinationRules(c: ClusterPrerequisites, objects: Found, out: Finding[]): void {
  const { namespace, egressService } = c.gateways;
  for (const { o } of objects) {
    if (o.kind !== "DestinationRule" || o.namespace === namespace || o.namespace === ISTIO_SYSTEM) continue;
    if (o.labels[MANAGED_BY_LABEL] === "globalmesh") continue;
    const host = typeof o.spec.host === "string" ? o.spec.host : "";
    if (!host || !hostCovers(host, egressService, o.namespace)) continue;
    out.push({
      cluster: c.name,
      object: `DestinationRule/${o.namespace}/${o.name}`,
      what: `host "${host}" covers the egress gateway ${egressService}`,
      why: `Istio applies the caller's namespace's DestinationRule first, so in namespace ${o.namespace} it hides the wiring's (its subsets, one per remote cluster, vanish and calls to other clusters fail); narrow its host so it does not cover ${egressService}, or set its exportTo so it does not apply there`,
      severity: "error",
    });
  }
}

/** Do two Gateway server hosts (`[namespace/]name`, `*` wildcards) overlap? */
function hostsOverlap(a: string, b: string): boolean {
  const x = dnsName(a);
  const y = dnsName(b);
  if (x === "*" || y === "*" || x === y) return true;
  if (x.startsWith("*.") && y.endsWith(x.slice(1))) return true;
  if (y.startsWith("*.") && x.endsWith(y.slice(1))) return true;
  return false;
}

function gatewayConflicts(
  c: ClusterPrerequisites,
  ours: readonly MeshObject<unknown>[],
  objects: Found,
  out: Finding[],
): void {
  const ourServers = ours
    .filter((o): o is GatewayObject => o.kind === "Gateway")
    .flatMap((g) =>
      (Array.isArray(g.spec.servers) ? g.spec.servers : []).map((s) => ({
        selector: g.spec.selector ?? {},
        port: s.port?.number,
        passthrough: s.tls?.mode === "AUTO_PASSTHROUGH",
        hosts: (s.hosts ?? []).map(String),
      })),
    );
  const ports = new Set(ourServers.map((x) => x.port));
  const sameLabels = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  for (const { o } of objects) {
    if (o.kind !== "Gateway" || !sameGroup(o.apiVersion, API_NETWORKING) || o.labels[MANAGED_BY_LABEL] === "globalmesh")
      continue;
    const selector = isPlainObject(o.spec.selector) ? o.spec.selector : {};
    const servers = Array.isArray(o.spec.servers) ? o.spec.servers : [];
    for (const [i, server] of servers.entries()) {
      const s = isPlainObject(server) ? server : {};
      const port = isPlainObject(s.port) ? Number(s.port.number) : undefined;
      if (port === undefined || !ports.has(port)) continue;
      const hosts = Array.isArray(s.hosts) ? s.hosts.map(String) : [];
      const clash = ourServers.filter(
        (x) =>
          x.port === port &&
          sameLabels(x.selector, selector) &&
          x.hosts.some((h) => hosts.some((t) => hostsOverlap(h, t))),
      );
      if (clash.length === 0) continue;
      const theirs = [...new Set(clash.flatMap((x) => x.hosts.filter((h) => hosts.some((t) => hostsOverlap(h, t)))))];
      out.push({
        cluster: c.name,
        object: `Gateway/${o.namespace}/${o.name}`,
        what: `servers[${i}] holds port ${port} on the same gateway pods with hosts ${hosts.join(", ")}, which cover the wiring's ${theirs.slice(0, 3).join(", ")}${theirs.length > 3 ? ` and ${theirs.length - 3} more` : ""}`,
        why: clash.some((x) => x.passthrough)
          ? `Istio merges the servers of every Gateway on the same pods: of two servers on one port whose hosts overlap, one is rejected, so the passthrough may route names the GlobalNamespace never exported, or refuse its own (Istio's sample cross-network-gateway, hosts *.local, is one such); remove it, or narrow its hosts to namespaces outside the GlobalNamespace`
          : "Istio merges the servers of every Gateway on the same pods: of two servers on one port whose hosts overlap, one is rejected, so a tunnel's handshake may meet the other server's TLS settings; narrow its hosts to names outside the GlobalNamespace's domain, or move it to other gateway pods",
        severity: "error",
      });
    }
  }
}
