import { join } from "node:path";
import { DEFAULT_ISTIO_VERSION } from "../../sdk/src/install/defaults";
import {
  ancestors,
  clusterOf,
  GLOBAL_NAMESPACE,
  HELM_RELEASE,
  isIstio,
  istiodReadiness,
  istiodReleases,
  istioObjects,
  K8S_PROVIDER,
  kubeconfigOf,
  ofType,
} from "./checks";
import { PROGRAMS } from "./programs";
import { RunResult, runProgram } from "./runProgram";

/**
 * The mesh's lifecycle as Pulumi runs it (examples/onboard-existing through the stand-in engine, before and after an
 * Istio upgrade): the GlobalNamespace's objects wait for istiod on each of its clusters, and an upgrade touches the Helm
 * releases, not the providers or the mesh objects. Resources are found by type and inputs, never by name: the example
 * and the sdk choose names freely.
 */
const ROOT = join(__dirname, "..", "..");
/** The next patch release after the default: a patch upgrade is in place (docs/operating.md, "Upgrading Istio"). */
const PATCH_UPGRADE = DEFAULT_ISTIO_VERSION.replace(/\d+$/, (p) => String(Number(p) + 1));
const program = PROGRAMS.find((p) => p.dir === "examples/onboard-existing")!;
const up = (extra: Record<string, string>) =>
  runProgram({
    dir: join(ROOT, program.dir),
    preview: false,
    config: { ...program.config, ...extra },
    secretKeys: program.secretKeys,
  });

describe("examples/onboard-existing: readiness and upgrades", () => {
  let before: RunResult;
  let after: RunResult;
  beforeAll(async () => {
    [before, after] = await Promise.all([up({}), up({ istioVersion: PATCH_UPGRADE })]);
  }, 180_000);

  test("both runs succeed", () => {
    expect([before.errors, after.errors]).toEqual([[], []]);
  });

  test("before and after the upgrade, every mesh object waits for istiod on its own cluster", () => {
    for (const r of [before, after]) {
      // The GlobalNamespace's clusters (the kubeconfigs of the Kubernetes providers under it) are the program's three,
      // and on each the program installs istiod once.
      const gnsClusters = r.registrations
        .filter((g) => g.type === K8S_PROVIDER && ancestors(r, g).some((a) => a.type === GLOBAL_NAMESPACE))
        .map(kubeconfigOf);
      const istiodClusters = istiodReleases(r).map((g) => clusterOf(r, g));
      expect(new Set(gnsClusters).size).toBe(program.secretKeys.length);
      expect([...istiodClusters].sort()).toEqual([...new Set(gnsClusters)].sort());
      // The generic check (programs.test.ts runs it for every program) compares every Istio object here.
      const { problems, compared, skipped } = istiodReadiness(r);
      expect({ problems, skipped }).toEqual({ problems: [], skipped: [] });
      expect([...compared].sort()).toEqual(
        istioObjects(r)
          .map((g) => g.urn)
          .sort(),
      );
    }
  });

  test("an Istio version change changes the releases' version and nothing a provider or mesh object is made of", () => {
    const releases = (r: RunResult) => ofType(r, HELM_RELEASE).map((g) => ({ urn: g.urn, version: g.inputs.version }));
    expect(new Set(releases(before).map((g) => g.version))).toEqual(new Set([DEFAULT_ISTIO_VERSION]));
    expect(new Set(releases(after).map((g) => g.version))).toEqual(new Set([PATCH_UPGRADE]));
    // The same releases (URNs), upgraded in place.
    const urns = (r: RunResult) => releases(r).map((g) => g.urn);
    expect(urns(after).sort()).toEqual(urns(before).sort());

    const kept = (r: RunResult) =>
      r.registrations
        .filter((g) => g.type === K8S_PROVIDER || isIstio(g.type))
        .map((g) => ({ urn: g.urn, inputs: g.inputs, provider: g.provider }))
        // Registrations arrive in whatever order the program's outputs resolve.
        .sort((a, b) => a.urn.localeCompare(b.urn));
    expect(kept(before).length).toBeGreaterThan(0);
    // Same URNs, same inputs, same provider: Pulumi shows no change, so nothing is replaced.
    expect(kept(after)).toEqual(kept(before));
  });
});
