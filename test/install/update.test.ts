import { installMocks, Registration, valueOf } from "../helpers/pulumiHarness";
import { computedState, handle } from "./support";

/**
 * Editing the exclusions is an ordinary update: the same program evaluated before and after registers the same
 * resources (no create, no delete) and only the affected namespace's label patch changes an input — a label, never
 * `metadata.name`, which is what would make a NamespacePatch replace.
 */
async function evaluate(exclude: string[]): Promise<Map<string, Registration>> {
  const rec = await installMocks({ preview: false, state: computedState });
  const lib = await import("../../sdk/src");
  const trust = new lib.MeshTrust("mesh");
  const mc = new lib.MeshCluster("c1", { cluster: handle("c1"), trust, injection: { namespaces: ["shop", "legacy"], exclude } });
  await valueOf(mc.ingressAddress);
  await rec.settled();
  return new Map(rec.registrations.map((r) => [r.urn, r]));
}

test("excluding a namespace later changes one label in place", async () => {
  const before = await evaluate([]);
  const after = await evaluate(["legacy"]);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  const changed = [...after.values()].filter((r) => JSON.stringify(r.inputs) !== JSON.stringify(before.get(r.urn)!.inputs));
  expect(changed.map((r) => r.name)).toEqual(["c1-injection-legacy"]);
  const [was, is] = [before.get(changed[0].urn)!.inputs.metadata, changed[0].inputs.metadata];
  expect(is.name).toBe(was.name);
  expect([was.labels, is.labels]).toEqual([{ "istio-injection": "enabled" }, { "istio-injection": "disabled" }]);
});
