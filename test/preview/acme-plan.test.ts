import { Registration } from "../helpers/pulumiHarness";
import { diffRegistrations, Plan, registrationsOf } from "../helpers/plan";
import { ACME, acmeDef, acmeObjects, GNS, manifestsOf, newWorkload, takeWorkload } from "./acme";
import { MeshDef, meshProgram, RESOURCE, STACK_PREFIX } from "./program";
import {
  clientObjects,
  egressObjects,
  hostObjects,
  ingressObjects,
  objectUrn,
  providerUrn,
  servingObjects,
  sorted,
} from "./urns";

/** The plan `pulumi preview` shows for each everyday change to examples/acme-fitness. */

let before: Map<string, Registration>;
beforeAll(async () => {
  before = await registrationsOf(meshProgram(acmeDef()));
});

async function planTo(edit: (def: MeshDef) => void): Promise<Plan> {
  const def = acmeDef();
  edit(def);
  return diffRegistrations(before, await registrationsOf(meshProgram(def)));
}

test("the starting point registers exactly acme-fitness's objects, its providers and the component", () => {
  const component = `${STACK_PREFIX}globalmesh:index:GlobalNamespace::${RESOURCE}`;
  expect(sorted(before.keys())).toEqual(
    sorted([component, providerUrn("cluster1"), providerUrn("cluster2"), ...acmeObjects()]),
  );
});

test("adding a service creates only its objects: serving in its cluster, client in the other", async () => {
  const plan = await planTo((def) => manifestsOf(def, "cluster1").push(...newWorkload("points", 7000)));
  expect(plan).toEqual({
    create: sorted([
      ...servingObjects(GNS, "cluster1", "points", [7000], true),
      ...clientObjects(GNS, "cluster2", "points", [7000]),
    ]),
    delete: [],
    update: {},
    replace: {},
  });
});

test("moving catalog from cluster2 to cluster1 swaps its egress and ingress legs and updates its host entries in place", async () => {
  const plan = await planTo((def) => manifestsOf(def, "cluster1").push(...takeWorkload(def, "cluster2", "catalog")));
  expect(plan.create).toEqual(
    sorted([
      ...ingressObjects(GNS, "cluster1", "catalog", [8082]),
      ...egressObjects(GNS, "cluster2", "catalog", [8082]),
    ]),
  );
  expect(plan.delete).toEqual(
    sorted([
      ...egressObjects(GNS, "cluster1", "catalog", [8082]),
      ...ingressObjects(GNS, "cluster2", "catalog", [8082]),
    ]),
  );
  expect(sorted(Object.keys(plan.update))).toEqual(
    sorted([...hostObjects(GNS, "cluster1", "catalog"), ...hostObjects(GNS, "cluster2", "catalog")]),
  );
  expect(plan.replace).toEqual({});
  // cluster1's entry now points at the local Service instead of cluster2's ingress; the virtual IP stays.
  const entry = plan.update[objectUrn(GNS, "cluster1", "ServiceEntry", "catalog")];
  expect(entry).toContain("spec.endpoints[0].address");
  expect(entry).not.toContain("spec.addresses[0]");
});

test("running catalog in cluster1 too: nobody is left outside, so both cross-cluster legs go away", async () => {
  const plan = await planTo((def) => {
    const copy = structuredClone(takeWorkload(def, "cluster2", "catalog"));
    manifestsOf(def, "cluster2").push(...structuredClone(copy));
    manifestsOf(def, "cluster1").push(...copy);
  });
  expect(plan).toEqual({
    create: [],
    delete: sorted([
      ...egressObjects(GNS, "cluster1", "catalog", [8082]),
      ...ingressObjects(GNS, "cluster2", "catalog", [8082]),
    ]),
    update: expect.any(Object),
    replace: {},
  });
  expect(sorted(Object.keys(plan.update))).toEqual(sorted(hostObjects(GNS, "cluster1", "catalog")));
});

