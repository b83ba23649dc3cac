import { GlobalNamespaceService } from "../../sdk/src/gns";
import { diffRegistrations, Plan, registrationsOf } from "../helpers/plan";
import { Registration } from "../helpers/pulumiHarness";
import { MeshDef, meshProgram } from "./program";
import {
  clientObjects,
  egressObjects,
  gatewayUrn,
  hostObjects,
  ingressObjects,
  mtlsUrn,
  objectUrn,
  providerUrn,
  servingObjects,
  sorted,
} from "./urns";

/**
 * The same everyday changes on a generated mesh: 4 clusters, 30 services spread over them, some in two clusters, one
 * in all four, some with two ports (≈650 objects). Expected URNs come from the generator's own data and the wiring
 * rules. Each run costs ~1.5 ms per resource in the Pulumi mocks, so the mesh is kept to this size.
 */
const GNS = "fleet";
const CLUSTERS = ["c1", "c2", "c3", "c4"];
const SERVICES = 30;
/** The teams' namespaces, present in every cluster (the member rule is a pattern, so each cluster lists them). */
const TEAMS = ["team-0", "team-1", "team-2"];

interface Svc {
  name: string;
  namespace: string;
  clusters: string[];
  ports: number[];
}

/** svc-000 runs everywhere; every 10th (from 5) also runs in the next cluster; every 7th (from 3) has a gRPC port. */
function generated(): Svc[] {
  return Array.from({ length: SERVICES }, (_, i) => {
    const home = i % CLUSTERS.length;
    const clusters =
      i === 0
        ? [...CLUSTERS]
        : i % 10 === 5
          ? [CLUSTERS[home], CLUSTERS[(home + 1) % CLUSTERS.length]]
          : [CLUSTERS[home]];
    return {
      name: `svc-${String(i).padStart(3, "0")}`,
      namespace: `team-${i % 3}`,
      clusters,
      ports: i % 7 === 3 ? [8080, 9090] : [8080],
    };
  });
}

function defOf(services: Svc[], clusters = CLUSTERS): MeshDef {
  return {
    name: GNS,
    domain: "fleet.example.com",
    clusters: clusters.map((c) => ({
      name: c,
      ingress: { address: `${c}.lb.example.net` },
      locality: `region-${c}`,
      namespaces: TEAMS,
    })),
    members: clusters.map((c) => ({ cluster: c, namespace: "team-*" })),
    services: services.map((s): GlobalNamespaceService => ({
      name: s.name,
      namespace: s.namespace,
      clusters: s.clusters,
      ports: s.ports.map((number) => ({ number, name: `${number === 9090 ? "grpc" : "http"}-${number}` })),
    })),
  };
}

/** Every object of every service, by the wiring rules. */
function allObjects(services: Svc[], clusters = CLUSTERS): string[] {
  return [...serviceObjects(services, clusters), ...clusters.flatMap((c) => TEAMS.map((t) => mtlsUrn(GNS, c, t)))];
}

/** The objects of these services only. */
function serviceObjects(services: Svc[], clusters = CLUSTERS): string[] {
  return services.flatMap((s) =>
    clusters.flatMap((c) =>
      s.clusters.includes(c)
        ? servingObjects(
            GNS,
            c,
            s.name,
            s.ports,
            clusters.some((o) => !s.clusters.includes(o)),
          )
        : clientObjects(GNS, c, s.name, s.ports),
    ),
  );
}

/** What decides who an owner's ingress admits for a service: its Gateway (subjectAltNames) and policy. */
function admission(cluster: string, service: string): string[] {
  return [
    gatewayUrn(GNS, cluster, service, "ingress"),
    objectUrn(GNS, cluster, "AuthorizationPolicy", `${service}.ingress`),
  ];
}

const NONE: Plan = { create: [], delete: [], update: {}, replace: {} };
let before: Map<string, Registration>;
beforeAll(async () => {
  before = await registrationsOf(meshProgram(defOf(generated())));
});

async function planTo(def: MeshDef): Promise<Plan> {
  return diffRegistrations(before, await registrationsOf(meshProgram(def)));
}

function edited(name: string, edit: (s: Svc) => void): Svc[] {
  const services = generated();
  edit(services.find((s) => s.name === name)!);
  return services;
}

test("the generated mesh registers the objects the wiring rules call for", () => {
  const objects = allObjects(generated());
  expect(objects.length).toBeGreaterThan(600);
  expect(sorted([...before.keys()].filter((u) => /(networking|security)\.istio\.io/.test(u)))).toEqual(sorted(objects));
});

test("adding a service to c2 creates only its objects", async () => {
  const plan = await planTo(
    defOf([...generated(), { name: "svc-new", namespace: "team-1", clusters: ["c2"], ports: [8080] }]),
  );
  const created = [
    ...servingObjects(GNS, "c2", "svc-new", [8080], true),
    ...["c1", "c3", "c4"].flatMap((c) => clientObjects(GNS, c, "svc-new", [8080])),
  ];
  expect(plan).toEqual({ ...NONE, create: sorted(created) });
});

