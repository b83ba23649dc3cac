import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSpec } from "../../bench/generate";
import { clusterDocuments } from "../../sdk/src/cli/clusterDocuments";
import { emissionThreads, emitInWorkers, MAX_DEFAULT_THREADS, WORKERS_FROM } from "../../sdk/src/cli/emitInWorkers";
import { main } from "../../sdk/src/cli/main";
import { buildMesh, MeshBuild } from "../../sdk/src/mesh";
import { capture } from "../helpers/cli";

/** Render on several threads (emitInWorkers.ts): the same files, summary and apply order as on one. */

const SIZE = { clusters: 5, services: 40 };

/** A directory holding the spec as gns.json, and a render into its `out` with GLOBALMESH_JOBS set. */
function renderer(jobs: string) {
  const dir = mkdtempSync(join(tmpdir(), `gm-threads-${jobs}-`));
  return {
    dir,
    async render(spec: unknown, ...flags: string[]) {
      writeFileSync(join(dir, "gns.json"), JSON.stringify(spec));
      const io = Object.assign(capture(dir), { env: { GLOBALMESH_JOBS: jobs } });
      const code = await main(["render", "--spec", "gns.json", "--out", "out", ...flags], io);
      return { code, out: io.out, err: io.err };
    },
    files: () => Object.fromEntries(readdirSync(join(dir, "out")).map((f) => [f, readFileSync(join(dir, "out", f))])),
  };
}

test("two threads write byte for byte the files of one, with the same summary and apply order", async () => {
  const [one, two] = [renderer("1"), renderer("2")];
  const spec = generateSpec(SIZE);
  const first = [await one.render(spec), await two.render(spec)];
  expect(first.map((r) => r.code)).toEqual([0, 0]);
  expect(first[1].out).toBe(first[0].out);
  expect(first[0].out).toMatch(/Objects per cluster:\n {2}c00 {2}\s*\d+ objects/);
  expect(Object.keys(one.files())).toHaveLength(SIZE.clusters);
  expect(two.files()).toEqual(one.files());

  // A change: the last cluster leaves (it stops serving: last), the others drop its services.
  const smaller = generateSpec({ clusters: SIZE.clusters - 1, services: SIZE.services });
  const second = [await one.render(smaller, "--prune"), await two.render(smaller, "--prune")];
  expect(second.map((r) => r.code)).toEqual([0, 0]);
  expect(second[1].out).toBe(second[0].out);
  expect(second[0].out).toMatch(/Apply order: .*c04's objects|Apply order: .*c04 last/);
  expect(two.files()).toEqual(one.files());

  // Nothing changed: found without a difference in any file; -o json says how many threads emitted.
  const third = await two.render(smaller, "-o", "json");
  expect(JSON.parse(third.out)).toMatchObject({ threads: 2, applyOrder: { basis: "out", then: [], first: [] } });
  expect(JSON.parse((await one.render(smaller, "-o", "json")).out)).toMatchObject({ threads: 1 });
});

test("GLOBALMESH_JOBS that is not a whole number of threads: exit 2 naming it, nothing written", async () => {
  const bad = renderer("two");
  const r = await bad.render(generateSpec({ clusters: 2, services: 3 }));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/GLOBALMESH_JOBS.*"two".*whole number of threads/);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(readdirSync(bad.dir)).toEqual(["gns.json"]);
});

test("threads: GLOBALMESH_JOBS when set (at most one per cluster), else the cores for a large mesh, else one", () => {
  for (const bad of ["0", " 2", "0x2", "1.5", "-1"])
    expect(() => emissionThreads([], { GLOBALMESH_JOBS: bad })).toThrow(/GLOBALMESH_JOBS/);
  const small = buildMesh(generateSpec({ clusters: 3, services: 10 }));
  expect(emissionThreads([small], {})).toBe(1);
  expect(emissionThreads([small], { GLOBALMESH_JOBS: "2" })).toBe(2);
  expect(emissionThreads([small], { GLOBALMESH_JOBS: "16" })).toBe(3);
  // Large by its (cluster, service) pairs: the model alone says so, nothing compiled.
  const services = Math.ceil(WORKERS_FROM / 3);
  const large = buildMesh(generateSpec({ clusters: 3, services }));
  expect(emissionThreads([large], {})).toBeGreaterThanOrEqual(1);
  expect(emissionThreads([large], {})).toBeLessThanOrEqual(Math.min(3, MAX_DEFAULT_THREADS));
  expect(emissionThreads([large], { GLOBALMESH_JOBS: "1" })).toBe(1);
});

test("a worker's failure reaches the render as an error (no hang), naming the worker and the cause", () => {
  const build: MeshBuild = buildMesh(generateSpec({ clusters: 2, services: 4 }));
  // Two services of one name: the compiler refuses the cluster (two objects of one name), in the worker.
  build.model.services.push({ ...build.model.services[0] });
  const emission = emitInWorkers([build], ["c00", "c01"], 2);
  try {
    expect(() => [...emission.clusters[0].documents()]).toThrow(/render worker 0: .*two objects named/);
  } finally {
    emission.close();
  }
});

test("worker documents are those of the main thread, batch for batch, with the counts per GlobalNamespace", () => {
  const builds = [buildMesh(generateSpec({ clusters: 3, services: 12 }))];
  const emission = emitInWorkers(builds, ["c00", "c01", "c02"], 2);
  try {
    for (const c of emission.clusters) {
      const here = clusterDocuments(builds, c.cluster);
      expect([...c.documents()]).toEqual([...here.documents()]);
      expect(c.counts).toEqual(here.counts);
      expect(c.counts[0]).toBe(builds[0].compiled.objects.get(c.cluster)?.length);
    }
  } finally {
    emission.close();
  }
});

test("--previous on two threads orders as on one", async () => {
  const [one, two] = [renderer("1"), renderer("2")];
  const bigger = generateSpec(SIZE);
  const smaller = generateSpec({ clusters: SIZE.clusters - 1, services: SIZE.services });
  const lines: string[] = [];
  for (const r of [one, two]) {
    writeFileSync(join(r.dir, "old.json"), JSON.stringify(smaller));
    const { code, out } = await r.render(bigger, "--previous", "old.json");
    expect(code).toBe(0);
    lines.push(out.split("\n").find((l) => l.startsWith("Apply order:")) ?? "");
  }
  expect(lines[0]).toMatch(/^Apply order: .*c04.* first/);
  expect(lines[1]).toBe(lines[0]);
});
