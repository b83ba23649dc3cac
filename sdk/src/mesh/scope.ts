import { IssueList } from "./errors";
import { join } from "./fields";
import { matchesPattern } from "./membership";
import { GlobalService, MeshModel, ResolvedCluster } from "./model";
import { nearestNames } from "./nearest";
import { GlobalNamespaceSpec, MemberRule } from "./spec";

/**
 * Dependency scoping: who may call what, from the declared `calls` of services and member rules (and the calls the
 * manifests show). A mapped namespace of a cluster is *declared* when every global service it runs there declares
 * `calls`, and it runs at least one or a rule mapping it says what it calls (`calls`, or `sidecarScope`: the opt-in
 * says it calls no more than listed); it may then call only the union of those. Any other namespace may call anything
 * (the behaviour without declarations). The wiring compiler asks `callingNamespaces` which namespaces of a cluster
 * may call a service: a cluster where none may gets no client objects for it, and the objects it does get are
 * exported only to those namespaces.
 */

/** A namespace that gets an Istio `Sidecar` (`sidecarScope: true`), and the egress hosts its rules add. */
export interface ResolvedSidecar {
  namespace: string;
  /** `extraEgressHosts` of the rules that scope it, sorted, each once. */
  extraEgressHosts: string[];
}

/** The global services namespace `namespace` of `cluster` may call, sorted; undefined: it may call anything. */
export function namespaceCalls(cluster: ResolvedCluster<unknown>, namespace: string): readonly string[] | undefined {
  return cluster.calls?.[namespace];
}

/** The mapped namespaces of `cluster` that may call `service` (all of them unless calls are declared), sorted. */
export function callingNamespaces(cluster: ResolvedCluster<unknown>, service: string): string[] {
  const calls = cluster.calls;
  // The common case, and the hot path at scale: nothing declared, every mapped namespace (the list itself, as before).
  if (!calls) return cluster.namespaces;
  return cluster.namespaces.filter((ns) => calls[ns]?.includes(service) ?? true);
}

/**
 * Whether `cluster` needs client objects for `service`: some mapped namespace of it may call the service. (A member
 * cluster always knows a namespace once it has services: resolveCluster refuses the spec otherwise.)
 */
export function clusterMayCall(cluster: ResolvedCluster<unknown>, service: GlobalService): boolean {
  return callingNamespaces(cluster, service.name).length > 0;
}

/** The indices of the member rules that map this namespace of this cluster and satisfy `which`. */
export function rulesMapping(
  rules: readonly MemberRule[],
  cluster: string,
  namespace: string,
  which: (r: MemberRule) => boolean = () => true,
): number[] {
  return rules.flatMap((r, i) =>
    which(r) && matchesPattern(r.cluster, cluster) && matchesPattern(r.namespace, namespace) ? [i] : [],
  );
}

const scopes = (r: MemberRule) => r.sidecarScope === true;

/** The parts of the spec scoping reads, with the resolved clusters and services. */
interface ScopeInput<A> {
  spec: GlobalNamespaceSpec<A>;
  clusters: ResolvedCluster<A>[];
  services: GlobalService[];
}

/**
 * Resolves `calls` (each names a global service) into the services' `calls`, each cluster's declared namespaces
 * (`calls`) and Sidecars (`sidecars`). `sidecarScope` on a namespace whose calls are not declared is refused: the
 * Sidecar would hide hosts its workloads call. Refusals of a pattern rule are reported once per rule.
 */
export function resolveScopes<A>(issues: IssueList, { spec, clusters, services }: ScopeInput<A>): void {
  const byName = new Map(services.map((s) => [s.name, s]));
  const known = (listed: readonly string[] | undefined, path: string): string[] | undefined => {
    if (!listed) return undefined;
    listed.forEach((callee, j) => {
      if (!byName.has(callee)) issues.add(join(path, j), unknownService(spec, callee, services));
    });
    return [...new Set(listed.filter((c) => byName.has(c)))].sort();
  };
  (spec.services ?? []).forEach((listed, i) => {
    const calls = known(listed.calls, join(join("services", i), "calls"));
    const service = byName.get(listed.name);
    if (service && calls) service.calls = calls;
  });
  const ruleCalls = spec.members.map((r, i) => known(r.calls, join(join("members", i), "calls")));
  // `cluster/namespace` → its services without declared calls, for sidecarScope's refusal.
  const undeclared = new Map<string, string[]>();
  for (const cluster of clusters) {
    const calls: Record<string, string[]> = {};
    for (const ns of cluster.namespaces) {
      const runs = services.filter((s) => s.namespace === ns && s.clusters.includes(cluster.name));
      const missing = runs.filter((s) => !s.calls).map((s) => s.name);
      if (missing.length > 0) {
        undeclared.set(`${cluster.name}/${ns}`, missing);
        continue;
      }
      const rules = rulesMapping(spec.members, cluster.name, ns, (r) => r.calls !== undefined || scopes(r));
      if (runs.length === 0 && rules.length === 0) continue;
      calls[ns] = [...new Set([...runs.flatMap((s) => s.calls ?? []), ...rules.flatMap((i) => ruleCalls[i] ?? [])])];
      calls[ns].sort();
    }
    if (Object.keys(calls).length > 0) cluster.calls = calls;
  }
  resolveSidecars(issues, spec, clusters, services, undeclared);
}

