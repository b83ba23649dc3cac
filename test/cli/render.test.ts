import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { main } from "../../sdk/src/cli/main";
import { ROOT } from "../helpers/fixtures";
import { capture, ACME_ARGS } from "../helpers/cli";
import { istioSchemaProblems } from "../helpers/istioSchema";

test("render writes one multi-document YAML per cluster and prints the summary", async () => {
  const out = mkdtempSync(join(tmpdir(), "gm-render-"));
  const io = capture();
  expect(await main(["render", ...ACME_ARGS, "--out", out], io)).toBe(0);
  expect(readdirSync(out).sort()).toEqual(["cluster1.yaml", "cluster2.yaml"]);
  const docs = parseAllDocuments(readFileSync(join(out, "cluster1.yaml"), "utf8"));
  const objects = docs.map((d) => d.toJS());
  // cluster1 runs 8 services others call (entry, route, ingress Gateway, its route, its policy, the ingress hop's
  // rule: 6 each), calls 2 in cluster2 (7 each), and its namespace default gets STRICT mTLS: 48 + 14 + 1.
  expect(objects).toHaveLength(63);
  expect(objects.flatMap(istioSchemaProblems)).toEqual([]);
  expect(io.out).toMatch(/^GlobalNamespace acme-fitness \(\*\.acme\.example\.com\): 10 services in 2 clusters$/m);
  expect(io.out).toMatch(/^ {2}cluster1 +63 objects +→ .*cluster1\.yaml$/m);
  expect(io.out).toMatch(/^ {2}catalog\.acme\.example\.com +(2[4-5]\d\.\d+\.\d+\.\d+) +8082\/HTTP +runs in cluster2$/m);
  expect(io.err).toBe("");
});

test("manifests may be a directory; rendering twice gives byte-identical files", async () => {
  const a = mkdtempSync(join(tmpdir(), "gm-a-"));
  const b = mkdtempSync(join(tmpdir(), "gm-b-"));
  await main(["render", ...ACME_ARGS, "--out", a], capture());
  const dir = mkdtempSync(join(tmpdir(), "gm-manifests-"));
  writeFileSync(join(dir, "cluster2.yml"), readFileSync(join(ROOT, "examples/acme-fitness/manifests/cluster2.yaml")));
  writeFileSync(join(dir, "notes.txt"), "not yaml");
  const args = [
    "render",
    "--spec",
    "examples/acme-fitness/gns.yaml",
    "--manifests",
    "cluster1=examples/acme-fitness/manifests/cluster1.yaml",
    "--manifests",
    `cluster2=${dir}`,
    "--out",
    b,
  ];
  expect(await main(args, capture())).toBe(0);
  for (const f of ["cluster1.yaml", "cluster2.yaml"])
    expect(readFileSync(join(b, f), "utf8")).toBe(readFileSync(join(a, f), "utf8"));
});

describe("invalid input: exit code 2, the field path and line, nothing written", () => {
  // The bad service sits on the second line appended to the example spec.
  const base = readFileSync(join(ROOT, "examples/acme-fitness/gns.yaml"), "utf8");
  const LINE = base.split("\n").length + 1;
  const cases: [string, string, RegExp][] = [
    [
      "a port out of range",
      "services:\n  - { name: catalog, namespace: default, clusters: [cluster2], ports: [{ number: 70000 }] }\n",
      new RegExp(
        `gns\\.yaml:${LINE}:\\d+: services\\[0\\]\\.ports\\[0\\]\\.number: 70000 is not a port number from 1 to 65535; use e.g. 8082`,
      ),
    ],
    [
      "an unknown cluster",
      "services:\n  - { name: catalog, namespace: default, clusters: [cluster9], ports: [{ number: 8082 }] }\n",
      new RegExp(`gns\\.yaml:${LINE}:\\d+: services\\[0\\]\\.clusters: unknown cluster "cluster9"`),
    ],
    ["a YAML syntax error", "services: [\n", /gns\.yaml: invalid GlobalNamespace spec/],
  ];
  test.each(cases)("%s", async (_name, extra, message) => {
    const dir = mkdtempSync(join(tmpdir(), "gm-bad-"));
    writeFileSync(join(dir, "gns.yaml"), base + extra);
    const io = capture(dir);
    expect(await main(["render", "--spec", "gns.yaml", "--out", "out"], io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  test.each([
    [["render", "--out", "x"], /render needs --spec/],
    [
      ["render", "--spec", "missing.yaml", "--out", "x"],
      /^usage: invalid command line \(1 problem\)\n {2}- --spec: "missing\.yaml" cannot be read \(ENOENT\); give the path of /m,
    ],
    [
      ["render", ...ACME_ARGS.slice(0, 2), "--manifests", "cluster1", "--manifests", "=x.yaml", "--out", "x"],
      /--manifests: "cluster1" is not <cluster>=<file-or-directory>; name the cluster, then its manifests, e\.g\. "cluster1=manifests\/cluster1\.yaml"\n {2}- --manifests: "=x\.yaml" is not/,
    ],
    [
      ["render", ...ACME_ARGS.slice(0, 2), "--manifests", "cluster1=nowhere", "--out", "x"],
      /--manifests: ".*nowhere" cannot be read \(ENOENT\); give a manifest file or a directory of them/,
    ],
    [["render", "--spec", "a", "--bogus"], /usage: Unknown option '--bogus'/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [
      [
        "render",
        ...ACME_ARGS.slice(0, 2),
        "--manifests",
        "clustr2=examples/acme-fitness/manifests/cluster2.yaml",
        "--out",
        "x",
      ],
      /manifests given for cluster "clustr2", which is not a member/,
    ],
  ])("usage error %#", async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.err).toMatch(message);
  });
});

test("check validates and summarizes without writing anything", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gm-check-"));
  const io = capture(dir);
  const inRoot = ACME_ARGS.map((a) =>
    a.startsWith("examples/") || a.includes("=examples/") ? a.replace("examples/", `${ROOT}/examples/`) : a,
  );
  expect(await main(["check", ...inRoot], io)).toBe(0);
  expect(io.out).toMatch(/^ {2}cluster2 +69 objects$/m);
  expect(readdirSync(dir)).toEqual([]);
  const bad = capture();
  expect(await main(["check", "--spec", "test/fixtures/acme-invalid.yaml"], bad)).toBe(2);
  expect(bad.err).toMatch(/acme-invalid\.yaml:\d+:\d+: domain: /);
});

test("an output path that cannot be written is the caller's error (2); an internal failure is 3", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "gm-file-")), "a-file");
  writeFileSync(file, "");
  const io = capture();
  expect(await main(["render", ...ACME_ARGS, "--out", join(file, "out")], io)).toBe(2);
  expect(io.err).toMatch(/--out: cannot write ".*out" \((ENOTDIR|EEXIST)\); give a directory that can be created/);
  const seen = capture();
  const broken = {
    ...seen,
    stdout: () => {
      throw new Error("stdout closed");
    },
  };
  expect(await main(["check", ...ACME_ARGS], broken)).toBe(3);
  expect(seen.err).toMatch(/^globalmesh: internal error: Error: stdout closed/);
});

