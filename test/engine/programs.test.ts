import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import {
  countTypes,
  istioParentProblems,
  kubernetesProviderProblems,
  ofType,
  runProblems,
  secretProblems,
  structureProblems,
} from "./checks";
import { PROGRAMS } from "./programs";
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

// All programs at once (each a preview, then an update), as separate node processes: jest gives the whole suite one
// worker on 2 cores. One program's update waits for its preview, which fills ts-node's compile cache.
const runs = new Map<string, Record<"preview" | "up", RunResult>>();
beforeAll(async () => {
  await Promise.all(
    PROGRAMS.map(async (program) => {
      const run = (preview: boolean) =>
        runProgram({ dir: join(ROOT, program.dir), preview, config: program.config, secretKeys: program.secretKeys });
      const preview = await run(true);
      runs.set(program.dir, { preview, up: await run(false) });
    }),
  );
}, 300_000);

describe.each(PROGRAMS)("program $dir", (program) => {
  describe.each(["preview", "up"] as const)("%s", (mode) => {
    const run = () => runs.get(program.dir)![mode];

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
      expect(ofType(run(), "kubernetes:networking.istio.io/").length).toBeGreaterThan(0);
      expect(istioParentProblems(run())).toEqual([]);
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
