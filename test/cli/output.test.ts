import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { applyOrder, applyOrderText } from "../../sdk/src/cli/applyOrder";
import { HEADER, isOwnedText, writeOutputDir } from "../../sdk/src/cli/files";
import { main } from "../../sdk/src/cli/main";
import { renderYaml } from "../../sdk/src/mesh";
import { ROOT } from "../helpers/fixtures";
import { capture, ACME_ARGS } from "../helpers/cli";

/** Issue 13, items 2 and 4: all-or-nothing writes, the header, --prune, --layout kustomize, apply order, nothing exported. */

const A = join(ROOT, "examples/acme-fitness");
const BILLING = ["--spec", join(ROOT, "test/cli/fixtures/billing.yaml")];
const ACME = ["--spec", `${A}/gns.yaml`, "--manifests", `cluster1=${A}/manifests/cluster1.yaml`];
const ACME_BOTH = [...ACME, "--manifests", `cluster2=${A}/manifests/cluster2.yaml`];

const fresh = () => join(mkdtempSync(join(tmpdir(), "gm-out-")), "out");
/** Temporary directories globalmesh left beside or inside `out`. */
const leftovers = (out: string) =>
  [
    ...readdirSync(dirname(out)),
    ...(statSync(out, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(out) : []),
  ].filter((f) => f.includes(".globalmesh-"));
const render = async (args: string[], out: string, ...extra: string[]) => {
  const io = capture();
  const code = await main(["render", ...args, "--out", out, ...extra], io);
  return { code, io };
};

test("every file starts with the header; rendering twice is byte-identical and says nothing changed", async () => {
  const out = fresh();
  const first = await render(ACME_BOTH, out);
  expect(first.code).toBe(0);
  expect(first.io.out).toMatch(/^Apply order: any \(no earlier rendering in .*out; give --previous/m);
  const files = readdirSync(out).sort();
  expect(files).toEqual(["cluster1.yaml", "cluster2.yaml"]);
  const before = files.map((f) => readFileSync(join(out, f), "utf8"));
  for (const text of before) expect(text.split("\n")[0]).toBe(HEADER);
  const again = await render(ACME_BOTH, out);
  expect(again.code).toBe(0);
  expect(again.io.out).toMatch(/^Apply order: nothing changed since the files in .*out$/m);
  expect(files.map((f) => readFileSync(join(out, f), "utf8"))).toEqual(before);
  expect(leftovers(out)).toEqual([]);
});

test("the user's own files and subdirectories in --out are never touched, --prune included", async () => {
  const out = fresh();
  mkdirSync(join(out, "mine"), { recursive: true });
  writeFileSync(join(out, "mine", "app.yaml"), "kind: ConfigMap\n");
  writeFileSync(join(out, "namespace.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n");
  writeFileSync(join(out, "README.md"), "ours\n");
  // Another rendering's file in a subdirectory carries the header, but is no cluster file of this --out.
  writeFileSync(join(out, "mine", "other.yaml"), `${HEADER}\nkind: ConfigMap\n`);
  expect((await render([...ACME_BOTH, ...BILLING], out, "--prune")).code).toBe(0);
  expect(readdirSync(out).sort()).toEqual([
    "README.md",
    "cluster1.yaml",
    "cluster2.yaml",
    "cluster3.yaml",
    "mine",
    "namespace.yaml",
  ]);
  expect(readFileSync(join(out, "namespace.yaml"), "utf8")).toMatch(/^apiVersion: v1/);
  expect(readFileSync(join(out, "mine", "app.yaml"), "utf8")).toBe("kind: ConfigMap\n");
  expect(readdirSync(join(out, "mine")).sort()).toEqual(["app.yaml", "other.yaml"]);
});

describe("a cluster no longer rendered", () => {
  test("without --prune its file stays, with a warning and the cluster last in the apply order", async () => {
    const out = fresh();
    expect((await render([...ACME_BOTH, ...BILLING], out)).code).toBe(0);
    const { code, io } = await render(ACME_BOTH, out);
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["cluster1.yaml", "cluster2.yaml", "cluster3.yaml"]);
    expect(io.err).toMatch(
      /^warning: .*cluster3\.yaml belongs to no cluster rendered now, and a GitOps controller still applies it; render with --prune to delete it$/m,
    );
    // Its file stays, so GitOps still applies it: "apply cluster3 last" would change nothing there.
    expect(io.out).toMatch(
      /^Apply order: cluster2, then delete cluster3's objects last \(render with --prune to remove its file\)$/m,
    );
  });

  test("with --prune its file goes (only files globalmesh wrote)", async () => {
    const out = fresh();
    expect((await render([...ACME_BOTH, ...BILLING], out)).code).toBe(0);
    const { code, io } = await render(ACME_BOTH, out, "--prune");
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["cluster1.yaml", "cluster2.yaml"]);
    expect(io.out).toMatch(/^Pruned: cluster3\.yaml$/m);
    expect(io.out).toMatch(/^Apply order: cluster2, then cluster3 last \(it stops serving hosts/m);
    expect(io.err).toBe("");
  });

  test("a file from before the header (every object managed by globalmesh) counts as globalmesh's", () => {
    const legacy = renderYaml([
      {
        apiVersion: "v1",
        kind: "X",
        metadata: { name: "a", namespace: "b", labels: { "app.kubernetes.io/managed-by": "globalmesh" } },
      },
    ] as any);
    expect(isOwnedText(legacy)).toBe(true);
    expect(isOwnedText("kind: Namespace\nmetadata: { name: x }\n")).toBe(false);
  });
});

describe("refused before anything is written: exit 2, the path and the fix, nothing changed, nothing left behind", () => {
  const cases: [string, (out: string) => void, RegExp][] = [
    [
      "a cluster's file without the header",
      (out) => writeFileSync(join(out, "cluster2.yaml"), "kind: ConfigMap\n"),
      /--out: ".*cluster2\.yaml" exists and globalmesh did not write it \(no header\); move it away or give another --out/,
    ],
    [
      "a symbolic link where a cluster's file goes",
      (out) => symlinkSync(join(dirname(out), "elsewhere.yaml"), join(out, "cluster2.yaml")),
      /".*cluster2\.yaml" exists and globalmesh did not write it \(a symbolic link\)/,
    ],
    [
      "a directory where a cluster's file goes",
      (out) => mkdirSync(join(out, "cluster2.yaml")),
      /".*cluster2\.yaml" exists and globalmesh did not write it \(a directory\)/,
    ],
  ];
  test.each(cases)("%s", async (_name, prepare, message) => {
    const out = fresh();
    expect((await render(ACME_BOTH, out)).code).toBe(0);
    const cluster1 = readFileSync(join(out, "cluster1.yaml"), "utf8");
    const { rmSync } = await import("node:fs");
    rmSync(join(out, "cluster2.yaml"));
    writeFileSync(join(out, "cluster1.yaml"), cluster1.replace("cluster1", "edited"));
    prepare(out);
    const { code, io } = await render(ACME_BOTH, out);
    expect(code).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.err).not.toMatch(/internal error| {4}at /);
    expect(readFileSync(join(out, "cluster1.yaml"), "utf8")).toBe(cluster1.replace("cluster1", "edited"));
    expect(existsSync(join(dirname(out), "elsewhere.yaml"))).toBe(false);
    expect(leftovers(out)).toEqual([]);
  });

  test("a file that fails while written aside: the directory as it was, no temporary directory left", () => {
    const out = fresh();
    mkdirSync(out);
    writeFileSync(join(out, "a.yaml"), `${HEADER}\nold\n`);
    const files = new Map([
      ["a.yaml", `${HEADER}\nnew\n`],
      ["x.yaml", `${HEADER}\n`],
      ["x.yaml/y.yaml", "below a file: cannot be created"],
    ]);
    expect(() => writeOutputDir(out, files, { prune: false, isStale: () => true })).toThrow(
      /cannot write ".*out" \((EEXIST|ENOTDIR)\); nothing was written/,
    );
    expect(readdirSync(out)).toEqual(["a.yaml"]);
    expect(readFileSync(join(out, "a.yaml"), "utf8")).toBe(`${HEADER}\nold\n`);
    expect(leftovers(out)).toEqual([]);
  });

  test("an --out that is a file", async () => {
    const out = fresh();
    writeFileSync(out, "x");
    const { code, io } = await render(ACME_BOTH, out);
    expect(code).toBe(2);
    expect(io.err).toMatch(/--out: ".*out" is a file, not a directory; give a directory for --out/);
    expect(readFileSync(out, "utf8")).toBe("x");
    expect(leftovers(out)).toEqual([]);
  });

  test("an --out below a file (the parent cannot be created)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gm-out-"));
    writeFileSync(join(dir, "file"), "x");
    const { code, io } = await render(ACME_BOTH, join(dir, "file", "out"));
    expect(code).toBe(2);
    expect(io.err).toMatch(/cannot write ".*file\/out" \((ENOTDIR|EEXIST)\)/);
    expect(readdirSync(dir)).toEqual(["file"]);
  });
});

