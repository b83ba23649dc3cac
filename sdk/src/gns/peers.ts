import { checkClaims, MeshClaims, SpecError, SpecIssue } from "../mesh";
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
 * What the peers claim that `own` claims too, one issue per clash at `peers[i]`, naming both GlobalNamespaces: the
 * CLI's check of several specs (mesh/claims.ts), run for this GlobalNamespace and each peer. A peer of the same name
 * is one too (its objects would carry the same names). An undefined entry (one refused for its fields) is skipped, so
 * the others keep their index.
 */
export function peerConflicts(
  own: GlobalNamespacePeer,
  peers: readonly (GlobalNamespacePeer | undefined)[],
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  peers.forEach((peer, i) => {
    if (!peer) return;
    const path = `peers[${i}]`;
    if (peer.globalNamespaceName === own.globalNamespaceName) {
      issues.push({
        path: `${path}.globalNamespaceName`,
        message: `"${peer.globalNamespaceName}" is this GlobalNamespace's own name; two GlobalNamespaces of one name write objects of the same names into the same clusters: give one of them another globalNamespaceName`,
      });
      return;
    }
    try {
      checkClaims([claimsOfPeer(own), claimsOfPeer(peer)]);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      for (const clash of e.issues) issues.push({ path, message: `${clash.path}: ${clash.message}` });
    }
  });
  return issues;
}

/** A peer's plain data as the claims check reads it. */
function claimsOfPeer(p: GlobalNamespacePeer): MeshClaims {
  const clusters = new Map<string, string[]>();
  for (const n of p.memberNamespaces ?? [])
    clusters.set(n.clusterName, [...(clusters.get(n.clusterName) ?? []), n.namespace]);
  return {
    name: p.globalNamespaceName,
    services: p.claims,
    clusters: [...clusters].map(([name, namespaces]) => ({ name, namespaces })),
  };
}
