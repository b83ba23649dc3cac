import { IssueList } from "./errors";
import { matchesPattern } from "./membership";
import { MemberRule, SYSTEM_NAMESPACES } from "./spec";

/** A service as far as injection is concerned: where it runs. */
export interface PlacedService {
  name: string;
  namespace: string;
  clusters: readonly string[];
}

/**
 * A GlobalNamespace must not map a namespace that its cluster keeps without sidecars: its workloads could neither
 * reach the global names (no sidecar DNS capture, no mTLS to the egress gateway) nor be reached through the ingress
 * gateway's ISTIO_MUTUAL hop. Checked per member rule: a rule that names an excluded namespace outright, or whose
 * pattern maps an excluded namespace in which a service of the GlobalNamespace runs. Throws SpecError.
 *
 * @param excluded cluster name → namespaces that cluster excludes from injection (the `injectionExcluded` of its cluster entry).
 */
export function checkInjectionExclusions(
  members: readonly MemberRule[],
  services: readonly PlacedService[],
  excluded: ReadonlyMap<string, readonly string[]>,
): void {
  const issues = new IssueList();
  members.forEach((rule, i) => {
    const exact = !rule.namespace.endsWith("*");
    for (const [cluster, namespaces] of excluded) {
      if (!matchesPattern(rule.cluster, cluster)) continue;
      const mapped = exact
        ? [rule.namespace]
        : services
            .filter((s) => s.clusters.includes(cluster) && matchesPattern(rule.namespace, s.namespace))
            .map((s) => s.namespace);
      for (const namespace of new Set(mapped)) {
        if (!namespaces.includes(namespace) || SYSTEM_NAMESPACES.includes(namespace)) continue;
        issues.add(
          `members[${i}]`,
          `maps namespace ${namespace} of cluster ${cluster}, which that cluster excludes from sidecar injection (injectionExcluded); ` +
            `its workloads would run without sidecars and could not use the GlobalNamespace. Remove ${namespace} from the cluster's injection.exclude, or ${exact ? "drop this rule" : "narrow this rule's pattern"}`,
        );
      }
    }
  });
  issues.throwIfAny();
}
