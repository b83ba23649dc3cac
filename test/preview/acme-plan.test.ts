import { Registration } from "../helpers/pulumiHarness";
import { diffRegistrations, Plan, registrationsOf } from "../helpers/plan";
import { ACME, acmeDef, acmeObjects, GNS, manifestsOf, newWorkload, takeWorkload } from "./acme";
import { MeshDef, meshProgram, RESOURCE, STACK_PREFIX } from "./program";
import {
  clientObjects,
  egressObjects,
  gatewayUrn,
  hostObjects,
  mtlsUrn,
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

test("a third cluster joining gets a provider and the client objects of every service; the owners admit its egress gateway", async () => {
  const plan = await planTo((def) => {
    def.clusters.push({ name: "cluster3", locality: "eu-west-1" });
    def.members.push({ cluster: "cluster3", namespace: "default" });
  });
  const expected = Object.values(ACME).flatMap((services) =>
    Object.entries(services).flatMap(([s, ports]) => clientObjects(GNS, "cluster3", s, ports)),
  );
  expect(expected).toHaveLength(70);
  expect(plan.create).toEqual(sorted([providerUrn("cluster3"), ...expected, mtlsUrn(GNS, "cluster3", "default")]));
  expect(plan.delete).toEqual([]);
  expect(plan.replace).toEqual({});
  // Every owner's ingress now also admits cluster3's egress gateway: its Gateway (subjectAltNames) and policy.
  const admitting = Object.entries(ACME).flatMap(([owner, services]) =>
    Object.keys(services).flatMap((s) => [
      gatewayUrn(GNS, owner, s, "ingress"),
      objectUrn(GNS, owner, "AuthorizationPolicy", `${s}.ingress`),
    ]),
  );
  expect(sorted(Object.keys(plan.update))).toEqual(sorted(admitting));
  expect(plan.update[gatewayUrn(GNS, "cluster2", "catalog", "ingress")]).toEqual([
    "spec.servers[0].tls.subjectAltNames[1]",
  ]);
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
      ...ingressObjects(GNS, "cluster2", "catalog", []),
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
  // Everything but the PeerAuthentications, which name no host.
  expect(sorted(Object.keys(plan.update))).toEqual(
    sorted(acmeObjects().filter((u) => !u.includes(":PeerAuthentication::"))),
  );
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
  // The PeerAuthentication lives in the application namespace: it stays.
  const cluster2 = acmeObjects(["cluster2"]).filter((u) => !u.includes(":PeerAuthentication::"));
  expect(plan.create).toEqual([]);
  expect(plan.delete).toEqual([]);
  expect(sorted(Object.keys(plan.replace))).toEqual(sorted(cluster2));
  expect(new Set(Object.values(plan.replace))).toEqual(new Set(["metadata.namespace changed"]));
  // cluster2's gateways have new identities (their namespace is part of them): cluster1's ingress admits the new
  // egress gateway, and cluster1's egress gateway expects the new ingress gateway at the far end of its tunnels.
  const admitting = Object.keys(ACME.cluster1).flatMap((s) => [
    gatewayUrn(GNS, "cluster1", s, "ingress"),
    objectUrn(GNS, "cluster1", "AuthorizationPolicy", `${s}.ingress`),
  ]);
  const expecting = Object.keys(ACME.cluster2).map((s) => objectUrn(GNS, "cluster1", "DestinationRule", s));
  expect(sorted(Object.keys(plan.update))).toEqual(sorted([...admitting, ...expecting]));
});

test("adding an access policy changes only the objects it must: the caller's egress policy and the target's pods", async () => {
  const plan = await planTo(
    (def) =>
      void (def.policies = [
        {
          name: "shop-to-catalog",
          action: "ALLOW",
          from: [{ namespace: "default", cluster: "cluster1", serviceAccounts: ["shopping"] }],
          to: [{ service: "catalog", ports: [8082], methods: ["GET"] }],
        },
      ]),
  );
  expect(plan).toEqual({
    // catalog is now restricted: a policy on its pods in cluster2 (namespace default).
    create: [objectUrn(GNS, "cluster2", "AuthorizationPolicy", "catalog", "default")],
    delete: [],
    // cluster1's egress gateway admits catalog's tunnel from shopping's account only.
    update: { [objectUrn(GNS, "cluster1", "AuthorizationPolicy", "catalog.egress")]: expect.any(Array) },
    replace: {},
  });
});

test("adding a member namespace updates that cluster's objects only (their audience) and adds its mTLS policy", async () => {
  const plan = await planTo((def) => {
    def.members.push({ cluster: "cluster1", namespace: "shop" });
  });
  expect(plan.create).toEqual([mtlsUrn(GNS, "cluster1", "shop")]);
  expect(plan.delete).toEqual([]);
  expect(plan.replace).toEqual({});
  const updated = Object.keys(plan.update);
  expect(updated.length).toBeGreaterThan(0);
  expect(updated.every((u) => u.includes("::mesh-cluster1-"))).toBe(true);
  for (const paths of Object.values(plan.update))
    expect(
      paths.every((p) => p.startsWith("spec.exportTo") || p.startsWith("spec.rules[0].from[0].source.namespaces")),
    ).toBe(true);
});
