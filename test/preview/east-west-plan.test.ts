import { join } from "node:path";
import { buildMesh, diffMeshes, MeshObject } from "../../sdk/src/mesh";
import { ACME_DIR, acmeManifests, readSpecFile } from "../helpers/fixtures";
import { diffRegistrations, Plan, registrationsOf } from "../helpers/plan";
import { Registration } from "../helpers/pulumiHarness";
import { ACME, acmeDef, acmeObjects, GNS } from "./acme";
import { MeshDef, meshProgram, RESOURCE, STACK_PREFIX } from "./program";
import {
  eastWestClientObjects,
  eastWestServingObjects,
  egressObjects,
  gatewayUrn,
  ingressObjects,
  mtlsUrn,
  objectUrn,
  passthroughUrn,
  providerUrn,
  sorted,
} from "./urns";

/**
 * Switching a stack's GlobalNamespace from tunnel to east-west: one edit of the program (`mode: "east-west"`; the
 * clusters' `eastWest` entries, MeshCluster outputs, are there in both), and the plan `pulumi preview` shows is
 * exactly the wiring's change per cluster — the tunnel's gateway objects deleted, the passthrough and the pods'
 * policies created, the host entries updated in place — the same objects `globalmesh diff` lists.
 */

/** acme-fitness with each cluster's east-west gateway known (as MeshCluster's `eastWest` output gives it). */
function acmeWithEastWest(mode?: "east-west"): MeshDef {
  const def = acmeDef();
  const eastWest = readSpecFile(join(ACME_DIR, "gns-east-west.yaml")) as any;
  for (const c of def.clusters) c.eastWest = eastWest.clusters.find((e: any) => e.name === c.name).ingress;
  if (mode) def.mode = mode;
  return def;
}

const owners = Object.entries(ACME).flatMap(([owner, services]) =>
  Object.entries(services).map(([service, ports]) => ({ owner, service, ports })),
);
const clusters = Object.keys(ACME);

/** Every acme-fitness object in east-west mode, from the contract: each service runs in one of the two clusters. */
function eastWestObjects(): string[] {
  return [
    ...owners.flatMap(({ owner, service }) =>
      clusters.flatMap((c) =>
        c === owner ? eastWestServingObjects(GNS, c, service, "default") : eastWestClientObjects(GNS, c, service),
      ),
    ),
    ...clusters.flatMap((c) => [passthroughUrn(GNS, c), mtlsUrn(GNS, c, "default")]),
  ];
}

let tunnel: Map<string, Registration>;
let eastWest: Map<string, Registration>;
beforeAll(async () => {
  tunnel = await registrationsOf(meshProgram(acmeWithEastWest()));
  eastWest = await registrationsOf(meshProgram(acmeWithEastWest("east-west")));
});

const component = `${STACK_PREFIX}globalmesh:index:GlobalNamespace::${RESOURCE}`;
const base = [component, providerUrn("cluster1"), providerUrn("cluster2")];

test("each mode registers its wiring: tunnel ignores the eastWest entries, east-west holds two objects per remote service", () => {
  expect(sorted(tunnel.keys())).toEqual(sorted([...base, ...acmeObjects()]));
  expect(sorted(eastWest.keys())).toEqual(sorted([...base, ...eastWestObjects()]));
  for (const c of clusters) {
    const remote = owners.filter((o) => o.owner !== c);
    const perService = remote.map(({ service }) =>
      [...eastWest.values()].filter(
        (r) =>
          r.urn.includes(`::${RESOURCE}-${c}-`) &&
          (r.inputs as any).metadata?.labels?.["globalmesh.io/service"] === service,
      ),
    );
    expect(perService.map((list) => list.length)).toEqual(remote.map(() => 2));
  }
});

