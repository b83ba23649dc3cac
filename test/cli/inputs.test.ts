import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_INPUT_BYTES, readInputText } from "../../sdk/src/cli/inputs";
import { main } from "../../sdk/src/cli/main";
import { buildMesh, MAX_ISSUE_CHARS, parseSpecYaml, SpecError } from "../../sdk/src/mesh";
import { ACME_ARGS, capture } from "../helpers/cli";
import { ROOT } from "../helpers/fixtures";

/** Bad input (item 3 of issue 13): always exit 2, a message naming the input and the fix, nothing written, no stack. */

const SPEC = readFileSync(join(ROOT, "examples/acme-fitness/gns.yaml"), "utf8");
const C1 = join(ROOT, "examples/acme-fitness/manifests/cluster1.yaml");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "gm-inputs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** `render` into a fresh `--out`: the exit code, stderr, and whether anything was written. */
async function render(args: string[], stdin?: string) {
  const out = join(dir, "out");
  const io = Object.assign(capture(), stdin !== undefined ? { stdin: () => stdin } : {});
  const code = await main(["render", ...args, "--out", out], io);
  return { code, err: io.err, out: io.out, wrote: existsSync(out) && readdirSync(out).length > 0 };
}

function expectRefused(r: { code: number; err: string; wrote: boolean }, message: RegExp) {
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.wrote).toBe(false);
}

const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
  "",
].join("\n");

