import { MemberRule, SYSTEM_NAMESPACES } from "./spec";

/** Does `pattern` (a name, `prefix*` or `*`) match `name`? */
export function matchesPattern(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** Is `namespace` one of the system namespaces (in any case: `Istio-System` is not an application namespace either)? */
export function isSystemNamespace(namespace: string): boolean {
  return SYSTEM_NAMESPACES.includes(namespace.toLowerCase());
}

/** Is namespace `namespace` of cluster `cluster` in the GlobalNamespace? System namespaces never are. */
export function isMapped(rules: readonly MemberRule[], cluster: string, namespace: string): boolean {
  if (isSystemNamespace(namespace)) return false;
  return rules.some((r) => matchesPattern(r.cluster, cluster) && matchesPattern(r.namespace, namespace));
}

/** Does a member rule that maps this namespace of this cluster keep `service` out of the GlobalNamespace? */
export function isExcluded(rules: readonly MemberRule[], cluster: string, namespace: string, service: string): boolean {
  return rules.some(
    (r) =>
      matchesPattern(r.cluster, cluster) &&
      matchesPattern(r.namespace, namespace) &&
      (r.excludeServices ?? []).includes(service),
  );
}

/** Whether a rule's namespace is a pattern (`shop-*`, `*`) rather than one namespace's name. */
export function isPattern(namespace: string): boolean {
  return namespace.endsWith("*");
}
