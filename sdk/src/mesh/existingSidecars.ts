import type { Finding } from "./audit";
import { isPlainObject } from "./fields";
import { MANAGED_BY_LABEL } from "./names";
import { MeshObject } from "./objects";
import { parseEntry } from "./sidecarHosts";

/** At most this many hosts named in one finding. */
const NAMED = 3;

/**
 * `check --existing`: a Sidecar already in a cluster (not globalmesh's) that hides global hosts the wiring exports to
 * its namespace: its proxies (the pods it selects, or the namespace's) then do not know those hosts, and calls to
 * them fail. A warning: the hosts may not be called from there. A selector-less one where globalmesh writes its own
 * Sidecar is the collision auditExisting reports instead. A Sidecar without egress imports everything (`*\/*`, as
 * pilot's initSidecarScopeInternalIndexes defaults it).
 */
export function sidecarHidingHosts(
  e: unknown,
  mine: readonly MeshObject<unknown>[],
): Pick<Finding, "object" | "what" | "why" | "severity"> | undefined {
  if (!isPlainObject(e) || e.kind !== "Sidecar" || !isPlainObject(e.metadata) || !isPlainObject(e.spec)) return;
  if (typeof e.apiVersion === "string" && !e.apiVersion.startsWith("networking.istio.io/")) return;
  const { name, namespace: ns, labels } = e.metadata;
  if (typeof name !== "string") return;
  if (isPlainObject(labels) && labels[MANAGED_BY_LABEL] === "globalmesh") return;
  const namespace = typeof ns === "string" && ns !== "" ? ns : "default";
  const selector = isPlainObject(e.spec.workloadSelector) ? e.spec.workloadSelector.labels : undefined;
  const selects = isPlainObject(selector) && Object.keys(selector).length > 0;
  if (!selects && mine.some((o) => o.kind === "Sidecar" && o.metadata.namespace === namespace)) return;
  const egress = Array.isArray(e.spec.egress) ? e.spec.egress : [];
  const entries =
    egress.length === 0 ? ["*/*"] : egress.flatMap((l) => (isPlainObject(l) && Array.isArray(l.hosts) ? l.hosts : []));
  const imports = entries.filter((h): h is string => typeof h === "string").map((h) => parseEntry(h, namespace));
  const hidden = mine.flatMap((o) =>
    // Not the gateways' own namespace: a Sidecar does not apply to gateways.
    o.kind === "ServiceEntry" && o.metadata.namespace !== namespace && o.spec.exportTo.includes(namespace)
      ? o.spec.hosts.filter((h) => !imports.some((i) => i.matches(o.metadata.namespace, h))).map((h) => ({ h, o }))
      : [],
  );
  if (hidden.length === 0) return;
  const hosts = [...new Set(hidden.map((x) => x.h))].sort();
  const shown =
    hosts.length > NAMED ? `${hosts.slice(0, NAMED).join(", ")} and ${hosts.length - NAMED} more` : hosts.join(", ");
  const gateways = hidden[0].o.metadata.namespace;
  return {
    severity: "warning",
    object: `Sidecar/${namespace}/${name}`,
    what: `a Sidecar ${selects ? "with a workloadSelector" : "without workloadSelector"} in namespace ${namespace} does not import ${hosts.length === 1 ? "the global host" : `${hosts.length} global hosts`} the wiring exports there (${shown})`,
    why: `the proxies it applies to${selects ? " (the pods it selects, which ignore the namespace's Sidecar)" : ""} do not know ${hosts.length === 1 ? "that host" : "those hosts"}, so their calls to ${hosts.length === 1 ? "it" : "them"} fail; add ${gateways}/<host> for each host called to its egress hosts${selects ? "" : ", or fold it into the rule's extraEgressHosts and set sidecarScope: true"}`,
  };
}
