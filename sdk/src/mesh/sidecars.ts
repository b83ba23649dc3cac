import { ClusterManifests } from "./discover";
import { IssueList } from "./errors";
import { isPlainObject, join } from "./fields";
import { namespaceSidecar } from "./istio/sidecar";
import { MeshModel, ResolvedCluster } from "./model";
import { GLOBAL_NAMESPACE_LABEL, MANAGED_BY_LABEL, ownershipLabels, sidecarObjectName } from "./names";
import { MeshObject } from "./objects";
import { namespaceCalls, rulesMapping } from "./scope";
import { MemberRule, MeshMode } from "./spec";

/** Istio's control plane: proxies keep seeing it (istiod, and anything the mesh's operators run there). */
const ISTIO_SYSTEM_HOSTS = "istio-system/*";

/**
 * The Sidecars of `sidecarScope` namespaces in one cluster. What a Sidecar changes is what the namespace's proxies
 * import from other namespaces: Kubernetes Services and other namespaces' Istio config. (Global hosts reach only the
 * namespaces exportTo names already; the Sidecar keeps the undeclared ones out even if that widens.) Egress hosts, in
 * this order: the namespace itself (`./*`), `istio-system/*`, the egress gateway's Service (the first hop to another
 * cluster; tunnel mode only), the cluster's other mapped namespaces whole (calls inside the cluster stay on mTLS; see docs/spec.md),
 * each global host the namespace calls — `<gateways' namespace>/<host>`, since the ServiceEntries live there — then
 * the rule's `extraEgressHosts`. Not the gateways' whole namespace: nothing else there is for these proxies.
 */
export function sidecarObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>): MeshObject<A>[] {
  return (cluster.sidecars ?? []).map((sc) =>
    namespaceSidecar(
      {
        name: sidecarObjectName(mesh.name),
        namespace: sc.namespace,
        labels: ownershipLabels(mesh.name),
        annotations: { "globalmesh.io/owner": `GlobalNamespace ${mesh.name}: namespace-wide, one per namespace` },
      },
      egressHosts(mesh, cluster, sc.namespace, sc.extraEgressHosts),
    ),
  );
}

function egressHosts<A>(
  mesh: MeshModel<A>,
  cluster: ResolvedCluster<A>,
  namespace: string,
  extra: readonly string[],
): string[] {
  const gw = cluster.gateways.namespace;
  const calls = namespaceCalls(cluster, namespace);
  // resolveScopes refuses sidecarScope on an undeclared namespace.
  if (!calls) throw new Error(`internal: a Sidecar for ${cluster.name}/${namespace}, whose calls are not declared`);
  const callees = mesh.services.filter((s) => calls.includes(s.name));
  // East-west mode routes nothing to the egress gateway: callers go straight to the owners' east-west gateways.
  const egressGateway =
    mesh.mode === MeshMode.EAST_WEST ? undefined : egressGatewayEntry(cluster.gateways.egressService);
  return [
    ...new Set([
      "./*",
      ISTIO_SYSTEM_HOSTS,
      ...(egressGateway ? [egressGateway] : []),
      // cluster.namespaces never holds the gateways' namespace (model.ts).
      ...cluster.namespaces.filter((ns) => ns !== namespace).map((ns) => `${ns}/*`),
      ...callees.map((s) => `${gw}/${s.host}`),
      ...extra,
    ]),
  ];
}

/**
 * The egress gateway's Service as a Sidecar egress host: `<its namespace>/<FQDN>` when `egressService` is
 * `<svc>.<ns>.svc.cluster.local`. Any other form (a short name, which the webhook refuses in a Sidecar, or a name
 * whose namespace is not in it) is left out: istiod imports a VirtualService's destinations along with it (pilot
 * sidecar.go collectImportedServices), and the global hosts' VirtualServices route to the egress gateway.
 */
function egressGatewayEntry(egressService: string): string | undefined {
  const fqdn = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\.cluster\.local$/.exec(
    egressService,
  );
  return fqdn ? `${fqdn[2]}/${egressService}` : undefined;
}

/**
 * Istio honours one selector-less Sidecar per namespace (the oldest): a `sidecarScope` namespace whose manifests hold
 * another (not this GlobalNamespace's) is refused, naming the rule and the object. `check --existing` reports the
 * same of a cluster's live objects.
 */
export function checkExistingSidecars<A>(
  rules: readonly MemberRule[],
  model: MeshModel<A>,
  manifests: readonly ClusterManifests[],
): void {
  const issues = new IssueList();
  for (const m of manifests) {
    const scoped = model.clusters.find((c) => c.name === m.cluster)?.sidecars ?? [];
    for (const o of m.objects) {
      const found = foreignSidecar(o, model.name, m.defaultNamespace);
      if (!found || !scoped.some((sc) => sc.namespace === found.namespace)) continue;
      const [rule] = rulesMapping(rules, m.cluster, found.namespace, (r) => r.sidecarScope === true);
      issues.add(
        join(join("members", rule), "sidecarScope"),
        `namespace ${found.namespace} of cluster ${m.cluster} already has a Sidecar without workloadSelector (${m.source}: Sidecar ${found.namespace}/${found.name}), and Istio honours only one per namespace; fold its egress hosts into extraEgressHosts and remove it, or drop sidecarScope for this namespace`,
      );
    }
  }
  issues.throwIfAny();
}

/** A selector-less Istio Sidecar not written by GlobalNamespace `gns`: its namespace and name; else undefined. */
export function foreignSidecar(
  o: unknown,
  gns: string,
  defaultNamespace = "default",
): { namespace: string; name: string } | undefined {
  if (!isPlainObject(o) || o.kind !== "Sidecar" || !isPlainObject(o.metadata)) return undefined;
  if (typeof o.apiVersion !== "string" || !o.apiVersion.startsWith("networking.istio.io/")) return undefined;
  const { name, namespace, labels } = o.metadata;
  if (typeof name !== "string") return undefined;
  const selector =
    isPlainObject(o.spec) && isPlainObject(o.spec.workloadSelector) ? o.spec.workloadSelector.labels : undefined;
  if (isPlainObject(selector) && Object.keys(selector).length > 0) return undefined;
  const own =
    isPlainObject(labels) && labels[MANAGED_BY_LABEL] === "globalmesh" && labels[GLOBAL_NAMESPACE_LABEL] === gns;
  if (own) return undefined;
  return { namespace: typeof namespace === "string" && namespace !== "" ? namespace : defaultNamespace, name };
}
