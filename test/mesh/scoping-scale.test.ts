/**
 * Dependency scoping on generated meshes (issue 12's "done when"): with declared calls, the global hosts a sidecar
 * knows are at most its namespace's declared calls plus its local services, and a client cluster's objects grow
 * linearly with the services it calls, whatever the size of the mesh.
 */
import { auditWiring, buildMesh, hostsPerSidecar, MeshBuild } from "../../sdk/src/mesh";
import { scopedSpec } from "./scoping.fixture";

/**
 * C serving clusters × S services (one port each, spread over five team namespaces in every cluster, each calling
 * the next three), plus a cluster `client` whose one namespace `app` runs `caller`, which calls the first k services.
 * Every rule scopes.
 */
function generated(C: number, S: number, k: number, calls = true): MeshBuild {
  const c = (i: number) => `c${i}`;
  return buildMesh({
    name: "gen",
    domain: "gen.example.com",
    clusters: [...Array.from({ length: C }, (_, i) => c(i)), "client"].map((name) => ({
      name,
      ingress: { address: `${name}.lb.example.net` },
    })),
    members: [
      { cluster: "c*", namespace: "team-*", ...(calls && { sidecarScope: true }) },
      { cluster: "client", namespace: "app", ...(calls && { sidecarScope: true }) },
    ],
    services: [
      ...Array.from({ length: S }, (_, i) => ({
        name: `svc-${i}`,
        namespace: `team-${Math.floor(i / C) % 5}`,
        clusters: [c(i % C)],
        ports: [{ number: 8080, name: "http" }],
        ...(calls && { calls: [1, 2, 3].map((d) => `svc-${(i + d) % S}`) }),
      })),
      {
        name: "caller",
        namespace: "app",
        clusters: ["client"],
        ports: [{ number: 8080, name: "http" }],
        ...(calls && { calls: Array.from({ length: k }, (_, i) => `svc-${i}`) }),
      },
    ],
  });
}

const objectsIn = (b: MeshBuild, cluster: string) => b.compiled.objects.get(cluster)!.length;

test("a client cluster's objects are linear in the services it calls, and independent of the mesh's size", () => {
  for (const S of [40, 160]) {
    const f = (k: number) => objectsIn(generated(4, S, k), "client");
    const base = f(0);
    const perCall = f(1) - base;
    expect(perCall).toBeGreaterThan(0);
    for (const k of [4, 8, 16]) expect([S, k, f(k)]).toEqual([S, k, base + k * perCall]);
    // The same k in a mesh four times larger costs the client the same.
    expect(f(8)).toBe(objectsIn(generated(4, 40, 8), "client"));
  }
  // Without declared calls, the client holds objects for every service of the mesh.
  expect(objectsIn(generated(4, 160, 8, false), "client")).toBeGreaterThan(
    4 * objectsIn(generated(4, 40, 8, false), "client") - 40,
  );
});

test("hosts per sidecar ≤ declared calls + local services; without calls, every global host", () => {
  const scoped = generated(5, 200, 6);
  const open = generated(5, 200, 6, false);
  let checked = 0;
  for (const cluster of scoped.model.clusters)
    for (const ns of cluster.namespaces) {
      const calls = cluster.calls?.[ns];
      if (!calls) throw new Error(`${cluster.name}/${ns} should be declared`);
      const local = scoped.model.services.filter((s) => s.namespace === ns && s.clusters.includes(cluster.name));
      const hosts = hostsPerSidecar(scoped.compiled, cluster.name, ns);
      expect(hosts.length).toBeLessThanOrEqual(calls.length + local.length);
      // Exactly the callees' hosts: scoping hides no declared call.
      expect(hosts).toEqual(calls.map((c) => `${c}.gen.example.com`).sort());
      expect(hostsPerSidecar(open.compiled, cluster.name, ns)).toHaveLength(201);
      checked++;
    }
  expect(checked).toBe(5 * 5 + 1);
  expect(hostsPerSidecar(scoped.compiled, "client", "app")).toHaveLength(6);
});

test("the whole mesh shrinks: declared calls compile to a fraction of the objects", () => {
  const total = (b: MeshBuild) => [...b.compiled.objects.values()].reduce((n, l) => n + l.length, 0);
  expect(total(generated(20, 300, 3)) * 4).toBeLessThan(total(generated(20, 300, 3, false)));
});

test("no two DestinationRules on one host in one namespace differ in exportTo (Istio would merge neither)", () => {
  const unmerged = (b: MeshBuild) =>
    auditWiring(b.compiled.objects).filter((f) => f.what.startsWith("DestinationRules on one host in one namespace"));
  const scoped = generated(5, 200, 6);
  expect(unmerged(scoped)).toEqual([]);
  expect(unmerged(buildMesh(scopedSpec()))).toEqual([]);
  // The egress subsets of every service in the client cluster share one host and one audience.
  const subsets = scoped.compiled.objects
    .get("client")!
    .filter((o) => o.kind === "DestinationRule" && o.spec.host.startsWith("istio-egressgateway."));
  expect(subsets).toHaveLength(6);
  expect(new Set(subsets.map((o) => JSON.stringify(o.kind === "DestinationRule" && o.spec.exportTo))).size).toBe(1);
});
