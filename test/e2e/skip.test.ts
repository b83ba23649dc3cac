import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `npm run e2e` on a machine without the tools: the package.json script, run as npm runs it (through sh, with
 * node_modules/.bin on PATH), with a PATH that has node and nothing else. It must say which tools are missing, print
 * `e2e: skipped`, exit 0, and write nothing: not in its HOME, not in its TMPDIR, not in the repository.
 */

const ROOT = join(__dirname, "..", "..");
const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> })
  .scripts.e2e;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "e2e-skip-test-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the e2e script in a bare environment; returns what it did and what it left in HOME and TMPDIR. */
function runBare(extraArgs = "") {
  const dir = mkdtempSync(join(scratch, "run-"));
  const bin = join(dir, "bin");
  const home = join(dir, "home");
  const tmp = join(dir, "tmp");
  for (const d of [bin, home, tmp]) mkdirSync(d);
  symlinkSync(process.execPath, join(bin, "node"));
  const r = spawnSync("/bin/sh", ["-c", `${script} ${extraArgs}`], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: [bin, join(ROOT, "node_modules", ".bin")].join(":"), HOME: home, TMPDIR: tmp },
  });
  return { ...r, home: readdirSync(home), tmp: readdirSync(tmp) };
}

const gitStatus = () => {
  const r = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: ROOT, encoding: "utf8" });
  return r.status === 0 ? r.stdout : undefined;
};

test("the package.json script runs e2e/run.ts with tsx's compile cache off", () => {
  expect(script).toBe("TSX_DISABLE_CACHE=1 node --import tsx e2e/run.ts");
});

test("without the tools: lists all five missing, prints `e2e: skipped`, exits 0, writes nothing", () => {
  const before = gitStatus();
  const r = runBare();
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  const lines = r.stdout.trim().split("\n");
  expect(lines[0]).toBe("e2e: missing on PATH: docker, kind, kubectl, istioctl, pulumi");
  // Each with the version it is pinned to (docker is the machine's).
  expect(r.stdout).toContain("docker (not pinned)");
  expect(r.stdout).toMatch(/kind v0\.30\.0 /);
  expect(r.stdout).toMatch(/kubectl v1\.34\.0 /);
  expect(r.stdout).toMatch(/istioctl 1\.30\.3 /);
  expect(r.stdout).toMatch(/pulumi v3\.248\.0 /);
  expect(lines[lines.length - 1]).toBe("e2e: skipped");
  expect({ home: r.home, tmp: r.tmp }).toEqual({ home: [], tmp: [] });
  if (before !== undefined) expect(gitStatus()).toBe(before);
});

test("an unknown argument is refused before anything else (exit 2)", () => {
  const r = runBare("--kep");
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("e2e: unknown argument --kep");
  expect({ home: r.home, tmp: r.tmp }).toEqual({ home: [], tmp: [] });
});
