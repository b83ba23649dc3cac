import { isDnsLabel, IssueList, SYSTEM_NAMESPACES } from "../mesh";
import { InjectionArgs } from "./args";

/** The `istio-injection` label value each enrolled namespace gets. */
export interface NamespaceInjection {
  namespace: string;
  label: "enabled" | "disabled";
}

export interface InjectionPlan {
  /** Namespaces MeshCluster labels, in the caller's order. */
  namespaces: NamespaceInjection[];
  /** Namespaces that must never get sidecars, sorted (what GlobalNamespace checks its members against). */
  excluded: string[];
}

/**
 * The injection policy as labels. Exclusion wins over enrolment and turns the label to `disabled` rather than
 * dropping the namespace, so editing `exclude` changes a label in place and never removes or replaces a resource.
 */
export function planInjection(issues: IssueList, path: string, args: InjectionArgs | undefined): InjectionPlan {
  const all = args?.allNamespaces ?? false;
  if (typeof all !== "boolean") issues.add(`${path}.allNamespaces`, "must be true or false");
  const namespaces = readNames(issues, `${path}.namespaces`, args?.namespaces);
  const excluded = readNames(issues, `${path}.exclude`, args?.exclude);
  const enrolled: NamespaceInjection[] = [];
  namespaces.forEach((namespace, i) => {
    if (SYSTEM_NAMESPACES.includes(namespace)) {
      if (!all)
        issues.add(`${path}.namespaces[${i}]`, `${namespace} is a system namespace and never gets sidecars (system namespaces: ${SYSTEM_NAMESPACES.join(", ")}); remove it`);
      return;
    }
    enrolled.push({ namespace, label: excluded.includes(namespace) ? "disabled" : "enabled" });
  });
  return { namespaces: enrolled, excluded: [...excluded].sort() };
}

function readNames(issues: IssueList, path: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    issues.add(path, "must be a list of namespace names");
    return [];
  }
  const seen = new Set<string>();
  v.forEach((n, i) => {
    if (typeof n !== "string" || !isDnsLabel(n)) issues.add(`${path}[${i}]`, `${JSON.stringify(n)} is not a namespace name (a DNS-1123 label)`);
    else if (seen.has(n)) issues.add(`${path}[${i}]`, `${n} is listed twice`);
    else seen.add(n);
  });
  return [...seen];
}
