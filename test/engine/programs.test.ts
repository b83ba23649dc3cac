import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { parse } from "yaml";
import {
  countTypes,
  istioObjects,
  istiodReadiness,
  istioParentProblems,
  kubernetesProviderProblems,
  ofType,
  runProblems,
  secretProblems,
  structureProblems,
} from "./checks";
import { OTHER_PROGRAMS, ProgramCase, PROGRAMS } from "./programs";
import { RunResult, runProgram } from "./runProgram";

/**
 * The repository's Pulumi programs, run as `pulumi preview` and `pulumi up` start them (Pulumi's own runner and
 * TypeScript loader, the stack config their READMEs give) against the stand-in engine. Generic facts here;
 * program-specific ones in ./programs.
 */

const ROOT = join(__dirname, "..", "..");

/** Source files of the sdk newer than their build: the programs import the built package, as a user's would. */
function staleBuild(): string[] {
  const src = join(ROOT, "sdk", "src");
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts")) {
        const built = join(ROOT, "sdk", "dist", relative(src, file)).replace(/\.ts$/, ".js");
        let builtAt = 0;
        try {
          builtAt = statSync(built).mtimeMs;
        } catch {
          // Not built at all.
        }
        if (statSync(file).mtimeMs > builtAt) out.push(relative(ROOT, file));
      }
    }
  };
  walk(src);
  return out;
}

test("the sdk build is current (the programs below run against sdk/dist)", () => {
  expect({ stale: staleBuild(), fix: "npm run build" }).toEqual({ stale: [], fix: "npm run build" });
});

/** Project files (Pulumi.yaml, or the .yml / .json the CLI also reads) of the repository, by directory. */
function projectFiles(): Map<string, string> {
  const skip = (rel: string) =>
    /(^|\/)(node_modules|\.git)$/.test(rel) || rel === "sdk/dist" || /^test\/(.+\/)?fixtures$/.test(rel);
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      const rel = relative(ROOT, file).split(sep).join("/");
      if (entry.isDirectory() && !skip(rel)) walk(file);
      else if (entry.isFile() && /^Pulumi\.(yaml|yml|json)$/.test(entry.name))
        out.set(relative(ROOT, dir).split(sep).join("/") || ".", file);
    }
  };
  walk(ROOT);
  return out;
}

test("every Pulumi program of the repository is run here (PROGRAMS) or known to be checked elsewhere", () => {
  const found = [...projectFiles()].map(([dir, file]) => {
    const runtime = (parse(readFileSync(file, "utf8")) as { runtime?: string | { name?: string } }).runtime;
    return { dir, runtime: typeof runtime === "string" ? runtime : runtime?.name };
  });
  const key = ({ dir, runtime }: { dir: string; runtime?: string }) => `${dir} (runtime: ${runtime})`;
  const nodejs = found.filter((p) => p.runtime === "nodejs").map(key);
  const other = found.filter((p) => p.runtime !== "nodejs").map(key);
  const listed = PROGRAMS.map((p) => key({ dir: p.dir, runtime: "nodejs" }));
  const listedOther = OTHER_PROGRAMS.map(key);
  // Both ways: a program nobody runs or knows about, or a table entry whose program is gone.
  expect({
    "not in PROGRAMS": nodejs.filter((p) => !listed.includes(p)),
    "not in OTHER_PROGRAMS": other.filter((p) => !listedOther.includes(p)),
    "listed, not found": [...listed, ...listedOther].filter((p) => !nodejs.includes(p) && !other.includes(p)),
  }).toEqual({ "not in PROGRAMS": [], "not in OTHER_PROGRAMS": [], "listed, not found": [] });
  // Each of the others is named by the test file said to check it.
  const unnamed = OTHER_PROGRAMS.filter(
    ({ dir, checkedBy }) => !readFileSync(join(ROOT, checkedBy), "utf8").includes(dir),
  );
  expect(unnamed).toEqual([]);
});

// All programs at once (each a preview, then an update), as separate node processes: jest gives the whole suite one
// worker on 2 cores. One program's update waits for its preview, which fills ts-node's compile cache.
const runs = new Map<string, Record<"preview" | "up", RunResult>>();
beforeAll(async () => {
  await Promise.all(
    PROGRAMS.map(async (program) => {
      const run = (preview: boolean) =>
        runProgram({ dir: join(ROOT, program.dir), preview, config: program.config, secretKeys: program.secretKeys });
      const preview = await run(true);
      runs.set(caseKey(program), { preview, up: await run(false) });
    }),
  );
}, 300_000);

const caseKey = (p: ProgramCase) => (p.variant ? `${p.dir} (${p.variant})` : p.dir);

describe.each(PROGRAMS.map((p) => ({ ...p, key: caseKey(p) })))("program $key", (program) => {
  describe.each(["preview", "up"] as const)("%s", (mode) => {
    const run = () => runs.get(program.key)![mode];

    test("runs to the end without errors", () => {
      expect(runProblems(run())).toEqual([]);
    });

    test("every parent, dependency and provider reference is a registered resource", () => {
      expect(structureProblems(run())).toEqual([]);
    });

    test("every Kubernetes object goes through an explicit Kubernetes provider", () => {
      // Not vacuous: the program writes to a cluster.
      expect(ofType(run(), "kubernetes:").length).toBeGreaterThan(0);
      expect(kubernetesProviderProblems(run())).toEqual([]);
    });

    test("every Istio object belongs to a GlobalNamespace", () => {
      // Routing and security objects both (STRICT mTLS by default: a PeerAuthentication per mapped namespace).
      expect(ofType(run(), "kubernetes:networking.istio.io/").length).toBeGreaterThan(0);
      expect(ofType(run(), "kubernetes:security.istio.io/").length).toBeGreaterThan(0);
      expect(istioParentProblems(run())).toEqual([]);
    });

    test("every Istio object waits for its cluster's istiod, where the program installs one", () => {
      const { problems, compared, skipped } = istiodReadiness(run());
      expect(problems).toEqual([]);
      if (mode === "up") {
        // Every kubeconfig is known in an update, so nothing a preview had to skip goes unchecked, and the check is seen
        // to compare every Istio object of a program that installs istiod.
        expect(skipped).toEqual([]);
        const istio = istioObjects(run()).map((g) => g.urn);
        expect(istio.length).toBeGreaterThan(0);
        expect([...compared].sort()).toEqual(program.expect.installsIstiod ? istio.sort() : []);
      }
    });

    test("kubeconfigs, Kubernetes Secrets, keys and config secrets stay secret", () => {
      expect(ofType(run(), "pulumi:providers:kubernetes").length).toBeGreaterThan(0);
      expect(secretProblems(run())).toEqual([]);
    });

    test("registers the program's components and exports its outputs", () => {
      const counts = countTypes(run());
      expect(Object.fromEntries(Object.keys(program.expect.counts).map((t) => [t, counts[t] ?? 0]))).toEqual(
        program.expect.counts,
      );
      expect(Object.keys(run().stackOutputs).sort()).toEqual([...program.expect.outputs].sort());
      program.expect.check?.(run());
    });
  });
});