test("removing payment deletes its objects in both clusters and nothing else", async () => {
  const plan = await planTo((def) => void takeWorkload(def, "cluster1", "payment"));
  expect(plan).toEqual({
    create: [],
    delete: sorted([
      ...servingObjects(GNS, "cluster1", "payment", [9000], true),
      ...clientObjects(GNS, "cluster2", "payment", [9000]),
    ]),
    update: {},
    replace: {},
  });
});

test("a third cluster joining gets a provider and the client objects of every service; nothing else changes", async () => {
  const plan = await planTo((def) => {
    def.clusters.push({ name: "cluster3", locality: "eu-west-1" });
    def.members.push({ cluster: "cluster3", namespace: "default" });
  });
  const expected = Object.values(ACME).flatMap((services) =>
    Object.entries(services).flatMap(([s, ports]) => clientObjects(GNS, "cluster3", s, ports)),
  );
  expect(expected).toHaveLength(60);
  expect(plan).toEqual({ create: sorted([providerUrn("cluster3"), ...expected]), delete: [], update: {}, replace: {} });
});

test("catalog's port 8082 → 8083 renames only the per-port routes and updates its other objects in place", async () => {
  const plan = await planTo((def) => {
    const service = manifestsOf(def, "cluster2").find(
      (o: any) => o.kind === "Service" && o.metadata.name === "catalog",
    ) as any;
    service.spec.ports[0].port = 8083;
  });
  const route = (c: string, leg: string, p: number) => objectUrn(GNS, c, "VirtualService", `catalog.${leg}.${p}`);
  expect(plan.create).toEqual(sorted([route("cluster1", "egress", 8083), route("cluster2", "ingress", 8083)]));
  expect(plan.delete).toEqual(sorted([route("cluster1", "egress", 8082), route("cluster2", "ingress", 8082)]));
  expect(sorted(Object.keys(plan.update))).toEqual(
    sorted([
      ...clientObjects(GNS, "cluster1", "catalog", []),
      ...hostObjects(GNS, "cluster2", "catalog"),
      objectUrn(GNS, "cluster2", "Gateway", "catalog.ingress"),
    ]),
  );
  expect(plan.replace).toEqual({});
  expect(plan.update[objectUrn(GNS, "cluster1", "ServiceEntry", "catalog")]).not.toContain("spec.addresses[0]");
});

test("a new domain updates every object in place (new hosts, new virtual IPs) and replaces none", async () => {
  const plan = await planTo((def) => void (def.domain = "acme.example.org"));
  expect(plan.create).toEqual([]);
  expect(plan.delete).toEqual([]);
  expect(plan.replace).toEqual({});
  expect(sorted(Object.keys(plan.update))).toEqual(sorted(acmeObjects()));
  for (const [urn, paths] of Object.entries(plan.update)) {
    if (urn.includes(":ServiceEntry::"))
      expect(paths).toEqual(expect.arrayContaining(["spec.hosts[0]", "spec.addresses[0]"]));
  }
});

test("re-ordering clusters, rules, manifests and manifest documents plans nothing", async () => {
  const plan = await planTo((def) => {
    def.clusters.reverse();
    def.members.reverse();
    def.manifests!.reverse();
    for (const m of def.manifests!) m.objects.reverse();
  });
  expect(plan).toEqual({ create: [], delete: [], update: {}, replace: {} });
});

test("moving a cluster's gateways to another namespace is not everyday: it replaces that cluster's objects, and only those", async () => {
  const plan = await planTo(
    (def) => void (def.clusters.find((c) => c.name === "cluster2")!.gateways = { namespace: "mesh-gateways" }),
  );
  const cluster2 = acmeObjects(["cluster2"]);
  expect(plan.create).toEqual([]);
  expect(plan.delete).toEqual([]);
  expect(sorted(Object.keys(plan.replace))).toEqual(sorted(cluster2));
  expect(new Set(Object.values(plan.replace))).toEqual(new Set(["metadata.namespace changed"]));
  // cluster1's objects name the egress gateway of their own cluster only: untouched.
  expect(plan.update).toEqual({});
});
