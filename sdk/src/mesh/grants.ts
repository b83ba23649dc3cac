import { principal } from "./gateways";
import { GlobalService, MeshModel, ResolvedCluster, ResolvedSource, ResolvedTarget } from "./model";
import { callingNamespaces } from "./scope";
import { PolicyAction } from "./spec";

/**
 * Who may call a global service, from where: the access policies flattened into grants, one per (policy target,
 * source, cluster the source applies in). The wiring compiler turns them into AuthorizationPolicies: in tunnel mode at
 * the caller's egress gateway (the last place the caller's identity is visible), at the owner's ingress gateway (per
 * calling cluster) and at the service's pods (local callers, and HTTP rules); in east-west mode at the service's pods
 * only, where every caller arrives as itself.
 */
export interface Grant {
  /** The access policy it comes from; absent for an unrestricted service's member namespaces. */
  policy?: string;
  /** The cluster the callers are in. */
  cluster: string;
  /** The callers, as an AuthorizationPolicy source: a namespace, or the principals of some service accounts. */
  source: { namespaces: string[] } | { principals: string[] };
  /** Ports of the service (real port numbers) the grant covers. */
  ports: number[];
  /** The policy named the ports: pod-side rules must say which. */
  portsNamed: boolean;
  methods?: string[];
  paths?: string[];
}

/**
 * A service is restricted when an ALLOW policy targets it or the GlobalNamespace denies by default: only its grants
 * reach it. Otherwise every mapped namespace of every member cluster does (of namespaces declaring calls, those that
 * call it).
 */
export function isRestricted(mesh: MeshModel<unknown>, service: GlobalService): boolean {
  return (
    mesh.defaultDeny || mesh.policies.some((p) => p.action === PolicyAction.ALLOW && targets(p.to, service).length)
  );
}

/**
 * Who may call the service; `inCluster`: only the callers in that cluster (the compiler asks per cluster, and
 * building every cluster's grants there would cost clusters² per service).
 */
export function allowGrants(mesh: MeshModel<unknown>, service: GlobalService, inCluster?: string): Grant[] {
  if (isRestricted(mesh, service)) {
    const grants = grantsOf(mesh, service, PolicyAction.ALLOW);
    return inCluster === undefined ? grants : grants.filter((g) => g.cluster === inCluster);
  }
  const clusters = inCluster === undefined ? mesh.clusters : mesh.clusters.filter((c) => c.name === inCluster);
  return clusters.flatMap((c) => {
    // The namespaces that may call it: every mapped one, unless the namespaces declare their calls (scope.ts).
    const namespaces = callingNamespaces(c, service.name);
    if (namespaces.length === 0) return [];
    return [{ cluster: c.name, source: { namespaces }, ports: service.ports.map((p) => p.number), portsNamed: false }];
  });
}

/** Who is explicitly denied (DENY policies). */
export function denyGrants(mesh: MeshModel<unknown>, service: GlobalService): Grant[] {
  return grantsOf(mesh, service, PolicyAction.DENY);
}

function grantsOf(mesh: MeshModel<unknown>, service: GlobalService, action: PolicyAction): Grant[] {
  const grants: Grant[] = [];
  for (const policy of mesh.policies.filter((p) => p.action === action))
    for (const target of targets(policy.to, service))
      for (const source of policy.from)
        for (const cluster of mesh.clusters.filter((c) => source.clusters.includes(c.name)))
          grants.push({
            policy: policy.name,
            cluster: cluster.name,
            source: sourceIn(cluster, source),
            ports: target.ports,
            portsNamed: target.portsNamed,
            ...(target.methods && { methods: target.methods }),
            ...(target.paths && { paths: target.paths }),
          });
  return grants;
}

function targets(to: ResolvedTarget[], service: GlobalService): ResolvedTarget[] {
  return to.filter((t) => t.service === service.name);
}

/** A whole namespace by name; service accounts by their principals in the cluster's trust domain. */
function sourceIn(cluster: ResolvedCluster<unknown>, source: ResolvedSource): Grant["source"] {
  return source.serviceAccounts
    ? { principals: source.serviceAccounts.map((sa) => principal(cluster.trustDomain, source.namespace, sa)) }
    : { namespaces: [source.namespace] };
}

/** True when the grant carries HTTP rules (methods or paths), which only the service's pods can check. */
export function hasHttpRules(g: Grant): boolean {
  return g.methods !== undefined || g.paths !== undefined;
}

/** Grants from clusters that do not run the service: they reach its pods through its owner's ingress gateway. */
export function isRemote(g: Grant, service: GlobalService): boolean {
  return !service.clusters.includes(g.cluster);
}
