import { Registration } from "../helpers/pulumiHarness";
import { diffRegistrations, Plan, registrationsOf } from "../helpers/plan";
import { acmeDef, GNS, manifestsOf, takeWorkload } from "./acme";
import { MeshDef, meshProgram } from "./program";
import { objectUrn, providerUrn, sorted } from "./urns";

/**
 * Leaving safely (issue 11 item 6): a cluster leaves a GlobalNamespace — or is destroyed together with its entry —
 * and the objects of the clusters that stay stop pointing at it before anything of it goes away.
 *
 * Why the order holds in Pulumi: a registered resource's step runs while the program runs (the Node SDK's
 * RegisterResource call returns once its step is done, and the program ends only after every call returned), and
 * the engine deletes what the program no longer registers only after the program has ended (deployment_executor.go:
 * "The SourceIterator sends us a `nil` event … we should begin processing deletes", then performDeletes), in reverse
 * dependency order (step_generator.go GenerateDeletes walks the old resources backwards). So every update below
 * happens before every delete below, and the leaving cluster's objects go before its provider.
 *
 * That order is argued from the engine's source above, not tested here: the stand-in diff (diffRegistrations) has
 * no step order. These tests check what the plan contains — which objects are updated, which deleted — not when.
 */

const LEAVING = "cluster3";
const LEAVING_ADDRESS = "198.51.100.30";

/** acme-fitness over three clusters; cluster3 runs a second catalog, so the others point at it. */
function threeClusters(): MeshDef {
  const def = acmeDef();
  def.clusters.push({ name: LEAVING, ingress: { address: LEAVING_ADDRESS }, locality: "eu-west-1" });
  def.members.push({ cluster: LEAVING, namespace: "default" });
  const catalog = structuredClone(takeWorkload(def, "cluster2", "catalog"));
  manifestsOf(def, "cluster2").push(...structuredClone(catalog));
  def.manifests!.push({ cluster: LEAVING, objects: catalog });
  return def;
}

function withoutLeaving(): MeshDef {
  const def = threeClusters();
  def.clusters = def.clusters.filter((c) => c.name !== LEAVING);
  def.members = def.members.filter((m) => m.cluster !== LEAVING);
  def.manifests = def.manifests!.filter((m) => m.cluster !== LEAVING);
  return def;
}

/** Whether a registration is written through `cluster`'s provider (or is that provider). */
function inCluster(r: Registration, cluster: string): boolean {
  return r.urn === providerUrn(cluster) || r.provider.startsWith(`${providerUrn(cluster)}::`);
}

let before: Map<string, Registration>;
let after: Map<string, Registration>;
let plan: Plan;
beforeAll(async () => {
  before = await registrationsOf(meshProgram(threeClusters()));
  after = await registrationsOf(meshProgram(withoutLeaving()));
  plan = diffRegistrations(before, after);
});

test("the leaving cluster's objects and provider are deleted, and nothing else is", () => {
  const leaving = [...before.values()].filter((r) => inCluster(r, LEAVING)).map((r) => r.urn);
  expect(leaving).toContain(providerUrn(LEAVING));
  expect(leaving.length).toBeGreaterThan(50);
  expect(plan.delete).toEqual(sorted(leaving));
  expect(plan.create).toEqual([]);
  expect(plan.replace).toEqual({});
});

test("every object that pointed at the leaving cluster is updated in place, and none points at it afterwards (what, not when: see above)", () => {
  const mentions = (r: Registration) => {
    const text = JSON.stringify(r.inputs);
    return text.includes(LEAVING_ADDRESS) || text.includes(`istio-egressgateway-${LEAVING}`);
  };
  const pointing = [...before.values()].filter((r) => !inCluster(r, LEAVING) && mentions(r)).map((r) => r.urn);
  // cluster1 reached catalog through cluster3's ingress too; cluster2's catalog and every owner admitted cluster3.
  expect(pointing).toContain(objectUrn(GNS, "cluster1", "ServiceEntry", "catalog"));
  expect(pointing.length).toBeGreaterThan(10);
  for (const urn of pointing) expect(plan.update[urn]).toBeDefined();
  expect([...after.values()].filter(mentions)).toEqual([]);
  // Updates stay in the clusters that remain.
  for (const urn of Object.keys(plan.update)) expect(inCluster(after.get(urn)!, LEAVING)).toBe(false);
});

test("cluster1's catalog entry drops cluster3's endpoint and keeps its virtual IP", () => {
  const urn = objectUrn(GNS, "cluster1", "ServiceEntry", "catalog");
  const endpoints = (r: Registration) => r.inputs.spec.endpoints.map((e: { address: string }) => e.address);
  expect(endpoints(before.get(urn)!)).toContain(LEAVING_ADDRESS);
  expect(endpoints(after.get(urn)!)).not.toContain(LEAVING_ADDRESS);
  expect(after.get(urn)!.inputs.spec.addresses).toEqual(before.get(urn)!.inputs.spec.addresses);
});