describe("the spec", () => {
  test("an alias bomb: exit 2 at the first alias, the fix", async () => {
    const spec = file("bomb.yaml", ALIAS_BOMB);
    expectRefused(
      await render(["--spec", spec]),
      /bomb\.yaml:2:\d+: resolves more than 100 YAML aliases .*; write the values out/,
    );
  });

  test("an alias to no anchor", async () => {
    const spec = file("alias.yaml", SPEC.replace(/^domain: .*$/m, "domain: *nowhere"));
    expectRefused(await render(["--spec", spec]), /alias\.yaml:\d+:\d+: has an alias \(\*name\) with no anchor/);
  });

  test("a manifest file given as --spec: says to give it as --manifests, not the yaml library's advice", async () => {
    const r = await render(["--spec", C1]);
    expectRefused(r, /holds \d+ YAML documents .*a GlobalNamespace spec is one document.*--manifests <cluster>=/);
    expect(r.err).not.toMatch(/parseAllDocuments/);
  });

  test("2.7 MB of junk: an excerpt of it, not all of it", async () => {
    const spec = file("junk.yaml", "x".repeat(2_700_000));
    const r = await render(["--spec", spec]);
    expectRefused(r, /junk\.yaml: invalid GlobalNamespace spec[\s\S]*characters left out/);
    expect(r.err.length).toBeLessThan(MAX_ISSUE_CHARS + 400);
  });

  test("terminal escape sequences in values are not printed", async () => {
    const spec = file("esc.yaml", SPEC.replace(/^domain: .*$/m, 'domain: "\\e]0;pwned\\a\\e[31mred\\r"'));
    const r = await render(["--spec", spec]);
    expectRefused(r, /esc\.yaml:\d+:\d+: domain: "/);
    // eslint-disable-next-line no-control-regex -- control characters are what must not be printed
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  test("a duplicate key names file:line:col and the fix", async () => {
    const spec = file("dup.yaml", SPEC.replace(/^(domain: .*)$/m, "$1\n$1"));
    expectRefused(await render(["--spec", spec]), /dup\.yaml:\d+:1: Map keys must be unique; remove or rename/);
  });

  test("- reads the spec from standard input", async () => {
    const r = await render(["--spec", "-", ...ACME_ARGS.slice(2)], SPEC);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  test("a spec on stdin with an error is located as <stdin>:line:col", async () => {
    const r = await render(["--spec", "-"], SPEC.replace(/^domain: .*$/m, "domain: acme_example"));
    expectRefused(r, /<stdin>:\d+:\d+: domain: "acme_example" is not a DNS domain/);
  });
});

describe("--spec and --manifests files that are not regular files", () => {
  const cases: [string, () => string, RegExp][] = [
    ["/dev/null", () => "/dev/null", /"\/dev\/null" is a character device, not a regular file/],
    [
      "a FIFO",
      () => {
        const p = join(dir, "fifo.yaml");
        execFileSync("mkfifo", [p]);
        return p;
      },
      /fifo\.yaml" is a FIFO \(named pipe\), not a regular file/,
    ],
    [
      "a dangling symlink",
      () => {
        const p = join(dir, "dangling.yaml");
        symlinkSync(join(dir, "gone.yaml"), p);
        return p;
      },
      /dangling\.yaml" is a symbolic link to a file that does not exist/,
    ],
    [
      "a file over 512 MB (sparse)",
      () => {
        const p = file("huge.yaml", "");
        truncateSync(p, 513 * 1024 * 1024);
        return p;
      },
      /huge\.yaml" is 513 MiB, over the 32 MiB limit for one input; split it/,
    ],
    [
      "a file just over the cap",
      () => {
        const p = file("big.yaml", "");
        truncateSync(p, MAX_INPUT_BYTES + 1);
        return p;
      },
      /big\.yaml" is 32 MiB, over the 32 MiB limit/,
    ],
    [
      "not UTF-8",
      () => file("latin1.yaml", Buffer.from("name: caf\xe9\n", "latin1")),
      /latin1\.yaml" is not UTF-8 text \(byte 9 is 0xe9\); save it as UTF-8/,
    ],
    ["a directory as --spec", () => dir, /is a directory; give a file/],
  ];

  test.each(cases)("--spec %s: exit 2", async (_, make, message) => {
    expectRefused(await render(["--spec", make()]), message);
  });

  test.each(cases.filter(([what]) => !what.includes("directory")))(
    "--manifests %s: exit 2",
    async (_, make, message) => {
      const spec = join(ROOT, "examples/acme-fitness/gns.yaml");
      const r = await render(["--spec", spec, "--manifests", `cluster1=${make()}`]);
      expectRefused(r, message);
      expect(r.err).toMatch(/--manifests/);
    },
  );

  test("a dangling link inside a manifests directory is skipped, the directory's other files read", async () => {
    mkdirSync(join(dir, "m"));
    writeFileSync(join(dir, "m/cluster1.yaml"), readFileSync(C1));
    symlinkSync(join(dir, "gone.yaml"), join(dir, "m/dangling.yaml"));
    const r = await render([
      ...ACME_ARGS.slice(0, 2),
      "--manifests",
      `cluster1=${join(dir, "m")}`,
      ...ACME_ARGS.slice(4),
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  test("--manifests cluster=- reads standard input", async () => {
    const r = await render(
      [...ACME_ARGS.slice(0, 4), "--manifests", "cluster2=-"],
      readFileSync(C1.replace("cluster1", "cluster2"), "utf8"),
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("readInputText", () => {
  test("a BOM is dropped; source is the path as given", () => {
    file("bom.yaml", "\ufeffname: a\n");
    expect(readInputText("bom.yaml", dir)).toEqual({ text: "name: a\n", source: "bom.yaml" });
  });

  test("- without an Io is a usage error", () => {
    expect(() => readInputText("-", dir)).toThrow(SpecError);
  });

  test("stdin over the cap is refused", () => {
    const io = Object.assign(capture(), { stdin: () => "x".repeat(MAX_INPUT_BYTES + 1) });
    expect(() => readInputText("-", dir, io)).toThrow(/standard input holds more than 32 MiB, the limit for one input/);
  });

  test("stdin that is not UTF-8 is refused, not read with replacement characters", () => {
    const io = Object.assign(capture(), { stdin: () => Buffer.from([0x6e, 0x3a, 0x20, 0xe9, 0x0a]) });
    expect(() => readInputText("-", dir, io)).toThrow(/"<stdin>" is not UTF-8 text \(byte 3 is 0xe9\)/);
  });
});

describe("the real process's standard input", () => {
  const bin = join(__dirname, "..", "..", "sdk", "bin", "globalmesh.js");
  test("a stream over the cap: exit 2, read no further than the cap, no stack trace", () => {
    const r = spawnSync(process.execPath, [bin, "check", "-"], { input: Buffer.alloc(MAX_INPUT_BYTES + 4096, 0x20) });
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(/standard input holds more than 32 MiB/);
    expect(r.stderr.toString()).not.toMatch(/\n\s+at /);
  });
});

describe("a spec value that overrides a discovered one", () => {
  const manifests = [
    {
      cluster: "cluster1",
      source: "m.yaml",
      objects: [
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "catalog", namespace: "default" },
          spec: { selector: { app: "catalog" }, ports: [{ name: "http", port: 8082 }] },
        },
      ],
    },
  ];
  const spec = (service: Record<string, unknown>) =>
    parseSpecYaml(
      [
        "name: acme",
        "domain: acme.example.com",
        "clusters: [{ name: cluster1, network: n1 }]",
        "members: [{ cluster: cluster1, namespace: default }]",
        `services: [${JSON.stringify(service)}]`,
      ].join("\n"),
      "gns.yaml",
    ).value;

  test("a port: a warning naming both values and the manifest", () => {
    const build = buildMesh(
      spec({ name: "catalog", namespace: "default", ports: [{ number: 8083, name: "http" }] }),
      manifests,
    );
    expect(build.warnings).toEqual([
      expect.stringMatching(
        /^services\[0\]\.ports: service catalog's ports in the spec \(8083 name http\) override the ports the manifests declare \(8082 name http.*m\.yaml.*\); .*drop ports:/,
      ),
    ]);
    expect(build.model.services[0].ports.map((p) => p.number)).toEqual([8083]);
  });

  test("the same ports: no warning", () => {
    const build = buildMesh(spec({ name: "catalog", namespace: "default", ports: [{ number: 8082 }] }), manifests);
    expect(build.warnings).toBeUndefined();
  });

  test("a selector", () => {
    const build = buildMesh(spec({ name: "catalog", namespace: "default", selector: { app: "other" } }), manifests);
    expect(build.warnings).toEqual([
      expect.stringMatching(/selector in the spec \(app=other\) overrides the manifests' \(app=catalog/),
    ]);
  });
});

test("a listed service in kube-system: the fix is to move it, not a member rule that is an error in turn", () => {
  const value = parseSpecYaml(
    [
      "name: acme",
      "domain: acme.example.com",
      "clusters: [{ name: cluster1, network: n1 }]",
      "members: [{ cluster: cluster1, namespace: default }]",
      "services: [{ name: dns, namespace: kube-system, clusters: [cluster1], ports: [{ number: 53 }] }]",
    ].join("\n"),
    "gns.yaml",
  ).value;
  let message = "";
  try {
    buildMesh(value);
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toMatch(/"kube-system" is a system namespace.*run it in an application namespace/);
  expect(message).not.toMatch(/add the member rule/);
});

test("the override warning reaches stderr as `warning: …` (diff, graph), naming both values", async () => {
  const spec = file(
    "override.yaml",
    `${SPEC}services:\n  - { name: catalog, namespace: default, ports: [{ number: 8083, name: http-catalog }] }\n`,
  );
  const manifests = ACME_ARGS.slice(2);
  const io = capture();
  expect(await main(["diff", join(ROOT, "examples/acme-fitness/gns.yaml"), spec, ...manifests], io)).toBe(1);
  expect(io.err).toMatch(
    /^warning: services\[0\]\.ports: service catalog's ports in the spec \(8083 name http-catalog\) override the ports the manifests declare \(8082.*cluster2\.yaml.*\)/m,
  );
  const g = capture();
  expect(await main(["graph", "--spec", spec, ...manifests, "--out", join(dir, "t.mmd")], g)).toBe(0);
  expect(g.err).toMatch(/^warning: services\[0\]\.ports: /m);
});
