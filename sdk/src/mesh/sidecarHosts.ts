import { CompiledMesh } from "./compile";
import { MeshObject } from "./objects";

/**
 * The global hosts a proxy in `namespace` of `cluster` knows, as istiod scopes them: the ServiceEntries exported to
 * the namespace (`exportTo`) and, when the namespace has a selector-less Sidecar among the compiled objects, imported
 * by one of its egress hosts (`namespace/dnsName`, matched against the entry's own namespace and host). Sorted. It
 * counts exported global hosts only, not Kubernetes Services: what the bench reports as "hosts per sidecar", with and
 * without scoping.
 */
export function hostsPerSidecar<A>(compiled: CompiledMesh<A>, cluster: string, namespace: string): string[] {
  const objects = compiled.objects.get(cluster) ?? [];
  const sidecar = objects.find(
    (o): o is Extract<MeshObject<A>, { kind: "Sidecar" }> => o.kind === "Sidecar" && o.metadata.namespace === namespace,
  );
  const imports = sidecar?.spec.egress.flatMap((e) => e.hosts).map((h) => parseEntry(h, namespace));
  const hosts = new Set<string>();
  for (const o of objects) {
    if (o.kind !== "ServiceEntry" || !exportedTo(o.spec.exportTo, o.metadata.namespace, namespace)) continue;
    for (const h of o.spec.hosts) if (!imports || imports.some((i) => i.matches(o.metadata.namespace, h))) hosts.add(h);
  }
  return [...hosts].sort();
}

/** `exportTo` as Istio reads it: empty or `*` everywhere, `.` the object's own namespace, `~` nowhere. */
function exportedTo(exportTo: readonly string[], own: string, namespace: string): boolean {
  if (exportTo.length === 0 || exportTo.includes("*")) return true;
  return exportTo.some((e) => e === namespace || (e === "." && own === namespace));
}

/** One egress host entry: `.` is the Sidecar's namespace, `*` any, `~` none; the name `*`, `*.suffix` or exact. */
export function parseEntry(
  entry: string,
  sidecarNamespace: string,
): { matches: (ns: string, host: string) => boolean } {
  const [rawNs, name] = entry.split("/");
  const ns = rawNs === "." ? sidecarNamespace : rawNs;
  const nameMatches = (host: string) =>
    name === "*" || (name.startsWith("*.") ? host.endsWith(name.slice(1)) : host === name);
  return { matches: (objectNs, host) => ns !== "~" && (ns === "*" || ns === objectNs) && nameMatches(host) };
}
