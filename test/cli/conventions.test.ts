import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../sdk/src/cli/main";
import { painter } from "../../sdk/src/cli/colour";
import { ROOT } from "../helpers/fixtures";
import { capture, ACME_ARGS } from "../helpers/cli";

/** Issue 13, item 1: help, version, did you mean, the spec as positional, stdin, -o json, --quiet, NO_COLOR. */

const SDK_VERSION = JSON.parse(readFileSync(join(ROOT, "sdk/package.json"), "utf8")).version;

describe("help", () => {
  test.each(["render", "check", "diff", "graph", "completion"])(
    "globalmesh %s --help, -h and help <command>: the same text, exit 0",
    async (command) => {
      const a = capture();
      expect(await main([command, "--help"], a)).toBe(0);
      const b = capture();
      expect(await main(["help", command], b)).toBe(0);
      const c = capture();
      expect(await main([command, "-h"], c)).toBe(0);
      expect(a.out).toMatch(new RegExp(`^Usage: globalmesh ${command}`));
      expect([b.out, c.out]).toEqual([a.out, a.out]);
      expect(a.err).toBe("");
    },
  );

  test("a command's help lists each of its flags with its value and meaning", async () => {
    const io = capture();
    await main(["render", "--help"], io);
    for (const flag of ["--spec <gns.yaml>", "--manifests <cluster>=<file-or-dir>", "--out <dir>", "--prune"])
      expect(io.out).toContain(flag);
    expect(io.out).toMatch(/-o, --output text\|json +json: one versioned document/);
    expect(io.out).toMatch(/--layout files\|kustomize/);
    expect(io.out).toMatch(/--allow-empty/);
  });

  test("--help, -h and help alone give the overview (exit 0); no command at all, exit 2", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const io = capture();
      expect(await main(argv, io)).toBe(0);
      expect(io.out).toMatch(/^Commands:\n {2}render +write each cluster's Istio objects/m);
    }
    const none = capture();
    expect(await main([], none)).toBe(2);
    expect(none.out).toMatch(/globalmesh <command> --help/);
  });
});

test("--version, -V and version print sdk/package.json's version", async () => {
  for (const argv of [["--version"], ["-V"], ["version"]]) {
    const io = capture();
    expect(await main(argv, io)).toBe(0);
    expect(io.out).toBe(`globalmesh ${SDK_VERSION}\n`);
  }
});

describe("did you mean", () => {
  test.each([
    [["rendr"], /^usage: unknown command "rendr"; did you mean "render"\?; run globalmesh --help/],
    [["chek", "--spec", "x"], /did you mean "check"\?/],
    [["help", "grph"], /unknown command "grph"; did you mean "graph"\?/],
    [["frobnicate"], /^usage: unknown command "frobnicate"; run globalmesh --help for the commands\n$/],
    [
      ["render", "--sepc", "gns.yaml"],
      /^usage: Unknown option '--sepc'; did you mean --spec\?; run globalmesh render --help/,
    ],
    [["check", "--exsting", "a=b"], /Unknown option '--exsting'; did you mean --existing\?/],
    [["diff", "a", "b", "--old-manifest", "x"], /did you mean --old-manifests\?/],
    [["render", "--bogus"], /^usage: Unknown option '--bogus'; run globalmesh render --help for its flags\n$/],
    [["check", "--prune"], /Unknown option '--prune'/],
  ])("%j: exit 2, a usage error, not a spec error", async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.err).not.toMatch(/invalid GlobalNamespace spec|internal error/);
  });
});

describe("the spec as --spec or positional, - for stdin", () => {
  const manifests = ACME_ARGS.slice(2);

  test("check gns.yaml: the positional is the spec, as --spec is", async () => {
    const a = capture();
    expect(await main(["check", "examples/acme-fitness/gns.yaml", ...manifests], a)).toBe(0);
    const b = capture();
    expect(await main(["check", ...ACME_ARGS], b)).toBe(0);
    expect(a.out).toBe(b.out);
  });

  test("- reads the spec from standard input, named <stdin> in messages", async () => {
    const text = readFileSync(join(ROOT, "examples/acme-fitness/gns.yaml"), "utf8");
    const out = capture();
    Object.assign(out, { stdin: () => text });
    expect(await main(["check", "-", ...manifests], out)).toBe(0);
    expect(out.out).toMatch(/^GlobalNamespace acme-fitness /);
    const bad = capture();
    Object.assign(bad, { stdin: () => "name: [\n" });
    expect(await main(["check", "--spec", "-", ...manifests], bad)).toBe(2);
    expect(bad.err).toMatch(/^<stdin>: invalid GlobalNamespace spec/);
  });

  test("- twice: exit 2 (standard input holds one spec)", async () => {
    const io = capture();
    Object.assign(io, { stdin: () => "" });
    expect(await main(["check", "-", "-"], io)).toBe(2);
    expect(io.err).toMatch(
      /standard input \("-"\) is given 2 times \(a positional -, a positional -\), but it can be read once/,
    );
  });
});

