import { join } from "node:path";
import { ACME_DIR, acmeManifests, readSpecFile } from "../helpers/fixtures";
import { MeshDef } from "./program";
import { clientObjects, servingObjects, mtlsUrn } from "./urns";

/** examples/acme-fitness as a MeshDef (spec file + both clusters' manifests), and the edits the tests make to it. */

export const GNS = "acme-fitness";

/** What acme-fitness runs, as its manifests declare it: service → ports, per cluster. */
export const ACME: Record<string, Record<string, number[]>> = {
  cluster1: {
    cart: [5000],
    "cart-redis": [6379],
    order: [6000],
    "order-mongo": [27017],
    payment: [9000],
    shopping: [3000],
    users: [8081],
    "users-mongo": [27017],
  },
  cluster2: { catalog: [8082], "catalog-mongo": [27017] },
};

/** URNs of every object acme-fitness has in `clusters` (every service exported: each runs in one of two clusters). */
export function acmeObjects(clusters = Object.keys(ACME)): string[] {
  const perService = Object.entries(ACME).flatMap(([owner, services]) =>
    Object.entries(services).flatMap(([s, ports]) =>
      clusters.flatMap((c) => (c === owner ? servingObjects(GNS, c, s, ports, true) : clientObjects(GNS, c, s, ports))),
    ),
  );
  // acme-fitness maps `default` in every cluster: STRICT mTLS there.
  return [...perService, ...clusters.map((c) => mtlsUrn(GNS, c, "default"))];
}

export function acmeDef(): MeshDef {
  const spec = readSpecFile(join(ACME_DIR, "gns.yaml")) as any;
  return {
    name: spec.name,
    domain: spec.domain,
    clusters: spec.clusters,
    members: spec.members,
    manifests: acmeManifests().map((m) => ({ cluster: m.cluster, objects: m.objects })),
  };
}

/** The manifests of `cluster` in `def` (a live reference, for editing a clone). */
export function manifestsOf(def: MeshDef, cluster: string): unknown[] {
  const m = def.manifests!.find((x) => x.cluster === cluster);
  if (!m) throw new Error(`no manifests for ${cluster}`);
  return m.objects;
}

/** Takes the Service and Deployment named `name` out of a cluster's manifests and returns them. */
export function takeWorkload(def: MeshDef, cluster: string, name: string): unknown[] {
  const objects = manifestsOf(def, cluster);
  const taken = objects.filter((o: any) => o.metadata?.name === name && ["Service", "Deployment"].includes(o.kind));
  if (taken.length !== 2) throw new Error(`${cluster} has no Service and Deployment ${name}`);
  const kept = objects.filter((o) => !taken.includes(o));
  objects.splice(0, objects.length, ...kept);
  return taken;
}

/** The Service (and its Deployment) of a new HTTP service. */
export function newWorkload(name: string, port: number): unknown[] {
  const labels = { app: name };
  return [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, labels },
      spec: { ports: [{ name: `http-${name}`, port }], selector: labels },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, labels },
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name, image: `example/${name}:1` }] } },
      },
    },
  ];
}
