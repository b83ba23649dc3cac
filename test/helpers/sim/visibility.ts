/**
 * Which objects a proxy sees, as istiod computes it for the proxy's namespace: `exportTo` of ServiceEntries,
 * VirtualServices and DestinationRules, DestinationRule precedence, Gateway selection.
 */
import { MeshObject, objectKey } from "../../../sdk/src/mesh";
import { selects } from "./authz";

type OfKind<K extends MeshObject["kind"]> = Extract<MeshObject, { kind: K }>;

export function ofKind<K extends MeshObject["kind"]>(objects: readonly MeshObject[], kind: K): OfKind<K>[] {
  return objects.filter((o): o is OfKind<K> => o.kind === kind);
}

/**
 * `exportTo` as Istio reads it: absent or empty → every namespace (Istio's default), `*` → every namespace, `.` →
 * the object's own namespace, `~` → none, else the namespaces listed.
 */
export function visibleTo(o: { metadata: { namespace: string }; spec: { exportTo?: string[] } }, ns: string): boolean {
  const exportTo = o.spec.exportTo ?? [];
  if (exportTo.length === 0 || exportTo.includes("*")) return true;
  return exportTo.some((e) => e === ns || (e === "." && o.metadata.namespace === ns));
}

/** A host pattern (`*`, `*.suffix` or a name) against a concrete host. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** ServiceEntries for `host` that a proxy in `ns` sees. */
export function serviceEntriesFor(objects: readonly MeshObject[], ns: string, host: string): OfKind<"ServiceEntry">[] {
  return ofKind(objects, "ServiceEntry").filter(
    (se) => visibleTo(se, ns) && se.spec.hosts.some((h) => hostMatches(h, host)),
  );
}

/** VirtualServices for sidecars (no gateways, or `mesh` among them) for `host` that a proxy in `ns` sees. */
export function meshVirtualServices(
  objects: readonly MeshObject[],
  ns: string,
  host: string,
): OfKind<"VirtualService">[] {
  return ofKind(objects, "VirtualService").filter(
    (vs) =>
      (!vs.spec.gateways?.length || vs.spec.gateways.includes("mesh")) &&
      visibleTo(vs, ns) &&
      vs.spec.hosts.some((h) => hostMatches(h, host)),
  );
}

/** `<namespace>/<name>` of a Gateway reference in a VirtualService (a bare name is in the VirtualService's namespace). */
export function gatewayRef(ref: string, vsNamespace: string): string {
  return ref.includes("/") ? ref : `${vsNamespace}/${ref}`;
}

/**
 * The DestinationRules that apply to traffic from a proxy (namespace, pod labels) to `host`, in the scope istiod
 * picks (pilot `PushContext.destinationRule`): first the proxy's own namespace (rules visible there, including
 * those whose workloadSelector selects the proxy, listed first), else the destination service's namespace (rules
 * exported to the proxy's namespace), else the root namespace. Rules of one scope are merged (subsets united, the
 * first top-level traffic policy wins). The most specific host wins: an exact host before `*.suffix`.
 */
export function destinationRulesFor(
  objects: readonly MeshObject[],
  proxy: { namespace: string; labels: Record<string, string> },
  host: string,
  serviceNamespace: string | undefined,
  rootNamespace: string,
): OfKind<"DestinationRule">[] {
  const all = ofKind(objects, "DestinationRule").filter((dr) => hostMatches(dr.spec.host, host));
  const exact = all.filter((dr) => dr.spec.host === host);
  const candidates = exact.length ? exact : mostSpecific(all);
  const local = candidates.filter((dr) => dr.metadata.namespace === proxy.namespace);
  const selected = local.filter(
    (dr) => dr.spec.workloadSelector && selects(dr.spec.workloadSelector.matchLabels, proxy.labels),
  );
  const namespaceWide = local.filter((dr) => !dr.spec.workloadSelector && visibleTo(dr, proxy.namespace));
  if (selected.length || namespaceWide.length) return [...selected, ...namespaceWide];
  const exported = (ns: string | undefined) =>
    candidates.filter(
      (dr) => dr.metadata.namespace === ns && !dr.spec.workloadSelector && visibleTo(dr, proxy.namespace),
    );
  const fromService = exported(serviceNamespace);
  return fromService.length ? fromService : exported(rootNamespace);
}

function mostSpecific<T extends { spec: { host: string } }>(rules: T[]): T[] {
  const longest = Math.max(0, ...rules.map((r) => r.spec.host.length));
  return rules.filter((r) => r.spec.host.length === longest);
}

/** Gateway servers on `port` of the gateway pods with `labels` (Gateways in any namespace: Istio's default). */
export function gatewayServers(objects: readonly MeshObject[], labels: Record<string, string>, port: number) {
  return ofKind(objects, "Gateway")
    .filter((g) => selects(g.spec.selector, labels))
    .flatMap((gateway) =>
      gateway.spec.servers.filter((s) => s.port.number === port).map((server) => ({ gateway, server })),
    );
}

/** A Gateway server host (`[ns/]host`) against an SNI; `ns/` restricts which VirtualServices may bind. */
export function serverHostMatches(entry: string, sni: string | undefined): boolean {
  const host = entry.includes("/") ? entry.slice(entry.indexOf("/") + 1) : entry;
  return sni === undefined ? host === "*" : hostMatches(host, sni);
}

/** The PeerAuthentication mode for a workload: workload-selected, else namespace-wide, else mesh-wide; PERMISSIVE. */
export function peerAuthenticationMode(
  objects: readonly MeshObject[],
  namespace: string,
  labels: Record<string, string>,
  rootNamespace: string,
): { mode: string; from?: string } {
  const all = ofKind(objects, "PeerAuthentication") as (OfKind<"PeerAuthentication"> & {
    spec: { selector?: { matchLabels?: Record<string, string> } };
  })[];
  const withSelector = all.filter(
    (pa) => pa.metadata.namespace === namespace && pa.spec.selector && selects(pa.spec.selector.matchLabels, labels),
  );
  const nsWide = all.filter((pa) => pa.metadata.namespace === namespace && !pa.spec.selector);
  const meshWide = all.filter((pa) => pa.metadata.namespace === rootNamespace && !pa.spec.selector);
  for (const scope of [withSelector, nsWide, meshWide]) {
    const pa = scope.find((p) => p.spec.mtls?.mode && (p.spec.mtls.mode as string) !== "UNSET");
    if (pa) return { mode: pa.spec.mtls.mode, from: objectKey(pa) };
  }
  return { mode: "PERMISSIVE" };
}
