import { isPlainObject } from "./fields";
import { CLUSTER_DNS_SUFFIX, GATEWAY_NAMESPACE } from "./gateways";
import { API_NETWORKING, AuthorizationPolicyObject, CLUSTER_LABEL, GatewayObject, Server } from "./istio/types";
import { GLOBAL_NAMESPACE_LABEL, MANAGED_BY_LABEL, passthroughGatewayName, SERVICE_LABEL } from "./names";
import { MeshObject } from "./objects";

/**
 * The audit's reading of east-west wiring: the passthrough Gateway (`AUTO_PASSTHROUGH`) is required there, so its
 * host list is checked instead of the server being flagged as open. The gateway checks no identity: it routes any
 * caller that can reach it by the SNI the caller names, `outbound_.<port>_._.<service>.<namespace>.svc.cluster.local`.
 * So its hosts must be exactly `*.<namespace>.svc.cluster.local` of the GlobalNamespace's namespaces that callers in
 * other clusters are sent to, and every service there must check its callers at its pods (an ALLOW policy).
 */

export type AddFinding = (o: MeshObject<unknown>, what: string, why: string, severity?: "error" | "warning") => void;

export interface EastWestAuditContext {
  cluster: string;
  /** This cluster's objects. */
  list: readonly MeshObject<unknown>[];
  /**
   * Per GlobalNamespace, the namespaces of this cluster that other clusters' callers are sent to, each with the
   * calling clusters (`sentTo`, read from the audited objects or from the compiled wiring).
   */
  needed: (gns: string) => ReadonlyMap<string, readonly string[]>;
  /** The GlobalNamespace's namespaces in this cluster; undefined: told from its objects' exportTo. */
  members: (gns: string) => readonly string[] | undefined;
  /** The objects are every object of the wiring, so what is absent is missing (not a partial dump). */
  complete: boolean;
}

/** Istio's outbound SNI, what an `AUTO_PASSTHROUGH` server routes by; undefined for any other name. */
export function parseOutboundSni(sni: string): { port: number; service: string; namespace: string } | undefined {
  const m = /^outbound_\.(\d+)_\._\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(sni);
  return m ? { port: Number(m[1]), service: m[2], namespace: m[3] } : undefined;
}

/** `*.<namespace>.svc.cluster.local` → namespace; undefined for any other host. */
function hostNamespace(host: string): string | undefined {
  const m = /^\*\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host.slice(host.indexOf("/") + 1));
  return m?.[1];
}

function passthroughHost(namespace: string): string {
  return `*.${namespace}.${CLUSTER_DNS_SUFFIX}`;
}

/** The server's hosts: each one namespace of the GlobalNamespace that callers in other clusters are sent to. */
export function passthroughServer(
  g: GatewayObject,
  s: Partial<Server>,
  at: string,
  ctx: EastWestAuditContext,
  add: AddFinding,
): void {
  const gns = g.metadata.labels?.[GLOBAL_NAMESPACE_LABEL];
  const hosts = (Array.isArray(s.hosts) ? s.hosts : []).map(String);
  const members = gns === undefined ? [] : membersOf(gns, ctx);
  const needed = gns === undefined ? new Map<string, string[]>() : ctx.needed(gns);
  const routes =
    "the gateway terminates nothing and checks no identity: it sends any caller that reaches it to the Service the SNI names (outbound_.<port>_._.<service>.<namespace>.svc.cluster.local)";
  if (hosts.length === 0) add(g, `${at}: AUTO_PASSTHROUGH with no hosts`, `${routes}; give it the namespaces served`);
  for (const h of hosts) {
    const ns = hostNamespace(h);
    if (ns === undefined)
      add(
        g,
        `${at}: host "${h}" is not one namespace (*.<namespace>.${CLUSTER_DNS_SUFFIX})`,
        `${routes}, so every Service it matches (namespaces outside the GlobalNamespace included) is reachable from any workload on the mesh's root; list the namespaces served, one host each`,
      );
    else if (!members.includes(ns))
      add(
        g,
        `${at}: host "${h}": namespace ${ns} is not in GlobalNamespace ${gns ?? "(unlabelled)"} in cluster ${ctx.cluster}`,
        `${routes}: the Services of ${ns}, which the GlobalNamespace never exported, become reachable from other clusters; remove the host`,
      );
    else if (!needed.has(ns))
      add(
        g,
        `${at}: host "${h}": no member cluster's callers are sent to namespace ${ns} here`,
        `${routes}: the host opens ${ns}'s Services to other clusters with no path declared through it; remove the host`,
      );
  }
}