/** Up to this many namespaces are named in one refusal of a pattern rule. */
const NAMED = 5;

/**
 * The Sidecars: each namespace a rule with `sidecarScope: true` maps, whose calls must be declared, with the rules'
 * extra egress hosts. An extra host must not name a global host (`calls` imports those) nor take the gateways'
 * namespace whole.
 */
function resolveSidecars<A>(
  issues: IssueList,
  spec: GlobalNamespaceSpec<A>,
  clusters: ResolvedCluster<A>[],
  services: GlobalService[],
  undeclared: ReadonlyMap<string, string[]>,
): void {
  const extra = new Map<ResolvedCluster<A>, Map<string, Set<string>>>();
  spec.members.forEach((rule, i) => {
    if (!scopes(rule)) return;
    const path = join("members", i);
    const matched = clusters.filter((c) => matchesPattern(rule.cluster, c.name));
    const hosts = acceptedHosts(issues, path, rule.extraEgressHosts ?? [], matched, services);
    const refused: string[] = [];
    for (const cluster of matched)
      for (const ns of cluster.namespaces.filter((n) => matchesPattern(rule.namespace, n))) {
        if (!cluster.calls?.[ns]) {
          const missing = undeclared.get(`${cluster.name}/${ns}`) ?? [];
          refused.push(`namespace ${ns} of cluster ${cluster.name} runs ${missing.join(", ")}`);
          continue;
        }
        const sidecars = extra.get(cluster) ?? new Map<string, Set<string>>();
        const set = sidecars.get(ns) ?? new Set<string>();
        for (const h of hosts) set.add(h);
        sidecars.set(ns, set);
        extra.set(cluster, sidecars);
      }
    if (refused.length > 0) issues.add(join(path, "sidecarScope"), undeclaredMessage(refused));
  });
  for (const [cluster, sidecars] of extra)
    cluster.sidecars = [...sidecars]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([namespace, hosts]) => ({ namespace, extraEgressHosts: [...hosts].sort() }));
}

/** A rule's `extraEgressHosts` but those refused, each refusal once. */
function acceptedHosts<A>(
  issues: IssueList,
  path: string,
  hosts: readonly string[],
  clusters: ResolvedCluster<A>[],
  services: GlobalService[],
): string[] {
  return hosts.filter((h, j) => {
    const [ns, name] = h.split("/");
    const at = join(join(path, "extraEgressHosts"), j);
    const global = services.find((s) => (name.startsWith("*.") ? s.host.endsWith(name.slice(1)) : s.host === name));
    if (global) {
      issues.add(
        at,
        `"${h}" names ${name === global.host ? "the global host" : "global hosts such as"} ${global.host}; list global services in calls instead (members[].calls or services[].calls), which imports their hosts from the gateways' namespace, where their ServiceEntries live, and gives the cluster their objects`,
      );
      return false;
    }
    const gateways = clusters.filter((c) => c.gateways.namespace === ns && name === "*").map((c) => c.name);
    if (gateways.length > 0) {
      issues.add(
        at,
        `"${h}" imports the gateways' namespace of cluster${gateways.length === 1 ? "" : "s"} ${gateways.join(", ")} whole: the Sidecar already imports from there the global hosts the namespace calls, and the rest there is the gateways' own Services and the wiring of hosts it does not call; list global services in calls instead (members[].calls or services[].calls)`,
      );
      return false;
    }
    return true;
  });
}

function undeclaredMessage(undeclared: string[]): string {
  const shown = undeclared.slice(0, NAMED).join("; ");
  const more = undeclared.length > NAMED ? ` (and ${undeclared.length - NAMED} more namespaces)` : "";
  return `${shown}${more} without declared calls, so a Sidecar would hide global hosts they may call; give each its calls (services[].calls, [] when it calls none), or drop sidecarScope`;
}

function unknownService<A>(spec: GlobalNamespaceSpec<A>, name: string, services: GlobalService[]): string {
  if (spec.members.some((r) => r.excludeServices?.includes(name)))
    return `"${name}" is kept out of the GlobalNamespace (excludeServices), so it has no global name to call; drop it from calls`;
  const known = services.map((s) => s.name);
  const near = nearestNames(name, known, 5);
  const shown = near.length > 0 ? `did you mean ${near.join(", ")}?` : `they are ${known.slice(0, 5).join(", ")}`;
  const more = known.length > 5 ? ` (${known.length} in all)` : "";
  return `unknown service "${name}": calls name global services of this GlobalNamespace; ${shown}${more}`;
}

/** A call the manifests show: a workload of `namespace` in `cluster` names `service`'s global host. */
export interface FoundCall {
  cluster: string;
  namespace: string;
  service: string;
}

/**
 * Adds the calls the manifests show to the declared namespaces (whose Sidecar would otherwise hide a host a workload
 * there is seen calling). An undeclared namespace may call anything already, and stays undeclared.
 */
export function addFoundCalls<A>(model: MeshModel<A>, found: readonly FoundCall[]): void {
  for (const f of found) {
    const cluster = model.clusters.find((c) => c.name === f.cluster);
    const calls = cluster?.calls?.[f.namespace];
    if (!cluster?.calls || !calls || calls.includes(f.service)) continue;
    cluster.calls[f.namespace] = [...calls, f.service].sort();
  }
}
