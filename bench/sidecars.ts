/**
 * Global hosts each sidecar of a mapped namespace knows, read from the compiled objects as Istio would: a
 * ServiceEntry's host reaches a namespace's sidecars when the entry is exported there (`exportTo` holds the namespace,
 * `*`, or `.` for its own), and — when the namespace has a selector-less `Sidecar` — one of its egress hosts
 * (`<namespace>/<dnsName>`; namespace `*` or `.`; dnsName exact, `*` or `*.<suffix>`) matches it.
 */

export interface SidecarHosts {
  /** (cluster, namespace) pairs measured: the mapped namespaces of every cluster. */
  sidecars: number;
  /** Namespaces with a Sidecar written for them. */
  scoped: number;
  mean: number;
  max: number;
}

/** What the count reads of an object (a MeshObject fits). */
export interface IstioObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: unknown;
}

interface Entry {
  namespace: string;
  hosts: string[];
  exportTo?: string[];
}

interface Egress {
  hosts: string[];
}

export function hostsPerSidecar(
  objects: ReadonlyMap<string, readonly IstioObject[]>,
  namespaces: string[],
): SidecarHosts {
  const counts: number[] = [];
  let scoped = 0;
  for (const list of objects.values()) {
    const entries = list.filter((o) => o.kind === "ServiceEntry").map(entryOf);
    const sidecars = new Map(
      list
        .filter((o) => o.kind === "Sidecar" && !(o.spec as { workloadSelector?: unknown }).workloadSelector)
        .map((o) => [o.metadata.namespace, egressHosts(o)] as const),
    );
    for (const ns of namespaces) {
      const egress = sidecars.get(ns);
      if (egress) scoped++;
      const seen = new Set<string>();
      for (const e of entries)
        if (exportedTo(e, ns))
          for (const h of e.hosts) if (!egress || egress.some((x) => matches(x, e.namespace, h, ns))) seen.add(h);
      counts.push(seen.size);
    }
  }
  return {
    sidecars: counts.length,
    scoped,
    mean: counts.length === 0 ? 0 : counts.reduce((a, b) => a + b, 0) / counts.length,
    max: Math.max(0, ...counts),
  };
}

function entryOf(o: IstioObject): Entry {
  const spec = o.spec as { hosts?: string[]; exportTo?: string[] };
  return { namespace: o.metadata.namespace ?? "default", hosts: spec.hosts ?? [], exportTo: spec.exportTo };
}

function egressHosts(o: IstioObject): string[] {
  return ((o.spec as { egress?: Egress[] }).egress ?? []).flatMap((e) => e.hosts ?? []);
}

function exportedTo(e: Entry, ns: string): boolean {
  if (!e.exportTo || e.exportTo.length === 0) return true;
  return e.exportTo.some((x) => x === "*" || x === ns || (x === "." && e.namespace === ns));
}

/** Does a Sidecar egress host `<ns>/<dns>` (in namespace `sidecarNs`) select host `host` of an entry in `entryNs`? */
function matches(egress: string, entryNs: string, host: string, sidecarNs: string): boolean {
  const slash = egress.indexOf("/");
  const ns = slash < 0 ? "*" : egress.slice(0, slash);
  const dns = slash < 0 ? egress : egress.slice(slash + 1);
  const nsOk = ns === "*" || ns === entryNs || (ns === "." && entryNs === sidecarNs);
  if (!nsOk) return false;
  if (dns === "*" || dns === host) return true;
  return dns.startsWith("*.") && host.endsWith(dns.slice(1));
}
