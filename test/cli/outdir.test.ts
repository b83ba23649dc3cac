import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HEADER, ownedFilesIn, writeOutputDir } from "../../sdk/src/cli/files";
import { main } from "../../sdk/src/cli/main";
import { ROOT } from "../helpers/fixtures";
import { capture } from "../helpers/cli";

/**
 * The temporary directory of `render` sits inside `--out` (`<out>/.globalmesh-<random>`): on the same filesystem
 * when `--out` is a mount point (a sibling there failed every rename with EXDEV), and gone afterwards.
 */

const A = join(ROOT, "examples/acme-fitness");
const ACME_BOTH = [
  "--spec",
  `${A}/gns.yaml`,
  "--manifests",
  `cluster1=${A}/manifests/cluster1.yaml`,
  "--manifests",
  `cluster2=${A}/manifests/cluster2.yaml`,
];
const fresh = () => join(fs.mkdtempSync(join(tmpdir(), "gm-outdir-")), "out");

/** The module object the sources call through (a namespace import here is a copy, which a spy would not reach). */
const nodeFs = jest.requireActual<typeof fs>("node:fs");

afterEach(() => jest.restoreAllMocks());

test("every file is renamed from <out>/.globalmesh-<random>, which is gone afterwards (nothing beside --out)", async () => {
  for (const existing of [false, true]) {
    const out = fresh();
    if (existing) fs.mkdirSync(out);
    const rename = jest.spyOn(nodeFs, "renameSync");
    const io = capture();
    expect(await main(["render", ...ACME_BOTH, "--out", out, "--layout", "kustomize"], io)).toBe(0);
    const from = rename.mock.calls.map(([source]) => String(source));
    expect(from).toHaveLength(4);
    for (const source of from) expect(source.startsWith(join(out, ".globalmesh-"))).toBe(true);
    expect(new Set(from.map((s) => s.slice(out.length + 1).split("/")[0])).size).toBe(1);
    expect(fs.readdirSync(out).sort()).toEqual(["cluster1", "cluster2"]);
    expect(fs.readdirSync(dirname(out))).toEqual(["out"]);
    rename.mockRestore();
  }
});

test("a rename that fails (EXDEV, say): the message names the fix; before the first rename, --out is as it was", () => {
  const out = fresh();
  fs.mkdirSync(out);
  fs.writeFileSync(join(out, "a.yaml"), `${HEADER}\nold\n`);
  const files = new Map([
    ["a.yaml", `${HEADER}\nnew\n`],
    ["sub/b.yaml", `${HEADER}\nnew\n`],
  ]);
  const failing = (c: string) =>
    jest.spyOn(nodeFs, "renameSync").mockImplementation(() => {
      throw Object.assign(new Error(c), { code: c });
    });
  failing("EXDEV");
  expect(() => writeOutputDir(out, files, { prune: false, isStale: () => false })).toThrow(
    /cannot write ".*out" \(EXDEV\) after replacing 0 of 2 files \(none\); give a directory that can be created and written for --out, then render again to replace the rest/,
  );
  expect(fs.readdirSync(out)).toEqual(["a.yaml"]);
  expect(fs.readFileSync(join(out, "a.yaml"), "utf8")).toBe(`${HEADER}\nold\n`);
  jest.restoreAllMocks();
  failing("EACCES");
  expect(() => writeOutputDir(out, files, { prune: false, isStale: () => false })).toThrow(
    /\(EACCES\) after replacing 0 of 2 files \(none\); give the user running globalmesh write permission on ".*out", or give another --out/,
  );
  expect(fs.readdirSync(out)).toEqual(["a.yaml"]);
});

test("a temporary directory --out cannot hold: the error names the fix, and a --out this run created is removed", () => {
  const out = fresh();
  jest.spyOn(nodeFs, "mkdtempSync").mockImplementation(() => {
    throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
  });
  expect(() => writeOutputDir(out, new Map([["a.yaml", HEADER]]), { prune: false, isStale: () => false })).toThrow(
    /cannot write ".*out" \(ENOSPC\); free space on the filesystem of ".*out", or give another --out/,
  );
  expect(fs.existsSync(out)).toBe(false);
});

test("a temporary directory left in --out by a crash is not reported as stale, and the next render removes it", async () => {
  const out = fresh();
  expect(await main(["render", ...ACME_BOTH, "--out", out], capture())).toBe(0);
  const left = join(out, ".globalmesh-crashed");
  fs.mkdirSync(left);
  fs.writeFileSync(join(left, "cluster9.yaml"), `${HEADER}\n`);
  fs.writeFileSync(join(out, ".cluster8.yaml"), `${HEADER}\n`);
  expect(ownedFilesIn(out)).toEqual(["cluster1.yaml", "cluster2.yaml"]);
  const io = capture();
  expect(await main(["render", ...ACME_BOTH, "--out", out, "--prune"], io)).toBe(0);
  expect(io.err).toBe("");
  // A controller reading subdirectories would apply its files: gone. A dot-file that is not ours stays.
  expect(fs.existsSync(left)).toBe(false);
  expect(fs.existsSync(join(out, ".cluster8.yaml"))).toBe(true);
});

describe("a file written part by part (render's streaming) is still all or nothing", () => {
  function setUp() {
    const out = fresh();
    fs.mkdirSync(out);
    fs.writeFileSync(join(out, "a.yaml"), `${HEADER}\nold\n`);
    return out;
  }
  /** A big first file (several write chunks), then one whose parts fail half way. */
  function* parts(fail: boolean): Iterable<string> {
    yield `${HEADER}\n`;
    for (let i = 0; i < 3000; i++) {
      if (fail && i === 2000) throw new Error("emitting object 2000 failed");
      yield `---\nname: object-${i}\n${"x: 1\n".repeat(200)}`;
    }
  }
  const files = (fail: boolean) =>
    new Map<string, () => Iterable<string>>([
      ["a.yaml", () => parts(false)],
      ["b.yaml", () => parts(fail)],
    ]);

  test("parts written in order make the file; a part that fails leaves --out as it was and reports itself", () => {
    const out = setUp();
    expect(() => writeOutputDir(out, files(true), { prune: false, isStale: () => false })).toThrow(
      /^emitting object 2000 failed$/,
    );
    expect(fs.readdirSync(out)).toEqual(["a.yaml"]);
    expect(fs.readFileSync(join(out, "a.yaml"), "utf8")).toBe(`${HEADER}\nold\n`);
    writeOutputDir(out, files(false), { prune: false, isStale: () => false });
    expect(fs.readFileSync(join(out, "b.yaml"), "utf8")).toBe([...parts(false)].join(""));
    expect(fs.statSync(join(out, "b.yaml")).size).toBeGreaterThan(2 << 20);
  });

  test("a disk that fills up mid-file: nothing written, the message names the fix", () => {
    const out = setUp();
    let writes = 0;
    // The first chunks go through (their whole length, as a disk with room writes), then the disk is full.
    jest.spyOn(nodeFs, "writeSync").mockImplementation((...args: unknown[]) => {
      if (++writes > 2) throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
      return args[3] as never;
    });
    expect(() => writeOutputDir(out, files(false), { prune: false, isStale: () => false })).toThrow(
      /cannot write ".*" \(ENOSPC\); nothing was written; free space on the filesystem/,
    );
    expect(fs.readdirSync(out)).toEqual(["a.yaml"]);
    expect(fs.readFileSync(join(out, "a.yaml"), "utf8")).toBe(`${HEADER}\nold\n`);
  });
});
