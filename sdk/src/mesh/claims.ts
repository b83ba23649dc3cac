import { IssueList } from "./errors";

/**
 * Two GlobalNamespaces known together (several `--spec` in one CLI run, or a component's `peers`) may not claim the
 * same global host or the same virtual IP: Istio would merge two ServiceEntries for one host, and a VIP would lead
 * callers to either service. Nor may they share a namespace of a cluster: a sidecar sees the egress gateway's
 * DestinationRules merged only when they are exported to the same namespaces (pilot `mergeDestinationRule`), so one
 * GlobalNamespace's tunnels would vanish there, and each would write a namespace-wide PeerAuthentication; in east-west
 * mode each cluster's passthrough Gateway of a GlobalNamespace lists its namespaces (`*.<ns>.svc.cluster.local`), and
 * two servers on one port of the same pods with overlapping hosts are one too many (Istio rejects one). Across stacks
 * nobody sees both, so there is no check there.
 */

/** What a GlobalNamespace claims: its name, per service the global host and virtual IP, and its namespaces. */
export interface MeshClaims {
  name: string;
  /** `name`: the service's, for messages; absent when only the host is known (a component's peer). */
  services: readonly { name?: string; host: string; address: string }[];
  /** Per cluster, its namespaces in the GlobalNamespace. Default: none checked. */
  clusters?: readonly { name: string; namespaces: readonly string[] }[];
}

/** Throws a SpecError naming both GlobalNamespaces, the host or VIP, and the fix; returns when the claims are apart. */
export function checkClaims(meshes: readonly MeshClaims[]): void {
  const issues = new IssueList();
  const names = new Map<string, number>();
  meshes.forEach((m, i) => {
    const first = names.get(m.name);
    if (first === undefined) names.set(m.name, i);
    else
      issues.add(
        m.name,
        `GlobalNamespace ${m.name} is given twice (specs ${first + 1} and ${i + 1}); every object name and virtual IP derives from the name, so give each GlobalNamespace once, or rename one`,
      );
  });
  const hosts = new Map<string, Claim>();
  const addresses = new Map<string, Claim>();
  meshes.forEach((m, i) => {
    if (names.get(m.name) !== i) return; // a repeated GlobalNamespace: said above
    for (const s of m.services) {
      const claim = { mesh: m.name, service: s.name, host: s.host, address: s.address };
      const host = s.host.toLowerCase();
      const other = hosts.get(host);
      if (other && other.mesh !== m.name)
        issues.add(
          s.host,
          `claimed by GlobalNamespace ${other.mesh}${serviceOf(other.service)} and by GlobalNamespace ${m.name}${serviceOf(s.name)}; a host belongs to one GlobalNamespace: give one of them another domain, or drop the service from one`,
        );
      else if (!other) hosts.set(host, claim);
      const at = addresses.get(s.address);
      // The same host at the same address is one clash, said above.
      if (at && at.mesh !== m.name && at.host.toLowerCase() !== host)
        issues.add(
          s.address,
          `virtual IP of ${at.host} (GlobalNamespace ${at.mesh}) and of ${s.host} (GlobalNamespace ${m.name}); pin another address for one of them with "address:" in its services entry, e.g. a free class E address such as 241.0.0.10`,
        );
      else if (!at) addresses.set(s.address, claim);
    }
  });
  const namespaces = new Map<string, string>();
  meshes.forEach((m, i) => {
    if (names.get(m.name) !== i) return;
    for (const c of m.clusters ?? [])
      for (const ns of c.namespaces) {
        const key = `${c.name}/${ns}`;
        const other = namespaces.get(key);
        if (other && other !== m.name)
          issues.add(
            key,
            `namespace ${ns} of cluster ${c.name} is in GlobalNamespace ${other} and in GlobalNamespace ${m.name}; a namespace belongs to one GlobalNamespace (their gateway rules and mTLS policies would overlap there): move its services to a namespace of its own, or change the member rules`,
          );
        else if (!other) namespaces.set(key, m.name);
      }
  });
  issues.throwIfAny(undefined, "GlobalNamespaces claim the same names");
}

/** ` (service catalog)`, when the service's name is known. */
function serviceOf(name: string | undefined): string {
  return name === undefined ? "" : ` (service ${name})`;
}

interface Claim {
  mesh: string;
  service?: string;
  host: string;
  address: string;
}
