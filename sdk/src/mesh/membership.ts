import { MemberRule, SYSTEM_NAMESPACES } from "./spec";

/** Does `pattern` (a name, `prefix*` or `*`) match `name`? */
export function matchesPattern(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** Is namespace `namespace` of cluster `cluster` in the GlobalNamespace? System namespaces never are. */
export function isMapped(rules: readonly MemberRule[], cluster: string, namespace: string): boolean {
  if (SYSTEM_NAMESPACES.includes(namespace)) return false;
  return rules.some((r) => matchesPattern(r.cluster, cluster) && matchesPattern(r.namespace, namespace));
}