describe("tunnel → east-west", () => {
  let plan: Plan;
  beforeAll(() => (plan = diffRegistrations(tunnel, eastWest)));

  test("creates the passthrough per serving cluster and the ALLOW policy on every service's pods", () => {
    expect(plan.create).toEqual(
      sorted([
        ...clusters.map((c) => passthroughUrn(GNS, c)),
        ...owners.map(({ owner, service }) => objectUrn(GNS, owner, "AuthorizationPolicy", service, "default")),
      ]),
    );
  });

  test("deletes every gateway hop of the tunnel and the clients' mesh routes; keeps the remote DestinationRule, updated", () => {
    const remoteRule = (c: string, s: string) => objectUrn(GNS, c, "DestinationRule", s);
    expect(plan.delete).toEqual(
      sorted(
        owners.flatMap(({ owner, service, ports }) => [
          // The owner keeps its mesh route to the local Service (per-request balancing), unchanged.
          ...clusters.filter((c) => c !== owner).map((c) => objectUrn(GNS, c, "VirtualService", service)),
          ...ingressObjects(GNS, owner, service, ports),
          ...clusters
            .filter((c) => c !== owner)
            .flatMap((c) => egressObjects(GNS, c, service, ports).filter((u) => u !== remoteRule(c, service))),
        ]),
      ),
    );
    expect(plan.delete).toContain(gatewayUrn(GNS, "cluster1", "catalog", "egress"));
    expect(sorted(Object.keys(plan.update))).toEqual(
      sorted(
        owners.flatMap(({ owner, service }) => [
          ...clusters.map((c) => objectUrn(GNS, c, "ServiceEntry", service)),
          ...clusters.filter((c) => c !== owner).map((c) => remoteRule(c, service)),
        ]),
      ),
    );
    expect(plan.replace).toEqual({});
  });

  test("in place: catalog's entry in cluster1 now points at cluster2's east-west gateway, its rule carries the outbound SNI", () => {
    expect(plan.update[objectUrn(GNS, "cluster1", "ServiceEntry", "catalog")]).toEqual(
      expect.arrayContaining(["spec.endpoints[0].address", 'spec.endpoints[0].ports["http-catalog"]']),
    );
    expect(plan.update[objectUrn(GNS, "cluster1", "DestinationRule", "catalog")]).toEqual(
      expect.arrayContaining([expect.stringMatching(/tls\.sni$/)]),
    );
    const rule = eastWest.get(objectUrn(GNS, "cluster1", "DestinationRule", "catalog"))!.inputs as any;
    expect(rule.spec.trafficPolicy.portLevelSettings[0].tls.sni).toBe(
      "outbound_.8082_._.catalog.default.svc.cluster.local",
    );
  });

  test("the plan's creates and deletes per cluster are the objects globalmesh diff lists", () => {
    const manifests = acmeManifests();
    const d = diffMeshes(
      buildMesh(readSpecFile(join(ACME_DIR, "gns.yaml")), manifests),
      buildMesh(readSpecFile(join(ACME_DIR, "gns-east-west.yaml")), manifests),
    );
    expect(d.mesh[0]).toMatch(/^mode: tunnel → east-west: /);
    const urns = (c: string, list: MeshObject[]) => list.map((o) => urnOf(c, o));
    expect(sorted(d.clusters.flatMap((c) => urns(c.cluster, c.added)))).toEqual(plan.create);
    expect(sorted(d.clusters.flatMap((c) => urns(c.cluster, c.removed)))).toEqual(plan.delete);
  });
});

test("east-west → tunnel plans the reverse", () => {
  const forth = diffRegistrations(tunnel, eastWest);
  const back = diffRegistrations(eastWest, tunnel);
  expect([back.create, back.delete, sorted(Object.keys(back.update)), back.replace]).toEqual([
    forth.delete,
    forth.create,
    sorted(Object.keys(forth.update)),
    {},
  ]);
});

/** The URN the component registers a compiled object under: `<resource>-<cluster>-[<namespace>/]<name>`. */
function urnOf(cluster: string, o: MeshObject): string {
  const where = o.metadata.namespace === "istio-gateways" ? "" : `${o.metadata.namespace}/`;
  return `${STACK_PREFIX}globalmesh:index:GlobalNamespace$kubernetes:${o.apiVersion}:${o.kind}::${RESOURCE}-${cluster}-${where}${o.metadata.name}`;
}