test("moving svc-001 from c2 to c1 touches only svc-001: legs swap, host entries update, other clients re-point", async () => {
  const plan = await planTo(defOf(edited("svc-001", (s) => (s.clusters = ["c1"]))));
  expect(plan).toEqual({
    create: sorted([...ingressObjects(GNS, "c1", "svc-001", [8080]), ...egressObjects(GNS, "c2", "svc-001", [8080])]),
    delete: sorted([...egressObjects(GNS, "c1", "svc-001", [8080]), ...ingressObjects(GNS, "c2", "svc-001", [8080])]),
    update: expect.any(Object),
    replace: {},
  });
  const clientsEntries = ["c3", "c4"].map((c) => objectUrn(GNS, c, "ServiceEntry", "svc-001"));
  // The other clients' tunnels now expect c1's ingress gateway at the far end.
  const clientsRules = ["c3", "c4"].map((c) => objectUrn(GNS, c, "DestinationRule", "svc-001"));
  expect(sorted(Object.keys(plan.update))).toEqual(
    sorted([
      ...hostObjects(GNS, "c1", "svc-001"),
      ...hostObjects(GNS, "c2", "svc-001"),
      ...clientsEntries,
      ...clientsRules,
    ]),
  );
  for (const urn of clientsRules)
    expect(plan.update[urn]).toEqual(["spec.trafficPolicy.portLevelSettings[0].tls.subjectAltNames[0]"]);
  for (const urn of clientsEntries)
    expect(sorted(plan.update[urn])).toEqual(
      sorted([
        "spec.endpoints[0].address",
        "spec.endpoints[0].locality",
        'spec.endpoints[0].labels["topology.istio.io/cluster"]',
      ]),
    );
});

test("running svc-001 in c3 too: c3 serves it, the other clients gain an endpoint and locality balancing", async () => {
  const plan = await planTo(defOf(edited("svc-001", (s) => s.clusters.push("c3"))));
  expect(plan).toEqual({
    create: sorted(ingressObjects(GNS, "c3", "svc-001", [8080])),
    delete: sorted(egressObjects(GNS, "c3", "svc-001", [8080])),
    update: expect.any(Object),
    replace: {},
  });
  const remoteRules = ["c1", "c4"].flatMap((c) => [
    objectUrn(GNS, c, "ServiceEntry", "svc-001"),
    objectUrn(GNS, c, "DestinationRule", "svc-001"),
  ]);
  // c2's ingress no longer admits c3's egress gateway for svc-001: c3 runs it now.
  const c2Ingress = admission("c2", "svc-001");
  expect(sorted(Object.keys(plan.update))).toEqual(
    sorted([...hostObjects(GNS, "c3", "svc-001"), ...remoteRules, ...c2Ingress]),
  );
});

test("removing svc-002 deletes its objects everywhere and nothing else", async () => {
  const services = generated();
  const gone = services.find((s) => s.name === "svc-002")!;
  const plan = await planTo(defOf(services.filter((s) => s !== gone)));
  expect(plan).toEqual({ ...NONE, delete: sorted(serviceObjects([gone])) });
});

test("a fifth cluster joining: its provider and client objects, plus ingress legs for the service that ran everywhere", async () => {
  const plan = await planTo(defOf(generated(), [...CLUSTERS, "c5"]));
  const everywhere = generated().filter((s) => s.clusters.length === CLUSTERS.length);
  expect(everywhere.map((s) => s.name)).toEqual(["svc-000"]);
  const created = [
    providerUrn("c5"),
    ...generated().flatMap((s) => clientObjects(GNS, "c5", s.name, s.ports)),
    ...CLUSTERS.flatMap((c) => ingressObjects(GNS, c, "svc-000", [8080])),
    ...TEAMS.map((t) => mtlsUrn(GNS, "c5", t)),
  ];
  expect(plan).toEqual({ ...NONE, create: sorted(created), update: expect.any(Object) });
  // Every other service's owners admit c5's egress gateway too: their ingress Gateway and policy.
  const admitting = generated()
    .filter((s) => s.name !== "svc-000")
    .flatMap((s) => s.clusters.flatMap((c) => admission(c, s.name)));
  expect(sorted(Object.keys(plan.update))).toEqual(sorted(admitting));
});

test("svc-003's second port 9090 → 9091: only that port's routes are renamed, its other objects update in place", async () => {
  const plan = await planTo(defOf(edited("svc-003", (s) => (s.ports = [8080, 9091]))));
  const [owner, clients] = ["c4", ["c1", "c2", "c3"]];
  const route = (c: string, leg: string, p: number) => objectUrn(GNS, c, "VirtualService", `svc-003.${leg}.${p}`);
  expect(plan).toEqual({
    create: sorted([route(owner, "ingress", 9091), ...clients.map((c) => route(c, "egress", 9091))]),
    delete: sorted([route(owner, "ingress", 9090), ...clients.map((c) => route(c, "egress", 9090))]),
    update: expect.any(Object),
    replace: {},
  });
  const updated = [
    ...hostObjects(GNS, owner, "svc-003"),
    ...ingressObjects(GNS, owner, "svc-003", []),
    ...clients.flatMap((c) => clientObjects(GNS, c, "svc-003", [])),
  ];
  expect(sorted(Object.keys(plan.update))).toEqual(sorted(updated));
});

test("a new domain updates every object in place and replaces none", async () => {
  const def = defOf(generated());
  def.domain = "fleet.example.org";
  const plan = await planTo(def);
  expect(plan).toEqual({ ...NONE, update: expect.any(Object) });
  // Everything but the PeerAuthentications, which name no host.
  expect(sorted(Object.keys(plan.update))).toEqual(sorted(serviceObjects(generated())));
});

test("re-ordering clusters, rules, services, their clusters and ports plans nothing", async () => {
  const services = generated().reverse();
  for (const s of services) s.clusters.reverse();
  const def = defOf(services, [...CLUSTERS].reverse());
  def.members.reverse();
  for (const s of def.services!) s.ports!.reverse();
  expect(await planTo(def)).toEqual(NONE);
});