test("--layout kustomize: <out>/<cluster>/globalmesh.yaml and a kustomization.yaml listing it, both with the header", async () => {
  const out = fresh();
  const { code, io } = await render(ACME_BOTH, out, "--layout", "kustomize");
  expect(code).toBe(0);
  expect(readdirSync(out).sort()).toEqual(["cluster1", "cluster2"]);
  expect(readdirSync(join(out, "cluster1")).sort()).toEqual(["globalmesh.yaml", "kustomization.yaml"]);
  const k = readFileSync(join(out, "cluster1", "kustomization.yaml"), "utf8");
  expect(k.split("\n")[0]).toBe(HEADER);
  expect(parseAllDocuments(k)[0].toJS()).toEqual({
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: ["globalmesh.yaml"],
  });
  expect(parseAllDocuments(readFileSync(join(out, "cluster1", "globalmesh.yaml"), "utf8"))).toHaveLength(63);
  expect(io.out).toMatch(/^ {2}cluster1 +63 objects +→ .*cluster1\/globalmesh\.yaml$/m);
});

describe("apply order", () => {
  const obj = (
    kind: string,
    name: string,
    spec: unknown = kind === "Gateway" ? { selector: { istio: "ingressgateway" } } : {},
  ) => ({
    kind,
    metadata: { namespace: "istio-gateways", name },
    spec,
  });
  test("the cluster that starts serving first, the one that stops serving last, the others between", () => {
    const before = new Map([
      ["a", [obj("Gateway", "svc-ingress"), obj("ServiceEntry", "x")]],
      ["b", [obj("ServiceEntry", "svc")]],
      ["c", [obj("ServiceEntry", "y")]],
      ["d", [obj("ServiceEntry", "z")]],
    ]);
    const after = new Map([
      ["a", [obj("ServiceEntry", "x")]],
      [
        "b",
        [
          obj("ServiceEntry", "svc"),
          obj("Gateway", "svc-ingress"),
          obj("Gateway", "egress", { selector: { istio: "egressgateway" } }),
        ],
      ],
      ["c", [obj("ServiceEntry", "y", { endpoints: ["b"] })]],
      ["d", [obj("ServiceEntry", "z")]],
    ]);
    const order = applyOrder(before, after, "out");
    expect(order).toEqual({ basis: "out", first: ["b"], then: ["c"], last: ["a"], unchanged: ["d"] });
    expect(applyOrderText(order, "out")).toBe(
      "Apply order: b first (it now serves hosts other clusters will route to), then c, then a last (it stops serving hosts other clusters routed to: apply once they have moved away)",
    );
  });

  test("a service moving from cluster3 to cluster2: cluster2 first, cluster3 last (--previous, then from --out)", async () => {
    const billing = readFileSync(join(ROOT, "test/cli/fixtures/billing.yaml"), "utf8");
    const dir = mkdtempSync(join(tmpdir(), "gm-move-"));
    writeFileSync(join(dir, "moved.yaml"), billing.replace("clusters: [cluster3]", "clusters: [cluster2]"));
    const moved = ["--spec", join(dir, "moved.yaml")];
    const first = "Apply order: cluster2 first (it now serves hosts other clusters will route to), then cluster3 last";
    const viaPrevious = await render(moved, fresh(), "--previous", BILLING[1]);
    expect(viaPrevious.code).toBe(0);
    expect(viaPrevious.io.out).toContain(first);
    const out = fresh();
    expect((await render(BILLING, out)).code).toBe(0);
    const viaOut = await render(moved, out);
    expect(viaOut.io.out).toContain(first);
  });

  test("--previous <spec>: relative to that spec, not to --out", async () => {
    const out = fresh();
    const { code, io } = await render(ACME_BOTH, out, "--previous", `${A}/gns.yaml`);
    expect(code).toBe(0);
    expect(io.out).toMatch(
      /^Apply order: nothing changed since --previous \(--previous compares the specs with the same manifests: a move made in the manifests is ordered from the files already in .*out, and there are none\)$/m,
    );
  });

  test("a move made in the manifests: --previous sees none (same manifests), the files in --out do", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gm-manifest-move-"));
    const spec = [
      "name: ledgers",
      "domain: ledgers.example.com",
      "clusters:",
      "  - { name: cluster2, ingress: { address: 198.51.100.32 } }",
      "  - { name: cluster3, ingress: { address: 198.51.100.33 } }",
      "members:",
      "  - { cluster: '*', namespace: billing }",
      "",
    ].join("\n");
    writeFileSync(join(dir, "gns.yaml"), spec);
    const service =
      "apiVersion: v1\nkind: Service\nmetadata: { name: ledger, namespace: billing }\nspec: { ports: [{ name: http, port: 7000 }] }\n";
    const other = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: billing }\n";
    const place = (where: "cluster2" | "cluster3") => {
      writeFileSync(join(dir, "cluster2.yaml"), where === "cluster2" ? service : other);
      writeFileSync(join(dir, "cluster3.yaml"), where === "cluster3" ? service : other);
    };
    const args = ["--spec", join(dir, "gns.yaml"), "--manifests", `cluster2=${dir}/cluster2.yaml`];
    args.push("--manifests", `cluster3=${dir}/cluster3.yaml`);
    const out = fresh();
    place("cluster3");
    expect((await render(args, out)).code).toBe(0);
    place("cluster2");
    const moved = await render(args, out, "--previous", join(dir, "gns.yaml"));
    expect(moved.code).toBe(0);
    expect(moved.io.out).toMatch(
      /^Apply order: cluster2 first \(it now serves hosts other clusters will route to\), then cluster3 last \(it stops serving hosts other clusters routed to: apply once they have moved away\) \(ordered from the files already in .*out: --previous compares the specs with the same manifests, and a move made in the manifests shows only there\)$/m,
    );
    const again = await render(args, out, "--previous", join(dir, "gns.yaml"), "-o", "json");
    expect(JSON.parse(again.io.out).applyOrder).toMatchObject({ basis: "previous", first: [], then: [], last: [] });
    const text = await render(args, out, "--previous", join(dir, "gns.yaml"));
    expect(text.io.out).toMatch(/^Apply order: nothing changed since --previous, nor since the files in .*out$/m);
  });
});

