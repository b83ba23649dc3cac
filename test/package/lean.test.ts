import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The npm library stays lean: its root export needs no cloud SDK, the cloud clusters live behind `globalmesh/eks` and
 * `globalmesh/aks` with the SDKs as optional peers, and `globalmesh/core` needs no Pulumi at all. Each entry is loaded
 * in a fresh node process (sources through tsx, found through the package's own `exports` map) with packages made
 * unresolvable, as on a consumer's machine that never installed them.
 */
const SDK = join(__dirname, "..", "..", "sdk");
const pkg = JSON.parse(readFileSync(join(SDK, "package.json"), "utf8"));
const CLOUD_SDKS = ["@pulumi/aws", "@pulumi/azure-native"];

/** The source file behind one `exports` entry (`./dist/x.js` → `src/x.ts`). */
function sourceOf(subpath: string): string {
  const target: string = pkg.exports[subpath].default;
  return join(SDK, target.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"));
}

/** Loads an entry in a fresh node with `blocked` unresolvable; prints its export names. */
function load(subpath: string, blocked: string[]) {
  const script = `console.log(Object.keys(require(${JSON.stringify(sourceOf(subpath))})).sort().join(","))`;
  const r = spawnSync(
    process.execPath,
    ["--require", join(__dirname, "block-cloud-sdks.js"), "--require", "tsx/cjs", "-e", script],
    {
      env: { ...process.env, BLOCKED_PACKAGES: blocked.join(",") },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { status: r.status, exports: r.stdout.trim().split(","), stderr: r.stderr };
}

describe("the globalmesh npm package", () => {
  test("has no hard dependency on a cloud SDK: both are optional peers", () => {
    for (const sdk of CLOUD_SDKS) {
      expect(pkg.dependencies).not.toHaveProperty(sdk);
      expect(pkg.peerDependencies).toHaveProperty(sdk);
      expect(pkg.peerDependenciesMeta[sdk]).toEqual({ optional: true });
    }
  });

  test("exports the root, eks, aks and core entries, with typesVersions for node10 resolution", () => {
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./aks", "./core", "./eks", "./package.json"]);
    for (const sub of ["eks", "aks", "core"]) expect(pkg.typesVersions["*"][sub]).toEqual([`dist/${sub}.d.ts`]);
  });

  test("the blocker really hides a package (else the tests below prove nothing)", () => {
    const r = spawnSync(
      process.execPath,
      ["--require", join(__dirname, "block-cloud-sdks.js"), "-e", "require.resolve('@pulumi/aws')"],
      {
        env: { ...process.env, BLOCKED_PACKAGES: "@pulumi/aws" },
        encoding: "utf8",
      },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("blocked by test/package/block-cloud-sdks.js");
  });

  test("the root export loads without @pulumi/aws and @pulumi/azure-native and offers the four components", () => {
    const r = load(".", CLOUD_SDKS);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.exports).toEqual(
      expect.arrayContaining(["GlobalNamespace", "KubeconfigCluster", "MeshCluster", "MeshTrust"]),
    );
    expect(r.exports).not.toContain("EksCluster");
    expect(r.exports).not.toContain("AksCluster");
  });

  test.each([
    ["./eks", "@pulumi/aws", "EksCluster"],
    ["./aks", "@pulumi/azure-native", "AksCluster"],
  ])("%s loads with its SDK, and without it says what to install", (subpath, sdk, component) => {
    expect(load(subpath, []).exports).toContain(component);
    const missing = load(subpath, [sdk]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(
      `globalmesh/${subpath.slice(2)} needs ${sdk}, an optional peer dependency of globalmesh; install it: npm install ${sdk}`,
    );
  });

  test("globalmesh/core loads with no Pulumi package at all", () => {
    const r = load("./core", [...CLOUD_SDKS, "@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/tls"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.exports).toEqual(expect.arrayContaining(["buildMesh", "compileMesh", "validateSpec", "SpecError"]));
  });

  test("the built package, resolved by name through its exports map, loads the same way", () => {
    // What a consumer's `require("globalmesh")` runs: sdk/dist (npm test builds it first).
    const script = (entry: string) => `console.log(Object.keys(require(${JSON.stringify(entry)})).sort().join(","))`;
    const run = (entry: string, blocked: string[]) =>
      spawnSync(process.execPath, ["--require", join(__dirname, "block-cloud-sdks.js"), "-e", script(entry)], {
        cwd: join(SDK, ".."),
        env: { ...process.env, BLOCKED_PACKAGES: blocked.join(",") },
        encoding: "utf8",
        timeout: 60_000,
      });
    const root = run("globalmesh", CLOUD_SDKS);
    expect(root.stderr).toBe("");
    expect(root.stdout).toContain("MeshCluster");
    const core = run("globalmesh/core", [...CLOUD_SDKS, "@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/tls"]);
    expect(core.stderr).toBe("");
    expect(core.stdout).toContain("buildMesh");
    expect(run("globalmesh/eks", ["@pulumi/aws"]).stderr).toContain("globalmesh/eks needs @pulumi/aws");
  });
});