test("the globalmesh bin runs from the repository (npx globalmesh)", () => {
  const out = mkdtempSync(join(tmpdir(), "gm-bin-"));
  const r = spawnSync(process.execPath, [join(ROOT, "sdk/bin/globalmesh.js"), "render", ...ACME_ARGS, "--out", out], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("catalog.acme.example.com");
  expect(readdirSync(out).sort()).toEqual(["cluster1.yaml", "cluster2.yaml"]);
  const bad = spawnSync(
    process.execPath,
    [join(ROOT, "sdk/bin/globalmesh.js"), "render", "--spec", "nope.yaml", "--out", out],
    { cwd: ROOT, encoding: "utf8" },
  );
  expect(bad.status).toBe(2);
});

describe("progress on a terminal (stderr), for renders longer than a second", () => {
  const CLEAR_LINE = "\r\x1b[K";

  /** A capture whose stderr is a terminal, with a clock that moves `step` ms at every reading. */
  function terminal(step: number) {
    let t = 0;
    return Object.assign(capture(), { stderrIsTTY: true, now: () => (t += step) });
  }

  test("a slow render draws one line, redrawn in place, and clears it; stdout stays plain", async () => {
    const out = mkdtempSync(join(tmpdir(), "gm-progress-"));
    const io = terminal(60);
    // Both streams in the order written: the line is cleared before the summary starts on stdout.
    const order: string[] = [];
    const [toOut, toErr] = [io.stdout, io.stderr];
    io.stdout = (t) => (order.push("out"), toOut(t));
    io.stderr = (t) => (order.push(t === CLEAR_LINE ? "clear" : "err"), toErr(t));
    expect(await main(["render", ...ACME_ARGS, "--out", out], io)).toBe(0);
    expect(order.slice(order.indexOf("out") - 1)).toEqual(["clear", "out"]);
    // Each drawing starts at the line's start and erases it (carriage return, ESC [K); the last one only erases.
    const drawings = io.err.split(CLEAR_LINE);
    expect(drawings[0]).toBe("");
    expect(drawings.at(-1)).toBe("");
    const lines = drawings.slice(1, -1);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).toMatch(/^render: \d+ objects written, cluster 1 of 2 \(cluster1\.yaml\)$/);
    for (const line of lines)
      expect(line).toMatch(/^render: \d+ objects written, cluster ([12]) of 2 \(cluster\1\.yaml\)$/);
    expect(lines.at(-1)).toContain("(cluster2.yaml)");
    expect(io.out).not.toContain("\x1b");
    expect(io.err.endsWith(CLEAR_LINE)).toBe(true);
    expect(io.out).toContain("catalog.acme.example.com");
  });

  test("nothing when the render is quick, when stderr is no terminal, with -o json or --quiet", async () => {
    const runs: [ReturnType<typeof capture>, string[]][] = [
      [terminal(0), []],
      [
        Object.assign(capture(), {
          now: (() => {
            let t = 0;
            return () => (t += 60);
          })(),
        }),
        [],
      ],
      [terminal(60), ["-o", "json"]],
      [terminal(60), ["--quiet"]],
    ];
    for (const [io, flags] of runs) {
      const out = mkdtempSync(join(tmpdir(), "gm-progress-"));
      expect(await main(["render", ...ACME_ARGS, "--out", out, ...flags], io)).toBe(0);
      expect(io.err).toBe("");
    }
  });
});