test("render -o json: one RenderResult document, parsed", async () => {
  const out = fresh();
  const { code, io } = await render(ACME_BOTH, out, "-o", "json");
  expect(code).toBe(0);
  const doc = JSON.parse(io.out);
  expect(doc).toMatchObject({
    apiVersion: "globalmesh.io/v1",
    kind: "RenderResult",
    layout: "files",
    files: ["cluster1.yaml", "cluster2.yaml"],
    pruned: [],
    stale: [],
    applyOrder: { basis: "none" },
  });
  expect(doc.out).toMatch(new RegExp(`${basename(out)}$`));
  expect(doc.globalNamespaces[0].clusters[0]).toMatchObject({ name: "cluster1", objects: 63 });
  expect(doc.globalNamespaces[0].clusters[0].file).toMatch(/cluster1\.yaml$/);
});

test("render --quiet prints nothing", async () => {
  const { code, io } = await render(ACME_BOTH, fresh(), "--quiet");
  expect([code, io.out, io.err]).toEqual([0, "", ""]);
});

describe("nothing exported: exit 2 unless --allow-empty", () => {
  const spec = ["--spec", `${A}/gns.yaml`];
  test.each([
    ["render", (out: string) => ["render", ...spec, "--out", out]],
    ["check", () => ["check", ...spec]],
  ])("%s without --manifests", async (_command, argv) => {
    const out = fresh();
    const io = capture();
    expect(await main(argv(out), io)).toBe(2);
    expect(io.err).toMatch(
      /^usage: nothing exported \(1 problem\)\n {2}- acme-fitness: no service is exported: did you forget --manifests\? \(none given\)/,
    );
    expect(existsSync(out)).toBe(false);
    const allowed = capture();
    expect(await main([...argv(out), "--allow-empty"], allowed)).toBe(0);
  });

  test("graph without --manifests: exit 2, nothing drawn; --allow-empty draws", async () => {
    const out = fresh();
    const io = capture();
    expect(await main(["graph", ...spec, "--out", join(out, "t.mmd")], io)).toBe(2);
    expect(io.err).toMatch(/no service is exported: did you forget --manifests\?/);
    expect(existsSync(out)).toBe(false);
    expect(await main(["graph", ...spec, "--out", join(out, "t.mmd"), "--allow-empty"], capture())).toBe(0);
    expect(existsSync(join(out, "t.mmd"))).toBe(true);
  });

  test("rules that match no Service name how many files were given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gm-empty-"));
    writeFileSync(
      join(dir, "none.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: default }\n",
    );
    const io = capture();
    expect(await main(["check", ...spec, "--manifests", `cluster1=${dir}/none.yaml`], io)).toBe(2);
    // Manifests were given: the rules are what to fix, in the spec file named, for the manifest files named.
    expect(io.err).toMatch(
      /acme-fitness: no service is exported: no Service in the 1 manifest file given \(.*none\.yaml\) matches the members: rules of .*examples\/acme-fitness\/gns\.yaml; make members: name the clusters and namespaces those Services run in \(or list them under services:\), or --allow-empty if an empty GlobalNamespace is meant/,
    );
    expect(io.err).not.toMatch(/did you forget --manifests|give --manifests/);
  });
});

