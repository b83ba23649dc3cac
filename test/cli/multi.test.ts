import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { main } from "../../sdk/src/cli/main";
import { deriveVip } from "../../sdk/src/mesh";
import { ROOT } from "../helpers/fixtures";
import { capture } from "../helpers/cli";

/** Several GlobalNamespaces in one run: `--spec` more than once. */

const A = join(ROOT, "examples/acme-fitness");
const ACME_SPEC = ["--spec", `${A}/gns.yaml`];
const BILLING_SPEC = ["--spec", join(ROOT, "test/cli/fixtures/billing.yaml")];
const MANIFESTS = [
  "--manifests",
  `cluster1=${A}/manifests/cluster1.yaml`,
  "--manifests",
  `cluster2=${A}/manifests/cluster2.yaml`,
];

const objectsIn = (file: string) => parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS());
const gnsOf = (o: any) => o.metadata.labels["globalmesh.io/global-namespace"];

describe("render with acme-fitness and billing", () => {
  const out = mkdtempSync(join(tmpdir(), "gm-multi-"));
  const io = capture();
  let code: number;
  beforeAll(async () => {
    code = await main(["render", ...ACME_SPEC, ...BILLING_SPEC, ...MANIFESTS, "--out", out], io);
  });

  test("one file per cluster of either GlobalNamespace; the shared cluster's holds both, in spec order", () => {
    expect([code, io.err]).toEqual([0, ""]);
    expect(readdirSync(out).sort()).toEqual(["cluster1.yaml", "cluster2.yaml", "cluster3.yaml"]);
    expect(new Set(objectsIn(join(out, "cluster1.yaml")).map(gnsOf))).toEqual(new Set(["acme-fitness"]));
    expect(new Set(objectsIn(join(out, "cluster3.yaml")).map(gnsOf))).toEqual(new Set(["billing"]));
    const shared = objectsIn(join(out, "cluster2.yaml")).map(gnsOf);
    const firstBilling = shared.indexOf("billing");
    expect(firstBilling).toBeGreaterThan(0);
    expect(shared.slice(0, firstBilling).every((g) => g === "acme-fitness")).toBe(true);
    expect(shared.slice(firstBilling).every((g) => g === "billing")).toBe(true);
  });

  test("the same objects as each GlobalNamespace rendered alone", async () => {
    const alone = mkdtempSync(join(tmpdir(), "gm-alone-"));
    expect(await main(["render", ...ACME_SPEC, ...MANIFESTS, "--out", alone], capture())).toBe(0);
    const acme = objectsIn(join(alone, "cluster2.yaml"));
    expect(objectsIn(join(out, "cluster2.yaml")).slice(0, acme.length)).toEqual(acme);
  });

  test("a summary per GlobalNamespace, each naming the files its objects went to", () => {
    expect(io.out).toMatch(/^GlobalNamespace acme-fitness \(\*\.acme\.example\.com\)/m);
    expect(io.out).toMatch(/^GlobalNamespace billing \(\*\.billing\.example\.com\): 1 service in 2 clusters$/m);
    expect(io.out).toMatch(/^ {2}cluster3 +\d+ objects +→ .*cluster3\.yaml$/m);
  });
});

test("check and graph take several --spec too", async () => {
  const io = capture();
  expect(await main(["check", ...ACME_SPEC, ...BILLING_SPEC, ...MANIFESTS], io)).toBe(0);
  expect(io.out.match(/^GlobalNamespace /gm)).toHaveLength(2);
  const dir = mkdtempSync(join(tmpdir(), "gm-graphs-"));
  const g = capture();
  expect(
    await main(["graph", ...ACME_SPEC, ...BILLING_SPEC, ...MANIFESTS, "--out", join(dir, "topology.mmd")], g),
  ).toBe(0);
  expect(readdirSync(dir).sort()).toEqual(["topology.acme-fitness.mmd", "topology.billing.mmd"]);
  expect(g.out).toMatch(/topology\.billing\.mmd: 2 clusters, 1 service, 1 cross-cluster route/);
});

describe("claims across GlobalNamespaces: exit 2, both named, nothing written", () => {
  const rival = (service: string) =>
    [
      "name: rival",
      "domain: acme.example.com",
      "clusters: [{ name: cluster1, ingress: { address: 203.0.113.10 } }, { name: cluster3 }]",
      "members: [{ cluster: cluster1, namespace: rival }, { cluster: cluster3, namespace: rival }]",
      `services: [${service}]`,
    ].join("\n") + "\n";
  const cases: [string, string, RegExp][] = [
    [
      "the same host",
      "{ name: catalog, namespace: rival, clusters: [cluster1], ports: [{ number: 80, name: http }] }",
      /^GlobalNamespaces claim the same names \(1 problem\)\n {2}- catalog\.acme\.example\.com: claimed by GlobalNamespace acme-fitness \(service catalog\) and by GlobalNamespace rival \(service catalog\); a host belongs to one GlobalNamespace: give one of them another domain/,
    ],
    [
      "the same virtual IP",
      `{ name: points, namespace: rival, clusters: [cluster1], ports: [{ number: 80, name: http }], address: ${deriveVip("acme-fitness", "catalog.acme.example.com")} }`,
      /virtual IP of catalog\.acme\.example\.com \(GlobalNamespace acme-fitness\) and of points\.acme\.example\.com \(GlobalNamespace rival\); pin another address/,
    ],
  ];
  test.each(cases)("%s", async (_name, service, message) => {
    const dir = mkdtempSync(join(tmpdir(), "gm-claims-"));
    writeFileSync(join(dir, "rival.yaml"), rival(service));
    const io = capture(dir);
    expect(await main(["render", ...ACME_SPEC, "--spec", "rival.yaml", ...MANIFESTS, "--out", "out"], io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  test("the same GlobalNamespace twice", async () => {
    const io = capture();
    expect(await main(["check", ...ACME_SPEC, ...ACME_SPEC, ...MANIFESTS], io)).toBe(2);
    expect(io.err).toMatch(/- acme-fitness: GlobalNamespace acme-fitness is given twice \(specs 1 and 2\)/);
  });
});

test.each([
  [
    "manifests of a cluster no spec lists",
    [...ACME_SPEC, ...BILLING_SPEC, "--manifests", `cluster9=${A}/manifests/cluster1.yaml`],
    /manifests given for cluster "cluster9", which is not a member of any GlobalNamespace given; known clusters: cluster1, cluster2, cluster3/,
  ],
  [
    "an invalid second spec, named by its file and line",
    [...ACME_SPEC, "--spec", "test/fixtures/acme-invalid.yaml"],
    /^test\/fixtures\/acme-invalid\.yaml: invalid GlobalNamespace spec \(1 problem\)\n {2}- test\/fixtures\/acme-invalid\.yaml:3:9: domain: /,
  ],
  ["an empty --spec", ["--spec", ""], /check needs --spec <gns\.yaml>/],
])("%s: exit 2", async (_name, args, message) => {
  const io = capture();
  expect(await main(["check", ...args], io)).toBe(2);
  expect(io.err).toMatch(message);
});
