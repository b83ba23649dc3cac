import { join } from "node:path";
import { PROGRAMS } from "./programs";
import { RunResult, runProgram } from "./runProgram";
import { Registration } from "./standInEngine";

/**
 * The mesh's lifecycle as Pulumi runs it (examples/onboard-existing through the stand-in engine): the GlobalNamespace's
 * objects wait for istiod, and an Istio upgrade touches the Helm releases, not the providers or the mesh objects.
 */
const ROOT = join(__dirname, "..", "..");
const program = PROGRAMS.find((p) => p.dir === "examples/onboard-existing")!;
const up = (extra: Record<string, string>) =>
  runProgram({
    dir: join(ROOT, program.dir),
    preview: false,
    config: { ...program.config, ...extra },
    secretKeys: program.secretKeys,
  });

const istioObjects = (r: RunResult) =>
  r.registrations.filter((g) => g.type.startsWith("kubernetes:networking.istio.io/"));
const byUrn = (r: RunResult) => new Map(r.registrations.map((g) => [g.urn, g]));
/** The registration a provider reference `<urn>::<id>` names. */
const providerOf = (r: RunResult, g: Registration) => byUrn(r).get(g.provider.slice(0, g.provider.lastIndexOf("::")))!;

describe("examples/onboard-existing: readiness and upgrades", () => {
  let before: RunResult;
  let after: RunResult;
  beforeAll(async () => {
    [before, after] = await Promise.all([up({}), up({ istioVersion: "1.29.3" })]);
  }, 180_000);

  test("both runs succeed", () => {
    expect([before.errors, after.errors]).toEqual([[], []]);
  });

  test("every mesh object's recorded dependencies reach its own cluster's istiod release", () => {
    const objects = istioObjects(before);
    expect(objects.length).toBeGreaterThan(0);
    const istiod = new Map(
      before.registrations
        .filter((g) => g.type === "kubernetes:helm.sh/v3:Release" && g.name.endsWith("-mesh-istiod"))
        .map((g) => [g.name.replace(/-mesh-istiod$/, ""), g.urn]),
    );
    expect([...istiod.keys()].sort()).toEqual(["cluster1", "cluster2", "cluster3"]);
    const missing = objects.filter((o) => {
      // The object's cluster: its provider is the GlobalNamespace's `bookinfo-<cluster>`.
      const cluster = providerOf(before, o).name.replace(/^bookinfo-/, "");
      return !o.dependencies.includes(istiod.get(cluster)!);
    });
    expect(missing.map((o) => o.name)).toEqual([]);
  });

  test("an Istio version change changes the releases' version and nothing a provider or mesh object is made of", () => {
    const releases = (r: RunResult) =>
      r.registrations.filter((g) => g.type === "kubernetes:helm.sh/v3:Release").map((g) => [g.name, g.inputs.version]);
    expect(new Set(releases(before).map(([, v]) => v))).toEqual(new Set(["1.29.2"]));
    expect(new Set(releases(after).map(([, v]) => v))).toEqual(new Set(["1.29.3"]));

    const kept = (r: RunResult) =>
      r.registrations
        .filter((g) => g.type === "pulumi:providers:kubernetes" || g.type.startsWith("kubernetes:networking.istio.io/"))
        .map((g) => ({ urn: g.urn, inputs: g.inputs, provider: g.provider }))
        // Registrations arrive in whatever order the program's outputs resolve.
        .sort((a, b) => a.urn.localeCompare(b.urn));
    expect(kept(before).length).toBeGreaterThan(0);
    // Same URNs, same inputs, same provider: Pulumi shows no change, so nothing is replaced.
    expect(kept(after)).toEqual(kept(before));
  });
});