test("ACME_ARGS stays what the demo passes", () => {
  expect(ACME_ARGS[1]).toBe("examples/acme-fitness/gns.yaml");
  expect(ACME).toHaveLength(4);
});

test("a spec value overriding a discovered one: a warning on stderr naming the spec (and in the JSON), exit 0", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gm-override-"));
  writeFileSync(
    join(dir, "gns.yaml"),
    readFileSync(`${A}/gns.yaml`, "utf8") +
      "services:\n  - { name: catalog, namespace: default, clusters: [cluster2], ports: [{ number: 8083, name: http }] }\n",
  );
  const args = [
    "--spec",
    join(dir, "gns.yaml"),
    "--manifests",
    `cluster1=${A}/manifests/cluster1.yaml`,
    "--manifests",
    `cluster2=${A}/manifests/cluster2.yaml`,
  ];
  const { code, io } = await render(args, fresh());
  expect(code).toBe(0);
  expect(io.err).toMatch(/^warning: .*gns\.yaml: services\[0\]\.ports: service catalog's ports in the spec \(8083/m);
  const json = capture();
  expect(await main(["check", ...args, "-o", "json"], json)).toBe(0);
  expect(JSON.parse(json.out).globalNamespaces[0].warnings).toEqual([expect.stringMatching(/override the ports/)]);
  expect(json.err).toMatch(/^warning: /);
});

