import { DiscoveredService } from "./discover";
import { IssueList } from "./errors";
import { join } from "./fields";
import { matchesPattern } from "./membership";
import { GlobalService, ResolvedCluster, ResolvedPolicy, ResolvedSource, ResolvedTarget } from "./model";
import { routeKind } from "./ports";
import { AccessPolicySpec, PolicySource, PolicyTarget } from "./spec";

/**
 * Access policies with their references checked: every source namespace is a known member namespace of a cluster the
 * source applies in, every target a global service with the ports it names, and HTTP rules only on HTTP ports
 * (Istio never matches an HTTP rule on a TCP port). Sorted by name; sources and targets keep the spec's order.
 */
export function resolvePolicies(
  issues: IssueList,
  policies: readonly AccessPolicySpec[],
  clusters: readonly ResolvedCluster<unknown>[],
  services: readonly GlobalService[],
  discovered: readonly DiscoveredService[],
): ResolvedPolicy[] {
  const resolved = policies.map((p, i): ResolvedPolicy => {
    const path = join("policies", i);
    return {
      name: p.name,
      action: p.action,
      from: p.from
        .map((s, j) => resolveSource(issues, join(join(path, "from"), j), s, clusters, services, discovered))
        .filter((s): s is ResolvedSource => s !== undefined),
      to: p.to
        .map((t, k) => resolveTarget(issues, join(join(path, "to"), k), t, services))
        .filter((t): t is ResolvedTarget => t !== undefined),
    };
  });
  return resolved.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function resolveSource(
  issues: IssueList,
  path: string,
  s: PolicySource,
  clusters: readonly ResolvedCluster<unknown>[],
  services: readonly GlobalService[],
  discovered: readonly DiscoveredService[],
): ResolvedSource | undefined {
  const inScope = clusters.filter((c) => s.cluster === undefined || matchesPattern(s.cluster, c.name));
  if (inScope.length === 0) {
    issues.add(
      join(path, "cluster"),
      `"${s.cluster}" matches no member cluster; use one of: ${clusters.map((c) => c.name).join(", ")}`,
    );
    return undefined;
  }
  const where = inScope.filter((c) => c.namespaces.includes(s.namespace)).map((c) => c.name);
  if (where.length === 0) {
    const scope = s.cluster === undefined ? "any member cluster" : `cluster ${s.cluster}`;
    issues.add(
      join(path, "namespace"),
      `namespace ${s.namespace} is not a known member namespace of ${scope}; map it with a member rule, or list it in the cluster's namespaces`,
    );
    return undefined;
  }
  const serviceAccounts =
    s.serviceAccounts ?? (s.service ? serviceAccountsOf(issues, path, s, services, discovered) : undefined);
  if (s.service && !serviceAccounts) return undefined;
  return {
    namespace: s.namespace,
    clusters: where.sort(),
    ...(serviceAccounts && { serviceAccounts: [...new Set(serviceAccounts)].sort() }),
  };
}

/** A source named by its Service: the service accounts of the pods the Service selects, as the manifests show them. */
function serviceAccountsOf(
  issues: IssueList,
  path: string,
  s: PolicySource,
  services: readonly GlobalService[],
  discovered: readonly DiscoveredService[],
): string[] | undefined {
  const known = services.find((g) => g.name === s.service && g.namespace === s.namespace);
  if (!known) {
    const inNamespace = services.filter((g) => g.namespace === s.namespace).map((g) => g.name);
    issues.add(
      join(path, "service"),
      `no global service ${s.service} in namespace ${s.namespace}${inNamespace.length ? `; services there: ${inNamespace.join(", ")}` : ""}; name a service of the namespace, or give its serviceAccounts instead`,
    );
    return undefined;
  }
  const accounts = Object.values(discovered.find((d) => d.name === s.service)?.serviceAccounts ?? {}).flat();
  if (accounts.length === 0) {
    issues.add(
      join(path, "service"),
      `the service accounts of ${s.service}'s pods are unknown (no workload in the manifests matches its selector); pass the workloads' manifests, or give serviceAccounts: [<account>] instead`,
    );
    return undefined;
  }
  return accounts;
}

function resolveTarget(
  issues: IssueList,
  path: string,
  t: PolicyTarget,
  services: readonly GlobalService[],
): ResolvedTarget | undefined {
  const service = services.find((g) => g.name === t.service);
  if (!service) {
    issues.add(
      join(path, "service"),
      `unknown service "${t.service}"; the GlobalNamespace's services are: ${services.map((g) => g.name).join(", ") || "(none)"}`,
    );
    return undefined;
  }
  const numbers = service.ports.map((p) => p.number);
  const unknown = (t.ports ?? []).filter((p) => !numbers.includes(p));
  if (unknown.length > 0) {
    issues.add(
      join(path, "ports"),
      `${service.name} has no port ${unknown.join(", ")}; its ports are ${numbers.join(", ")}`,
    );
    return undefined;
  }
  const ports = t.ports ? [...t.ports].sort((a, b) => a - b) : numbers;
  if (t.methods || t.paths) {
    const notHttp = service.ports.filter((p) => ports.includes(p.number) && routeKind(p.protocol) !== "http");
    if (notHttp.length > 0) {
      issues.add(
        path,
        `methods and paths are HTTP rules, but port ${notHttp.map((p) => `${p.number} (${p.protocol})`).join(", ")} of ${service.name} is not HTTP, where Istio would never match them; limit ports to the HTTP ones, e.g. ports: [${service.ports.filter((p) => routeKind(p.protocol) === "http").map((p) => p.number)[0] ?? 80}]`,
      );
      return undefined;
    }
  }
  return {
    service: service.name,
    ports,
    portsNamed: t.ports !== undefined,
    ...(t.methods && { methods: t.methods }),
    ...(t.paths && { paths: t.paths }),
  };
}
