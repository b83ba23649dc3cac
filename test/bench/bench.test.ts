import { calleesOf, generateArgs, generateSpec, homesOf, namespaceOf, serviceName } from "../../bench/generate";
import { measureMesh } from "../../bench/inprocess";
import { hostsPerSidecar, IstioObject } from "../../bench/sidecars";
import { median } from "../../bench/stats";
import { formatTables } from "../../bench/table";
import type { BenchResults } from "../../bench/run";
import { compileArgs } from "../../sdk/src/gns/toSpec";
import { GlobalNamespaceArgs } from "../../sdk/src/gns/args";
import { buildMesh, MeshObject } from "../../sdk/src/mesh";

/** The bench's generator and measurements, on meshes small enough for a test: they must keep running and be right. */

type Spec = {
  clusters: { name: string }[];
  services: { name: string; namespace: string; clusters: string[]; calls?: string[] }[];
};

test("the generator's mesh: one service in ten runs in two clusters, each calls the next three, specs are valid", () => {
  const spec = generateSpec({ clusters: 4, services: 40 }, { calls: true }) as unknown as Spec;
  expect(spec.services).toHaveLength(40);
  expect(spec.services.filter((s) => s.clusters.length === 2)).toHaveLength(4);
  for (const [i, s] of spec.services.entries()) {
    expect(s.calls).toEqual([1, 2, 3].map((k) => serviceName((i + k) % 40, 40)));
    expect(s.clusters).toEqual(homesOf(i, 4).map((c) => spec.clusters[c].name));
  }
  // Every cluster holds services of several namespaces, so a namespace's Sidecar is not its cluster's whole set.
  for (let c = 0; c < 4; c++)
    expect(new Set(spec.services.filter((_, i) => homesOf(i, 4).includes(c)).map((s) => s.namespace)).size).toBe(10);
  expect(() => buildMesh(spec)).not.toThrow();
  expect(() =>
    compileArgs("bench", generateArgs({ clusters: 4, services: 40 }) as unknown as GlobalNamespaceArgs),
  ).not.toThrow();
  expect(() => generateSpec({ clusters: 0, services: 3 })).toThrow(/at least one cluster/);
});

test("without declared calls every sidecar knows every global host", () => {
  const build = buildMesh(generateSpec({ clusters: 3, services: 30 }));
  const hosts = hostsPerSidecar(build.compiled.objects, ["team-0", "team-1", "team-2"]);
  expect(hosts).toEqual({ sidecars: 9, scoped: 0, mean: 30, max: 30 });
});

test("with declared calls each sidecar knows its namespace's callees and at most declared calls + local services", () => {
  const [C, S] = [5, 60];
  const build = buildMesh(generateSpec({ clusters: C, services: S }, { calls: true }));
  for (const [c, cluster] of [...build.compiled.objects.keys()].entries())
    for (const ns of ["team-0", "team-1", "team-2", "team-3", "team-4"]) {
      const local = Array.from({ length: S }, (_, i) => i).filter(
        (i) => namespaceOf(i, C) === ns && homesOf(i, C).includes(c),
      );
      const callees = new Set(local.flatMap((i) => calleesOf(i, S)));
      const seen = visible(build.compiled.objects.get(cluster)!, ns);
      for (const j of callees) expect(seen).toContain(`${serviceName(j, S)}.bench.example.com`);
      expect(seen.length).toBeLessThanOrEqual(local.length * 3 + local.length);
    }
});

/** The hosts one namespace's sidecars know, by measuring that namespace alone (hostsPerSidecar's count, with names). */
function visible(objects: MeshObject[], ns: string): string[] {
  const hosts = objects
    .filter((o) => o.kind === "ServiceEntry")
    .flatMap((o) => (o.spec as { hosts: string[] }).hosts)
    .filter((h) => {
      const only = objects.filter(
        (o) => o.kind !== "ServiceEntry" || (o.spec as { hosts: string[] }).hosts.includes(h),
      );
      return hostsPerSidecar(new Map([["x", only]]), [ns]).max === 1;
    });
  return [...new Set(hosts)];
}

test("Sidecar egress hosts select entries as Istio does: namespace (or * or .) and exact, * or *.suffix names", () => {
  const entry = (name: string, ns: string, exportTo?: string[]): IstioObject => ({
    kind: "ServiceEntry",
    metadata: { name, namespace: ns },
    spec: { hosts: [`${name}.x.example`], ...(exportTo && { exportTo }) },
  });
  const sidecar = (ns: string, hosts: string[]): IstioObject => ({
    kind: "Sidecar",
    metadata: { name: "s", namespace: ns },
    spec: { egress: [{ hosts }] },
  });
  const objects = [
    entry("a", "gw", ["app"]),
    entry("b", "gw", ["other"]),
    entry("c", "gw"),
    entry("d", "app", ["."]),
    entry("e", "gw", ["*"]),
  ];
  const count = (hosts?: string[]) =>
    hostsPerSidecar(new Map([["k", hosts ? [...objects, sidecar("app", hosts)] : objects]]), ["app"]).max;
  expect(count()).toBe(4); // a, c, d, e: b is exported elsewhere
  expect(count(["gw/a.x.example"])).toBe(1);
  expect(count(["*/*.x.example"])).toBe(4);
  expect(count(["./*"])).toBe(1); // d, the namespace's own
  expect(count(["gw/*"])).toBe(3);
  expect(count(["other/*"])).toBe(0);
});

test("one tiny bench iteration: in-process numbers for a 2 × 10 mesh and the tables print them", () => {
  const m = measureMesh({ clusters: 2, services: 10 }, 1, 0, true);
  const build = buildMesh(generateSpec({ clusters: 2, services: 10 }));
  const objects = [...build.compiled.objects.values()].map((l) => l.length);
  expect(m.objects).toBe(objects.reduce((a, b) => a + b, 0));
  expect(m.objectsPerCluster).toEqual({
    min: Math.min(...objects),
    median: median(objects),
    max: Math.max(...objects),
  });
  expect(m.totalBytes).toBeGreaterThan(m.objects * 200);
  expect(m.compileMs).toBeGreaterThan(0);
  // Declared calls add a Sidecar per namespace: at 2 clusters every service is called, so nothing is skipped.
  expect(m.withCalls).toMatchObject({ objects: m.objects + 2 * 10 });
  const results: BenchResults = {
    date: "",
    machine: { cpus: 2, model: "test", memoryGb: 1, node: "v20", loadavgStart: [1, 1, 1], loadavgEnd: [2, 2, 2] },
    options: { quick: true, runs: 1, sizes: ["2x10"] },
    meshes: [m],
    processes: [],
    registration: [],
    totalSeconds: 1,
  };
  const text = formatTables(results);
  expect(text).toContain(`| 2 × 10 | ${m.objects} |`);
  expect(text).toMatch(/load average .*1\.00 \/ 1\.00 \/ 1\.00 at start/);
});

test("median", () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 2, 3])).toBe(2.5);
});