/** What the passthrough needs in this cluster and is missing: its Gateway, a host, an ALLOW policy on a service's pods. */
export function eastWestCoverage(ctx: EastWestAuditContext, add: AddFinding): void {
  if (!ctx.complete) return;
  for (const gns of globalNamespacesOf(ctx.list)) {
    const needed = ctx.needed(gns);
    if (needed.size === 0) continue;
    const servers = ctx.list
      .filter((o): o is GatewayObject => o.kind === "Gateway" && o.metadata.labels?.[GLOBAL_NAMESPACE_LABEL] === gns)
      .flatMap((g) => (Array.isArray(g.spec.servers) ? g.spec.servers : []).map((s) => ({ g, s })))
      .filter(({ s }) => s?.tls?.mode === "AUTO_PASSTHROUGH");
    const covered = new Set(
      servers.flatMap(({ s }) => (s.hosts ?? []).map(String)).flatMap((h) => hostNamespace(h) ?? []),
    );
    for (const [ns, from] of needed) {
      if (covered.has(ns)) continue;
      add(
        servers[0]?.g ?? missingPassthrough(gns, ctx.list),
        servers.length === 0
          ? `GlobalNamespace ${gns} has no AUTO_PASSTHROUGH Gateway in cluster ${ctx.cluster}, which callers in ${from.join(", ")} are sent to for namespace ${ns}`
          : `no AUTO_PASSTHROUGH server admits ${passthroughHost(ns)}, which callers in ${from.join(", ")} are sent to`,
        `the east-west gateway refuses their connections: the calls fail; add the host ${passthroughHost(ns)} (render again)`,
      );
    }
    const allowed = podAllows(ctx.list, gns);
    for (const se of servedEntries(gns, ctx.list)) {
      if (!needed.has(se.namespace)) continue;
      if (allowed.has(`${se.namespace}/${se.service}`)) continue;
      add(
        se.object,
        `no ALLOW AuthorizationPolicy on the pods of ${se.service} (namespace ${se.namespace}), which other clusters reach through the passthrough gateway`,
        `the gateway checks no identity, so nothing checks who calls: any workload of any cluster on the mesh's root reaches ${se.service} by naming it in the SNI; render again (east-west mode writes one per service)`,
      );
    }
  }
}

/** The passthrough Gateway a finding names when there is none: in the gateways' namespace, where its entries are. */
function missingPassthrough(gns: string, list: readonly MeshObject<unknown>[]): GatewayObject {
  const entry = list.find((o) => o.kind === "ServiceEntry" && o.metadata.labels?.[GLOBAL_NAMESPACE_LABEL] === gns);
  return {
    apiVersion: API_NETWORKING,
    kind: "Gateway",
    metadata: {
      name: passthroughGatewayName(gns),
      namespace: entry?.metadata.namespace ?? GATEWAY_NAMESPACE,
      labels: {},
      annotations: {},
    },
    spec: { selector: {}, servers: [] },
  };
}

/**
 * The GlobalNamespace's namespaces in this cluster: given, or told from its objects (the exportTo of its entries, the
 * namespaces of its pod policies and PeerAuthentications), the gateways' left out.
 */
function membersOf(gns: string, ctx: EastWestAuditContext): readonly string[] {
  const given = ctx.members(gns);
  if (given) return given;
  const own = ctx.list.filter((o) => o.metadata.labels?.[GLOBAL_NAMESPACE_LABEL] === gns);
  const gateways = new Set(own.filter((o) => o.kind === "Gateway").map((o) => o.metadata.namespace));
  const exported = own.flatMap((o) => {
    const e = (o.spec as { exportTo?: unknown }).exportTo;
    return Array.isArray(e) ? e.map(String) : [];
  });
  // A namespace that runs services but calls none is in no exportTo; its pod policies and mTLS policy are there.
  const policed = own
    .filter((o) => o.kind === "AuthorizationPolicy" || o.kind === "PeerAuthentication")
    .map((o) => o.metadata.namespace);
  return [...new Set([...exported, ...policed])].filter((ns) => ns !== "*" && ns !== "." && !gateways.has(ns));
}

/**
 * Where callers are sent, read once for every cluster: per GlobalNamespace, per destination cluster, the namespaces
 * its callers elsewhere reach (each with the calling clusters). A caller is sent to `<service>.<namespace>` of a
 * cluster when its DestinationRule has that outbound SNI for a host whose ServiceEntry has an endpoint of that cluster.
 */
