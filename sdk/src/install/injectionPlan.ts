import { IssueList, SYSTEM_NAMESPACES } from "../mesh";
import { checkBoolean, checkDnsLabel, readList, readObject } from "../mesh/checks";
import { InjectionPolicy } from "./args";

/**
 * Whether a listed namespace gets sidecars: `enabled` is labelled with the revision tag (`istio.io/rev=stable`),
 * `disabled` with `istio-injection=disabled` (injection.ts, `injectionLabels`).
 */
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

const FIELDS = ["namespaces", "allNamespaces", "exclude"];

/**
 * The injection policy as labels. Exclusion wins over enrolment and turns the label to `disabled` rather than
 * dropping the namespace, so editing `exclude` changes a label in place and never removes or replaces a resource.
 */
export function planInjection(issues: IssueList, path: string, args: InjectionPolicy | undefined): InjectionPlan {
  const o = args === undefined || args === null ? {} : (readObject(issues, path, args, FIELDS) ?? {});
  const all = checkBoolean(issues, `${path}.allNamespaces`, o.allNamespaces, { example: false }) ?? false;
  const namespaces = readNames(issues, `${path}.namespaces`, o.namespaces);
  const excluded = readNames(issues, `${path}.exclude`, o.exclude);
  const enrolled: NamespaceInjection[] = [];
  for (const { name: namespace, path: at } of namespaces) {
    if (SYSTEM_NAMESPACES.includes(namespace)) {
      if (!all)
        issues.add(
          at,
          `"${namespace}" is a system namespace, and those (${SYSTEM_NAMESPACES.join(", ")}) never get sidecars; remove it`,
        );
      continue;
    }
    const label = excluded.some((e) => e.name === namespace) ? "disabled" : "enabled";
    enrolled.push({ namespace, label });
  }
  return { namespaces: enrolled, excluded: excluded.map((e) => e.name).sort() };
}

/** A list of namespace names, each once; each good name with the path it was given at. */
function readNames(issues: IssueList, path: string, v: unknown): { name: string; path: string }[] {
  const list = readList(issues, path, v, { example: '["shop", "payments"]' }) ?? [];
  const firstAt = new Map<string, string>();
  list.forEach((n, i) => {
    const at = `${path}[${i}]`;
    const name = checkDnsLabel(issues, at, n, { example: "shop", required: true });
    if (name === undefined) return;
    const first = firstAt.get(name);
    if (first !== undefined) issues.add(at, `"${name}" is listed twice (first at ${first}); list each namespace once`);
    else firstAt.set(name, at);
  });
  return [...firstAt].map(([name, at]) => ({ name, path: at }));
}
