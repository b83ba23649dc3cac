/**
 * The bench's meshes, as plain data: C clusters × S services in tunnel mode (the reference render of issue 12). Every
 * service listens on one HTTP port and lives in one of ten team namespaces present in every cluster; service i runs
 * in cluster i mod C, and every tenth (i mod 10 = 5) in the next cluster too; its namespace is team-(⌊i / C⌋ mod 10),
 * so each cluster holds services of every namespace. With `calls`, each service declares the three services after it
 * as its callees and the mapped namespaces opt into Sidecar scoping.
 */

/** How many clusters and services. */
export interface MeshSize {
  clusters: number;
  services: number;
}

export interface GenerateOptions {
  /** Each service declares `calls` (its three successors) and every member rule sets `sidecarScope`. Default false. */
  calls?: boolean;
}

/** The teams' namespaces, in every cluster. */
export const TEAMS = Array.from({ length: 10 }, (_, i) => `team-${i}`);

/** Calls per service when declared. */
export const CALLS_PER_SERVICE = 3;

/** `c07` / `svc-0042`: fixed-width names, so sorted order is numeric order. */
export function clusterName(i: number, total: number): string {
  return `c${String(i).padStart(Math.max(2, String(total - 1).length), "0")}`;
}

export function serviceName(i: number, total: number): string {
  return `svc-${String(i).padStart(Math.max(4, String(total - 1).length), "0")}`;
}

/** The clusters that run service i: its home, and for every tenth the next cluster too. */
export function homesOf(i: number, clusters: number): number[] {
  const home = i % clusters;
  return i % 10 === 5 && clusters > 1 ? [home, (home + 1) % clusters] : [home];
}

/** The namespace of service i: spread over the clusters' namespaces, whatever C is. */
export function namespaceOf(i: number, clusters: number): string {
  return TEAMS[Math.floor(i / clusters) % TEAMS.length];
}

/** The services service i calls: the next three (wrapping), never itself. */
export function calleesOf(i: number, services: number): number[] {
  const n = Math.min(CALLS_PER_SERVICE, services - 1);
  return Array.from({ length: n }, (_, k) => (i + k + 1) % services);
}

/** The GlobalNamespace spec (the same shape the CLI reads from YAML). */
export function generateSpec(size: MeshSize, options: GenerateOptions = {}): Record<string, unknown> {
  const { clusters: C, services: S } = size;
  if (!Number.isInteger(C) || C < 1 || !Number.isInteger(S) || S < 1)
    throw new Error(`a mesh needs at least one cluster and one service (got ${C} × ${S})`);
  const clusters = Array.from({ length: C }, (_, i) => clusterName(i, C));
  return {
    name: "bench",
    domain: "bench.example.com",
    clusters: clusters.map((name, i) => ({
      name,
      ingress: { address: `${name}.lb.example.net` },
      locality: `region-${i % 5}/zone-${i}`,
      namespaces: TEAMS,
    })),
    members: [{ cluster: "*", namespace: "team-*", ...(options.calls && { sidecarScope: true }) }],
    services: Array.from({ length: S }, (_, i) => ({
      name: serviceName(i, S),
      namespace: namespaceOf(i, C),
      clusters: homesOf(i, C).map((c) => clusters[c]),
      ports: [{ number: 8080, name: "http" }],
      ...(options.calls && { calls: calleesOf(i, S).map((j) => serviceName(j, S)) }),
    })),
  };
}

/** The same mesh as GlobalNamespace component args (kubeconfigs are placeholders: mocks never read them). */
export function generateArgs(size: MeshSize, options: GenerateOptions = {}): Record<string, unknown> {
  const spec = generateSpec(size, options) as {
    clusters: { name: string; ingress: unknown; locality: string; namespaces: string[] }[];
  } & Record<string, unknown>;
  const { name, ...rest } = spec;
  return {
    ...rest,
    globalNamespaceName: name,
    clusters: spec.clusters.map((c) => ({
      clusterName: c.name,
      kubeconfig: KUBECONFIG(c.name),
      ingress: c.ingress,
      locality: c.locality,
      namespaces: c.namespaces,
    })),
  };
}

/** A minimal valid kubeconfig naming the cluster (the component checks its shape; mocks never connect). */
function KUBECONFIG(cluster: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{name: ${cluster}, cluster: {server: "https://${cluster}.example.net"}}]`,
    `users: [{name: ${cluster}, user: {token: bench}}]`,
    `contexts: [{name: ${cluster}, context: {cluster: ${cluster}, user: ${cluster}}}]`,
    `current-context: ${cluster}`,
    "",
  ].join("\n");
}