test("--layout kustomize: a kustomization.yaml of the user's own (no header) is refused, nothing written", async () => {
  const out = fresh();
  mkdirSync(join(out, "cluster1"), { recursive: true });
  writeFileSync(join(out, "cluster1", "kustomization.yaml"), "resources: [app.yaml]\n");
  const { code, io } = await render(ACME_BOTH, out, "--layout", "kustomize");
  expect(code).toBe(2);
  expect(io.err).toMatch(/".*cluster1\/kustomization\.yaml" exists and globalmesh did not write it \(no header\)/);
  expect(readdirSync(out)).toEqual(["cluster1"]);
  expect(readdirSync(join(out, "cluster1"))).toEqual(["kustomization.yaml"]);
  expect(leftovers(out)).toEqual([]);
});

test("render - reads the spec from standard input; --layout must be files or kustomize", async () => {
  const out = fresh();
  const io = capture();
  Object.assign(io, { stdin: () => readFileSync(`${A}/gns.yaml`, "utf8") });
  expect(await main(["render", "-", ...ACME_BOTH.slice(2), "--out", out, "-q"], io)).toBe(0);
  expect(readdirSync(out).sort()).toEqual(["cluster1.yaml", "cluster2.yaml"]);
  const bad = capture();
  expect(await main(["render", ...ACME_BOTH, "--out", out, "--layout", "helm"], bad)).toBe(2);
  expect(bad.err).toMatch(/--layout: "helm" is not one of files, kustomize; e\.g\. --layout kustomize/);
});
