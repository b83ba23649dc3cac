import { IssueList } from "./errors";
import { join } from "./fields";
import { EAST_WEST_PORT } from "./gateways";
import { matchesPattern } from "./membership";
import { GlobalService, ResolvedCluster } from "./model";
import { AccessPolicySpec } from "./spec";

/**
 * What east-west mode needs that tunnel mode does not, refused before anything is written:
 * - every service's pods get an ALLOW AuthorizationPolicy naming its callers, so their labels must be known;
 * - callers are told apart at the destination by their identity alone, `<trustDomain>/ns/<namespace>/sa/<account>`:
 *   a policy source narrowed to a cluster cannot be told from the same namespace of another member cluster in the
 *   same trust domain, so the policy would hold for both.
 * `servicePaths`: service name → where it was listed or found, for the messages.
 */
export function checkEastWest(
  issues: IssueList,
  services: readonly GlobalService[],
  servicePaths: ReadonlyMap<string, string>,
  clusters: readonly ResolvedCluster<unknown>[],
  policies: readonly AccessPolicySpec[],
): void {
  for (const s of services)
    if (!s.selector)
      issues.add(
        servicePaths.get(s.name) ?? "services",
        `in east-west mode the pods of every service get an AuthorizationPolicy naming their callers, but the labels of ${s.name}'s pods are unknown; pass the manifests of a cluster that runs it, or give its selector, e.g. selector: { app: ${s.name} }`,
      );
  policies.forEach((p, i) =>
    p.from.forEach((source, j) => {
      if (source.cluster === undefined) return;
      const path = join(join(join("policies", i), "from"), j);
      const narrowed = clusters.filter((c) => matchesPattern(source.cluster ?? "", c.name));
      const alike = clusters.filter(
        (o) =>
          !narrowed.includes(o) &&
          o.namespaces.includes(source.namespace) &&
          narrowed.some((c) => c.trustDomain === o.trustDomain && c.namespaces.includes(source.namespace)),
      );
      if (alike.length === 0) return;
      const other = alike[0];
      issues.add(
        join(path, "cluster"),
        `narrows the source to ${source.cluster}, but cluster ${other.name} maps namespace ${source.namespace} too, in the same trust domain ${other.trustDomain}: in east-west mode the destination knows callers only by identity (${other.trustDomain}/ns/${source.namespace}/sa/…), so it cannot tell them apart; give each cluster its own trustDomain (MeshCluster's trustDomain, e.g. ${other.name}.acme.internal), or drop cluster to mean every member cluster`,
      );
    }),
  );
}

/**
 * Where a service runs in several clusters, callers rank its instances by locality alone (istio/eastWest.ts says why),
 * against their own node's: region, then zone, then subzone (pilot networking/util/util.go LbPriority). Owners in
 * different regions rank the local instance first; owners in one region do not (a caller in the other cluster's zone
 * prefers the other cluster), nor do owners without a locality. Said, not refused: the wiring still works, only less
 * locally. One warning per pair of clusters, however many services they share (generated meshes share thousands).
 * `clusterPaths`: cluster name → where the spec lists it, for the messages.
 */
export function localityWarnings(
  services: readonly GlobalService[],
  clusters: readonly ResolvedCluster<unknown>[],
  clusterPaths: ReadonlyMap<string, string>,
): string[] {
  const out: string[] = [];
  const region = (c: ResolvedCluster<unknown>) => c.locality?.split("/")[0];
  clusters.forEach((a, i) =>
    clusters.slice(i + 1).forEach((b) => {
      const shared = services.filter((s) => s.clusters.includes(a.name) && s.clusters.includes(b.name));
      if (shared.length === 0) return;
      const unplaced = [a, b].filter((c) => !c.locality);
      if (unplaced.length === 0 && region(a) !== region(b)) return;
      const why =
        unplaced.length > 0
          ? `${unplaced.map((c) => c.name).join(" and ")} ${unplaced.length > 1 ? "have" : "has"} no locality`
          : `both are in region ${region(a)} (${a.locality === b.locality ? a.locality : `${a.locality}, ${b.locality}`})`;
      const fix =
        unplaced.length > 0
          ? `give each cluster its locality (clusters[].locality, the region/zone of its nodes' topology.kubernetes.io labels, e.g. us-east-2/us-east-2a)`
          : `nothing in east-west mode ranks a cluster's own instance first within one region; if calls must stay in their cluster, run each service in one of them only, or use tunnel mode`;
      const path = join(clusterPaths.get((unplaced[0] ?? b).name) ?? "clusters", "locality");
      out.push(
        `${path}: ${a.name} and ${b.name} both run ${someOf(shared.map((s) => s.name))}, and ${why}: in east-west mode callers rank a service's instances by locality only (region, zone, subzone, against their own node's), so callers in either cluster may be served from the other ahead of their own; ${fix}`,
      );
    }),
  );
  return out;
}

/**
 * An east-west ingress port other than 15443 (say a tunnel port kept in the spec): the passthrough server listens on
 * 15443, so other clusters reach it on another port only if its load balancer forwards that port there.
 */
export function portWarnings(clusters: readonly { ingress?: { port?: number } }[]): string[] {
  return clusters.flatMap((c, i) => {
    const port = c.ingress?.port;
    if (port === undefined || port === EAST_WEST_PORT) return [];
    return [
      `${join(join(join("clusters", i), "ingress"), "port")}: is ${port}, but in east-west mode other clusters reach the east-west gateway's passthrough server, which listens on ${EAST_WEST_PORT} (${port} is not forwarded there unless its load balancer does so); drop port to use ${EAST_WEST_PORT}`,
    ];
  });
}

/** Up to three names, then how many more. */
function someOf(names: string[]): string {
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}