export function sentTo(
  callers: ReadonlyMap<string, readonly MeshObject<unknown>[]>,
): (gns: string, cluster: string) => ReadonlyMap<string, readonly string[]> {
  const index = new Map<string, Map<string, Map<string, string[]>>>();
  for (const [caller, objects] of callers) {
    const entries = new Map<string, MeshObject<unknown>>();
    for (const o of objects) {
      const gns = o.metadata.labels?.[GLOBAL_NAMESPACE_LABEL];
      if (o.kind === "ServiceEntry" && gns && Array.isArray(o.spec.hosts))
        for (const h of o.spec.hosts) entries.set(`${gns}\u0000${String(h)}`, o);
    }
    for (const dr of objects) {
      const gns = dr.metadata.labels?.[GLOBAL_NAMESPACE_LABEL];
      if (dr.kind !== "DestinationRule" || !gns) continue;
      const entry = entries.get(`${gns}\u0000${String((dr.spec as { host?: unknown }).host)}`);
      const endpoints =
        entry?.kind === "ServiceEntry" && Array.isArray(entry.spec.endpoints) ? entry.spec.endpoints : [];
      const owners = endpoints.flatMap((e) => {
        const owner = e?.labels?.[CLUSTER_LABEL];
        return owner && owner !== caller && !isLocal(e.address) ? [owner] : [];
      });
      const namespaces = snisOf(dr.spec).flatMap((sni) => parseOutboundSni(sni)?.namespace ?? []);
      const byCluster = index.get(gns) ?? new Map<string, Map<string, string[]>>();
      index.set(gns, byCluster);
      for (const owner of owners)
        for (const ns of namespaces) {
          const byNamespace = byCluster.get(owner) ?? new Map<string, string[]>();
          byCluster.set(owner, byNamespace);
          const from = byNamespace.get(ns) ?? [];
          if (!from.includes(caller)) byNamespace.set(ns, [...from, caller].sort());
        }
    }
  }
  const none = new Map<string, string[]>();
  return (gns, cluster) => index.get(gns)?.get(cluster) ?? none;
}

/** Every `tls.sni` of a DestinationRule: the whole rule's and each port's. */
function snisOf(spec: unknown): string[] {
  if (!isPlainObject(spec) || !isPlainObject(spec.trafficPolicy)) return [];
  const policy = spec.trafficPolicy;
  const levels = [policy, ...(Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : [])];
  return levels.flatMap((l) =>
    isPlainObject(l) && isPlainObject(l.tls) && typeof l.tls.sni === "string" ? [l.tls.sni] : [],
  );
}

function isLocal(address: unknown): boolean {
  return typeof address === "string" && address.endsWith(`.${CLUSTER_DNS_SUFFIX}`);
}

function globalNamespacesOf(list: readonly MeshObject<unknown>[]): string[] {
  const names = list.flatMap((o) =>
    o.metadata.labels?.[MANAGED_BY_LABEL] === "globalmesh" && o.metadata.labels[GLOBAL_NAMESPACE_LABEL]
      ? [o.metadata.labels[GLOBAL_NAMESPACE_LABEL]]
      : [],
  );
  return [...new Set(names)].sort();
}

/** The services this cluster runs, told by their ServiceEntry's local endpoint `<service>.<namespace>.svc.cluster.local`. */
function servedEntries(gns: string, list: readonly MeshObject<unknown>[]) {
  return list.flatMap((o) => {
    if (o.kind !== "ServiceEntry" || o.metadata.labels?.[GLOBAL_NAMESPACE_LABEL] !== gns) return [];
    const endpoints = Array.isArray(o.spec.endpoints) ? o.spec.endpoints : [];
    return endpoints.flatMap((e) => {
      const parts = typeof e?.address === "string" && isLocal(e.address) ? e.address.split(".") : [];
      return parts.length === 5 ? [{ object: o, service: parts[0], namespace: parts[1] }] : [];
    });
  });
}

/**
 * `<namespace>/<service>` of the services with an ALLOW policy of the GlobalNamespace on their pods: in the service's
 * namespace, labelled with the service, selecting pods by labels.
 */
function podAllows(list: readonly MeshObject<unknown>[], gns: string): Set<string> {
  const out = new Set<string>();
  for (const o of list) {
    if (o.kind !== "AuthorizationPolicy") continue;
    const labels = o.metadata.labels ?? {};
    if (labels[GLOBAL_NAMESPACE_LABEL] !== gns || labels[SERVICE_LABEL] === undefined) continue;
    // Read defensively: a policy from a dump may lack any field.
    const spec = o.spec as Partial<AuthorizationPolicyObject["spec"]>;
    const match = spec.selector?.matchLabels;
    if ((spec.action ?? "ALLOW") === "ALLOW" && isPlainObject(match) && Object.keys(match).length > 0)
      out.add(`${o.metadata.namespace}/${labels[SERVICE_LABEL]}`);
  }
  return out;
}
