import { installMocks, Registration, valueOf } from "../helpers/pulumiHarness";
import { computedState, connection, deps } from "./support";

/**
 * Everyday edits to an onboarded mesh are ordinary updates: the same program evaluated before and after registers the
 * same resources (or only adds the new ones), and only the inputs the edit is about change.
 */
interface Setup {
  /** MeshTrust's clusters. */
  trusted: string[];
  /** Clusters onboarded with a MeshCluster. */
  onboarded: string[];
  exclude: string[];
}

async function evaluate({ trusted, onboarded, exclude }: Setup): Promise<Map<string, Registration>> {
  const rec = await installMocks({ preview: false, state: computedState });
  const lib = await import("../../sdk/src");
  const trust = new lib.MeshTrust("mesh", { clusters: trusted });
  for (const c of onboarded) {
    const mc = new lib.MeshCluster(c, {
      cluster: connection(c),
      ca: trust.caFor(c),
      meshId: trust.meshId,
      injection: { namespaces: ["shop", "legacy"], exclude },
    });
    await valueOf(mc.ingressAddress);
  }
  await rec.settled();
  return new Map(rec.registrations.map((r) => [r.urn, r]));
}

const changed = (before: Map<string, Registration>, after: Map<string, Registration>) =>
  [...after.values()].filter(
    (r) => before.has(r.urn) && JSON.stringify(r.inputs) !== JSON.stringify(before.get(r.urn)!.inputs),
  );

test("excluding a namespace later changes one label in place", async () => {
  const before = await evaluate({ trusted: ["c1"], onboarded: ["c1"], exclude: [] });
  const after = await evaluate({ trusted: ["c1"], onboarded: ["c1"], exclude: ["legacy"] });
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  const edits = changed(before, after);
  expect(edits.map((r) => r.name)).toEqual(["c1-injection-legacy"]);
  const [was, is] = [before.get(edits[0].urn)!.inputs.metadata, edits[0].inputs.metadata];
  expect(is.name).toBe(was.name);
  // One label for the other (server-side apply drops the one the patch no longer sets): never both, since
  // `istio-injection` would override the revision tag.
  expect([was.labels, is.labels]).toEqual([{ "istio.io/rev": "stable" }, { "istio-injection": "disabled" }]);
});

test("adding a cluster to MeshTrust adds its intermediate only: the onboarded cluster's resources keep inputs and dependencies", async () => {
  const before = await evaluate({ trusted: ["c1"], onboarded: ["c1"], exclude: [] });
  const after = await evaluate({ trusted: ["c1", "c2"], onboarded: ["c1"], exclude: [] });
  const added = [...after.keys()].filter((urn) => !before.has(urn));
  expect(added.map((urn) => urn.split("::").pop()).sort()).toEqual([
    "mesh-c2-ca-cert",
    "mesh-c2-ca-csr",
    "mesh-c2-ca-key",
  ]);
  expect([...before.keys()].filter((urn) => !after.has(urn))).toEqual([]);
  expect(changed(before, after)).toEqual([]);
  // c1's CA material does not wait for c2's intermediate either.
  for (const [urn, r] of before)
    expect({ name: r.name, deps: deps(after.get(urn)!) }).toEqual({ name: r.name, deps: deps(r) });
});
