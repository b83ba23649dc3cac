import { IssueList } from "./errors";
import { join } from "./fields";
import { allowGrants, denyGrants, Grant, hasHttpRules, isRemote, isRestricted } from "./grants";
import { GlobalService, MeshModel } from "./model";

/**
 * What tunnel mode cannot express, refused rather than written wider or narrower than the spec says. At a service's
 * pods every caller from another cluster arrives as the owner's ingress gateway, so HTTP rules (methods, paths) for
 * remote callers hold for all of them alike:
 * - two ALLOW grants for remote callers on a port with different HTTP rules would each let the other's callers
 *   through (one without HTTP rules voids every other's);
 * - a DENY with HTTP rules for some remote callers would refuse those requests to every remote caller.
 * Ports are exact (each port is its own tunnel name, checked at the caller's egress gateway), and local callers are
 * checked by their own identity. `policyPaths`: policy name → its field path, for the messages.
 */
export function checkTunnelHttpRules(
  issues: IssueList,
  mesh: MeshModel<unknown>,
  policyPaths: ReadonlyMap<string, string>,
): void {
  for (const s of mesh.services) {
    if (isRestricted(mesh, s))
      checkAllows(
        issues,
        s,
        allowGrants(mesh, s).filter((g) => isRemote(g, s)),
        policyPaths,
      );
    checkDenies(issues, mesh, s, policyPaths);
  }
}

function checkAllows(
  issues: IssueList,
  s: GlobalService,
  remote: Grant[],
  policyPaths: ReadonlyMap<string, string>,
): void {
  const reported = new Set<string>();
  remote.forEach((a, i) =>
    remote.slice(i + 1).forEach((b) => {
      const shared = a.ports.filter((p) => b.ports.includes(p));
      if (shared.length === 0 || httpKey(a) === httpKey(b) || a.policy === b.policy) return;
      const pair = [a.policy, b.policy].sort().join(" and ");
      if (reported.has(pair)) return;
      reported.add(pair);
      issues.add(
        pathOf(b, policyPaths),
        `policies ${pair} give callers in other clusters different HTTP rules (${describe(a)}; ${describe(b)}) on port ${shared.join(", ")} of ${s.name}; at ${s.name}'s pods every caller from another cluster arrives as the ingress gateway, so either rule would let both through: give them the same methods and paths, limit each to its own ports, or narrow the sources to the clusters that run ${s.name} (${s.clusters.join(", ")})`,
      );
    }),
  );
}

function checkDenies(
  issues: IssueList,
  mesh: MeshModel<unknown>,
  s: GlobalService,
  policyPaths: ReadonlyMap<string, string>,
): void {
  const reported = new Set<string>();
  for (const g of denyGrants(mesh, s)) {
    if (!hasHttpRules(g) || !isRemote(g, s) || !g.policy || reported.has(g.policy)) continue;
    if (coversEveryRemoteCaller(mesh, s, g.policy)) continue;
    reported.add(g.policy);
    issues.add(
      pathOf(g, policyPaths),
      `denies ${describe(g)} on ${s.name} to some callers in other clusters, but at ${s.name}'s pods every caller from another cluster arrives as the ingress gateway, so it would refuse them to all of them; drop methods and paths (the whole port is then denied to exactly these callers, at their egress gateway), or deny every member namespace of the calling clusters`,
    );
  }
}

/** Whether a DENY policy's remote sources are whole namespaces covering every mapped namespace of every client cluster. */
function coversEveryRemoteCaller(mesh: MeshModel<unknown>, s: GlobalService, policy: string): boolean {
  const denied = new Set(
    denyGrants(mesh, s)
      .filter((g) => g.policy === policy && "namespaces" in g.source)
      .flatMap((g) => ("namespaces" in g.source ? g.source.namespaces.map((ns) => `${g.cluster}/${ns}`) : [])),
  );
  return mesh.clusters
    .filter((c) => !s.clusters.includes(c.name))
    .every((c) => c.namespaces.every((ns) => denied.has(`${c.name}/${ns}`)));
}

function httpKey(g: Grant): string {
  return JSON.stringify([g.methods ?? null, g.paths ?? null]);
}

function describe(g: Grant): string {
  const rules = [...(g.methods ?? []), ...(g.paths ?? [])].join(" ");
  return `${g.policy ?? "member namespaces"}: ${rules || "any request"}`;
}

function pathOf(g: Grant, policyPaths: ReadonlyMap<string, string>): string {
  return (g.policy && policyPaths.get(g.policy)) ?? join("policies", 0);
}
