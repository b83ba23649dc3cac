import { SpecIssue } from "../mesh";
import { GlobalNamespaceClaim, GlobalNamespacePeer } from "./args";

/**
 * Two GlobalNamespaces known together (one program's `peers`) may not claim the same global host or virtual IP (the
 * mesh would resolve the name, or route the address, to whichever object Istio happens to pick), nor hold the same
 * namespace of a cluster (see mesh/claims.ts). Across stacks nothing is checked (nothing meets there).
 */

/** The claims of a GlobalNamespace's services: each host with its virtual IP, sorted by host. */
export function claimsOf(services: readonly GlobalNamespaceClaim[]): GlobalNamespaceClaim[] {
  return services
    .map(({ host, address }) => ({ host, address }))
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

/**
 * What the peers claim that `own` claims too, one issue per clash at `peers[i]`, naming both GlobalNamespaces. A
 * peer of the same name is one too: its objects would carry the same names. An undefined entry (one refused for its
 * fields) is skipped, so the others keep their index.
 */
export function peerConflicts(
  own: GlobalNamespacePeer,
  peers: readonly (GlobalNamespacePeer | undefined)[],
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const byHost = new Map(own.claims.map((c) => [c.host, c]));
  const byAddress = new Map(own.claims.map((c) => [c.address, c]));
  const us = `GlobalNamespace "${own.globalNamespaceName}"`;
  peers.forEach((peer, i) => {
    if (!peer) return;
    const path = `peers[${i}]`;
    const them = `GlobalNamespace "${peer.globalNamespaceName}"`;
    if (peer.globalNamespaceName === own.globalNamespaceName)
      issues.push({
        path: `${path}.globalNamespaceName`,
        message: `"${peer.globalNamespaceName}" is this GlobalNamespace's own name; two GlobalNamespaces of one name write objects of the same names into the same clusters: give one of them another globalNamespaceName`,
      });
    const held = new Set((own.memberNamespaces ?? []).map((n) => `${n.clusterName}/${n.namespace}`));
    for (const n of peer.memberNamespaces ?? [])
      if (held.has(`${n.clusterName}/${n.namespace}`))
        issues.push({
          path,
          message: `${them} also holds namespace ${n.namespace} of cluster ${n.clusterName}, which ${us} holds; a namespace belongs to one GlobalNamespace (their gateway rules and mTLS policies would overlap there): move one's services to a namespace of its own, or change its member rules`,
        });
    for (const claim of peer.claims) {
      const host = byHost.get(claim.host);
      const address = byAddress.get(claim.address);
      if (host)
        issues.push({
          path,
          message: `${them} also claims ${claim.host}, a host of ${us}; a global name has one owner: drop the service from one of them or give one another domain`,
        });
      else if (address)
        issues.push({
          path,
          message: `${them} gives ${claim.host} the virtual IP ${claim.address}, which ${us} gives ${address.host}; pin another address for ${address.host} (services[].address) or for ${claim.host} in ${them}`,
        });
    }
  });
  return issues;
}