describe("-o json and --quiet", () => {
  test("check -o json: one CheckResult document on stdout, parsed", async () => {
    const io = capture();
    expect(await main(["check", ...ACME_ARGS, "-o", "json"], io)).toBe(0);
    const doc = JSON.parse(io.out);
    expect(doc).toMatchObject({ apiVersion: "globalmesh.io/v1", kind: "CheckResult", ok: true, findings: [] });
    expect(doc.globalNamespaces).toHaveLength(1);
    const gns = doc.globalNamespaces[0];
    expect(gns).toMatchObject({ name: "acme-fitness", domain: "acme.example.com", warnings: [] });
    expect(gns.clusters.map((c: any) => [c.name, c.objects])).toEqual([
      ["cluster1", 63],
      ["cluster2", 69],
    ]);
    expect(gns.services.find((s: any) => s.name === "catalog")).toMatchObject({
      host: "catalog.acme.example.com",
      clusters: ["cluster2"],
      ports: [{ number: 8082, protocol: "HTTP" }],
    });
    expect(gns.access).toMatchObject({ mtls: "STRICT", policies: 0, restricted: [] });
  });

  test("check -o json with findings: ok false, exit 2, each finding with severity and category", async () => {
    const io = capture();
    const existing = ["--existing", "cluster2=test/cli/fixtures/existing-cluster2.yaml"];
    expect(await main(["check", ...ACME_ARGS, ...existing, "--output", "json"], io)).toBe(2);
    const doc = JSON.parse(io.out);
    expect(doc.ok).toBe(false);
    expect(doc.findings).toHaveLength(2);
    expect(doc.findings[0]).toEqual({
      severity: "error",
      category: "collision",
      cluster: "cluster2",
      object: "PeerAuthentication/default/default",
      what: expect.stringContaining("a namespace-wide PeerAuthentication"),
      why: expect.stringContaining("Istio honours only the oldest"),
    });
    expect(io.err).toBe("");
  });

  test("check --quiet: no summary; -o must be text or json", async () => {
    const io = capture();
    expect(await main(["check", ...ACME_ARGS, "--quiet"], io)).toBe(0);
    expect([io.out, io.err]).toEqual(["", ""]);
    const bad = capture();
    expect(await main(["check", ...ACME_ARGS, "-o", "yaml"], bad)).toBe(2);
    expect(bad.err).toMatch(/-o: "yaml" is not one of text, json; e\.g\. -o json/);
  });
});

test("NO_COLOR turns colour off even on a terminal (https://no-color.org); an empty NO_COLOR does not", () => {
  const tty = { ...capture(), isTTY: true };
  expect(painter(tty)("red", "x")).toBe("\x1b[31mx\x1b[0m");
  expect(painter({ ...tty, env: { NO_COLOR: "1" } })("red", "x")).toBe("x");
  expect(painter({ ...tty, env: { NO_COLOR: "" } })("red", "x")).toBe("\x1b[31mx\x1b[0m");
  expect(painter(capture())("red", "x")).toBe("x");
});

describe("completion", () => {
  test.each(["bash", "zsh"])("completion %s: a script naming every command and each command's flags", async (shell) => {
    const io = capture();
    expect(await main(["completion", shell], io)).toBe(0);
    expect(io.out).toContain("complete -o default -F _globalmesh globalmesh");
    expect(io.out).toMatch(/compgen -W "render check diff graph completion help --help --version"/);
    expect(io.out).toMatch(
      / {4}render\) opts="--spec --manifests --out --prune --layout --previous --output -o --quiet -q/,
    );
    expect(io.out).toMatch(/--output\) COMPREPLY=\( \$\(compgen -W "text json"/);
    if (shell === "zsh") expect(io.out).toMatch(/^#compdef globalmesh\n[^]*bashcompinit/);
  });

  test("the bash script completes commands, flags and -o values in bash itself", async () => {
    const io = capture();
    await main(["completion", "bash"], io);
    const complete = (words: string[]) => {
      const script = `${io.out}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _globalmesh; echo "\${COMPREPLY[*]}"`;
      return spawnSync("bash", ["-c", script], { encoding: "utf8" }).stdout.trim();
    };
    expect(complete(["globalmesh", "re"])).toBe("render");
    expect(complete(["globalmesh", "render", "--pr"])).toBe("--prune --previous");
    expect(complete(["globalmesh", "check", "-o", ""])).toBe("text json");
    expect(complete(["globalmesh", "render", "--layout", "k"])).toBe("kustomize");
  });

  test("completion without a known shell: exit 2", async () => {
    const io = capture();
    expect(await main(["completion", "fish"], io)).toBe(2);
    expect(io.err).toMatch(/completion needs the shell: globalmesh completion bash\|zsh/);
  });
});
