import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { Io } from "../../sdk/src/cli/io";
import { main } from "../../sdk/src/cli/main";
import { gatewayName } from "../../sdk/src/mesh";
import { ROOT } from "../helpers/fixtures";

function capture(tty = false, env: Record<string, string> = {}): Io & { out: string; err: string } {
  const io = {
    cwd: ROOT,
    isTTY: tty,
    env,
    out: "",
    err: "",
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

const A = "examples/acme-fitness";
const F = "test/fixtures";
const MANIFESTS = [
  "--manifests",
  `cluster1=${A}/manifests/cluster1.yaml`,
  "--manifests",
  `cluster2=${A}/manifests/cluster2.yaml`,
];
/** acme-fitness before and after moving catalog from cluster2 to cluster1 (same spec, the manifests say where it runs). */
const MOVE_CATALOG = [
  "diff",
  `${A}/gns.yaml`,
  `${A}/gns.yaml`,
  ...MANIFESTS,
  "--new-manifests",
  `cluster1=${F}/acme-catalog-moved/cluster1.yaml`,
  "--new-manifests",
  `cluster2=${F}/acme-catalog-moved/cluster2.yaml`,
];
const CATALOG = "istio-gateways/gns.acme-fitness.catalog";
/** Gateway names are DNS labels (`gatewayName`). */
const GATEWAY = (role: "egress" | "ingress") => `istio-gateways/${gatewayName("acme-fitness", "catalog", role)}`;
const C = "test/cli/fixtures";

/** The lines of one cluster's section (from its name to the next blank line). */
function section(out: string, cluster: string): string[] {
  const lines = out.split("\n");
  const start = lines.indexOf(cluster);
  expect(start).toBeGreaterThan(0);
  const end = lines.indexOf("", start);
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe("moving catalog from cluster2 to cluster1", () => {
  const io = capture();
  let code: number;
  beforeAll(async () => {
    code = await main(MOVE_CATALOG, io);
  });

  test("exits 1 (changes) and explains the move first, then counts per cluster", () => {
    expect(code).toBe(1);
    expect(io.err).toBe("");
    // cluster1 trades its client side of catalog (remote rule, egress gateway, its policy, subsets, one route) for
    // the serving side (ingress gateway, its policy, the ingress hop's rule, one route); cluster2 the other way round;
    // both keep their host entry (entry, route).
    expect(io.out.split("\n").slice(0, 5)).toEqual([
      "catalog.acme.example.com moves from cluster2 to cluster1",
      "cluster1: 5 objects removed, 4 added, 2 changed",
      "cluster2: 4 objects removed, 5 added, 2 changed",
      "total: 9 objects removed, 9 added, 4 changed in 2 clusters; 1 service changes",
      "",
    ]);
  });

  test("lists cluster1's objects removed, added and changed by name", () => {
    const objects = section(io.out, "cluster1").filter((l) => /^ {2}[-+~] /.test(l));
    expect(objects).toEqual([
      `  - AuthorizationPolicy ${CATALOG}.egress`,
      `  - DestinationRule ${CATALOG}`,
      `  - DestinationRule ${CATALOG}.egress`,
      `  - Gateway ${GATEWAY("egress")}`,
      `  - VirtualService ${CATALOG}.egress.8082`,
      `  + AuthorizationPolicy ${CATALOG}.ingress`,
      `  + DestinationRule ${CATALOG}.ingress`,
      `  + Gateway ${GATEWAY("ingress")}`,
      `  + VirtualService ${CATALOG}.ingress.8082`,
      `  ~ ServiceEntry ${CATALOG}`,
      `  ~ VirtualService ${CATALOG}`,
    ]);
  });

  test("shows field by field that cluster1's entry now points at the local Service instead of cluster2's ingress", () => {
    const lines = section(io.out, "cluster1");
    const entry = lines.slice(
      lines.indexOf(`  ~ ServiceEntry ${CATALOG}`) + 1,
      lines.indexOf(`  ~ VirtualService ${CATALOG}`),
    );
    expect(entry).toEqual(
      expect.arrayContaining([
        '      ~ spec.endpoints[0].address: "a1b2c3d4e5f6.elb.us-east-2.amazonaws.com" → "catalog.default.svc.cluster.local"',
        '      ~ spec.endpoints[0].ports["http-catalog"]: 443 → 8082',
        '      - spec.endpoints[0].locality: "us-east-2"',
      ]),
    );
    // The virtual IP stays: no line touches spec.addresses.
    expect(io.out).not.toContain("spec.addresses");
  });

  test("plain text when stdout is not a terminal", () => {
    expect(io.out).not.toContain("\x1b[");
  });
});

test("colour on a terminal, none when NO_COLOR is set", async () => {
  const tty = capture(true);
  expect(await main(MOVE_CATALOG, tty)).toBe(1);
  expect(tty.out).toContain(`\x1b[31m  - DestinationRule ${CATALOG}\x1b[0m`);
  expect(tty.out).toContain(`\x1b[32m  + Gateway ${GATEWAY("ingress")}\x1b[0m`);
  const noColor = capture(true, { NO_COLOR: "1" });
  expect(await main(MOVE_CATALOG, noColor)).toBe(1);
  expect(noColor.out).not.toContain("\x1b[");
  expect(stripVTControlCharacters(tty.out)).toBe(noColor.out);
});

test("identical GlobalNamespaces, even written in another order: no changes, exit 0", async () => {
  for (const newSpec of [`${A}/gns.yaml`, `${C}/acme-reordered.yaml`]) {
    const io = capture();
    expect(await main(["diff", `${A}/gns.yaml`, newSpec, ...MANIFESTS], io)).toBe(0);
    expect(io.out).toBe("no changes\n");
  }
});

test("the shared --manifests may name a cluster only one side has: each side takes the clusters it lists", async () => {
  // cluster3 (only in the new spec) runs a Service of its own, which nobody else runs.
  const dir = mkdtempSync(join(tmpdir(), "gm-diff-"));
  const points = join(dir, "cluster3.yaml");
  writeFileSync(
    points,
    "apiVersion: v1\nkind: Service\nmetadata: { name: points, namespace: default }\nspec: { selector: { app: points }, ports: [{ name: http, port: 7000 }] }\n",
  );
  const cluster3 = ["--manifests", `cluster3=${points}`];
  const io = capture();
  // Refused on neither side; read on the new one (cluster3 then serves points, so it would need an ingress to be
  // called: the new side says so, naming its own spec file).
  expect(await main(["diff", `${A}/gns.yaml`, `${F}/acme-cluster3.yaml`, ...MANIFESTS, ...cluster3], io)).toBe(2);
  expect(io.err).toMatch(/^test\/fixtures\/acme-cluster3\.yaml: invalid GlobalNamespace spec/);
  expect(io.err).toMatch(/cluster cluster3 runs points, called from other clusters, so it needs ingress\.address/);
  expect(io.err).not.toMatch(/not a member/);
  // A side's own manifests must still name one of its clusters.
  const strict = capture();
  expect(
    await main(
      [
        "diff",
        `${A}/gns.yaml`,
        `${F}/acme-cluster3.yaml`,
        ...MANIFESTS,
        "--old-manifests",
        `cluster3=${A}/manifests/cluster1.yaml`,
      ],
      strict,
    ),
  ).toBe(2);
  expect(strict.err).toMatch(/cluster3/);
});

test("a cluster joining: said first; the others admit its egress gateway; its 71 objects (10 services × 7, mTLS)", async () => {
  const io = capture();
  expect(await main(["diff", `${A}/gns.yaml`, `${F}/acme-cluster3.yaml`, ...MANIFESTS], io)).toBe(1);
  // Every ingress Gateway and its AuthorizationPolicy now also admit cluster3's egress gateway: 8 services in
  // cluster1, 2 in cluster2.
  expect(io.out.split("\n").slice(0, 5)).toEqual([
    "cluster cluster3 joins",
    "rule { cluster: cluster3, namespace: default } added",
    "cluster1: 16 objects changed",
    "cluster2: 4 objects changed",
    "cluster3 (joins): 71 objects added",
  ]);
  expect(section(io.out, "cluster3")).toHaveLength(71);
  expect(section(io.out, "cluster3")).toContain("  + PeerAuthentication default/gns.acme-fitness.mtls");
});

test("invalid input exits 2 and names the file, the field and its line", async () => {
  const io = capture();
  expect(await main(["diff", `${A}/gns.yaml`, `${F}/acme-invalid.yaml`], io)).toBe(2);
  expect(io.out).toBe("");
  expect(io.err).toMatch(
    /^test\/fixtures\/acme-invalid\.yaml: invalid GlobalNamespace spec \(1 problem\)\n {2}- test\/fixtures\/acme-invalid\.yaml:3:9: domain: "acme_example" is not a DNS domain/,
  );
});

test.each([
  [["diff", `${A}/gns.yaml`], /diff needs two spec files/],
  [
    ["diff", `${A}/gns.yaml`, `${A}/gns.yaml`, "--old-manifests", "cluster1"],
    /--manifests: "cluster1" is not <cluster>=<file-or-directory>/,
  ],
  [["diff", `${A}/gns.yaml`, "missing.yaml"], /new spec: "missing\.yaml" cannot be read \(ENOENT\)/],
])("usage error %#: exit 2", async (argv, message) => {
  const io = capture();
  expect(await main(argv, io)).toBe(2);
  expect(io.err).toMatch(message);
});

test("the globalmesh bin runs diff with the same exit codes", () => {
  const bin = (args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "sdk/bin/globalmesh.js"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "" },
    });
  const moved = bin(MOVE_CATALOG);
  expect(moved.stderr).toBe("");
  expect(moved.status).toBe(1);
  expect(moved.stdout.split("\n")[0]).toBe("catalog.acme.example.com moves from cluster2 to cluster1");
  const same = bin(["diff", `${A}/gns.yaml`, `${A}/gns.yaml`, ...MANIFESTS]);
  expect([same.status, same.stdout]).toEqual([0, "no changes\n"]);
  expect(bin(["diff", `${A}/gns.yaml`, `${F}/acme-invalid.yaml`]).status).toBe(2);
});

describe("-o json: a DiffResult document", () => {
  test("the move of catalog: the same facts as the text, objects by kind/namespace/name", async () => {
    const io = capture();
    expect(await main([...MOVE_CATALOG, "-o", "json"], io)).toBe(1);
    const doc = JSON.parse(io.out);
    expect(doc).toMatchObject({
      apiVersion: "globalmesh.io/v1",
      kind: "DiffResult",
      changed: true,
      totals: { added: 9, removed: 9, changed: 4, clusters: 2, services: 1 },
      globalNamespace: [],
      access: [],
      services: [
        { service: "catalog", host: "catalog.acme.example.com", changes: ["moves from cluster2 to cluster1"] },
      ],
    });
    expect(doc.clusters.map((c: any) => c.cluster)).toEqual(["cluster1", "cluster2"]);
    const c1 = doc.clusters[0];
    expect(c1.removed).toHaveLength(5);
    expect(c1.removed[0]).toEqual({
      kind: expect.any(String),
      namespace: expect.any(String),
      name: expect.any(String),
    });
    expect(c1.changed[0].fields[0]).toEqual(
      expect.objectContaining({ path: expect.any(String), op: expect.stringMatching(/^(added|removed|changed)$/) }),
    );
  });

  test("a cluster joining: its membership, its 71 objects", async () => {
    const io = capture();
    expect(await main(["diff", `${A}/gns.yaml`, `${F}/acme-cluster3.yaml`, ...MANIFESTS, "-o", "json"], io)).toBe(1);
    const doc = JSON.parse(io.out);
    const c3 = doc.clusters.find((c: any) => c.cluster === "cluster3");
    expect(c3).toMatchObject({ membership: "joins" });
    expect(c3.added).toHaveLength(71);
    expect(doc.totals).toEqual({ added: 71, removed: 0, changed: 20, clusters: 3, services: 0 });
  });

  test("no changes: changed false, exit 0", async () => {
    const io = capture();
    expect(await main(["diff", `${A}/gns.yaml`, `${A}/gns.yaml`, ...MANIFESTS, "-o", "json"], io)).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({
      kind: "DiffResult",
      changed: false,
      clusters: [],
      totals: { added: 0 },
    });
  });
});

test("--quiet prints nothing; the exit code says it", async () => {
  for (const [argv, code] of [
    [MOVE_CATALOG, 1],
    [["diff", `${A}/gns.yaml`, `${A}/gns.yaml`, ...MANIFESTS], 0],
  ] as const) {
    const io = capture();
    expect(await main([...argv, "--quiet"], io)).toBe(code);
    expect(io.out).toBe("");
    expect(io.err).toBe("");
  }
});

test("the new spec on standard input (-)", async () => {
  const io = Object.assign(capture(), { stdin: () => readFileSync(join(ROOT, F, "acme-cluster3.yaml"), "utf8") });
  expect(await main(["diff", `${A}/gns.yaml`, "-", ...MANIFESTS], io)).toBe(1);
  expect(io.out.split("\n")[0]).toBe("cluster cluster3 joins");
});
