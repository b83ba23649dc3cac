import { auditWiring, buildMesh, MeshBuild, MeshObject, SpecError } from "../../sdk/src/mesh";
import { checkClaims } from "../../sdk/src/mesh/claims";

/**
 * Two east-west GlobalNamespaces on the same clusters: each writes its own passthrough Gateway on the same east-west
 * gateway pods and port. Their host lists never overlap because a namespace belongs to one GlobalNamespace (the
 * claims check refuses a shared one), so Istio never has to reject one of two overlapping servers.
 */

function eastWest(name: string, domain: string, namespace: string, service: string): any {
  return {
    name,
    domain,
    mode: "east-west",
    clusters: [
      { name: "c1", ingress: { address: "203.0.113.1" } },
      { name: "c2", ingress: { address: "203.0.113.2" } },
    ],
    members: ["c1", "c2"].map((cluster) => ({ cluster, namespace })),
    services: [
      {
        name: service,
        namespace,
        clusters: ["c2"],
        ports: [{ number: 8080, name: "http" }],
        selector: { app: service },
      },
    ],
  };
}

const claimsOf = (b: MeshBuild) => ({ name: b.model.name, services: b.model.services, clusters: b.model.clusters });
/** Errors only: without manifests the pods' service accounts are unknown, a warning on each client rule. */
const errors = (objects: ReadonlyMap<string, readonly MeshObject[]>) =>
  auditWiring(objects).filter((f) => f.severity !== "warning");
const passthroughs = (objects: readonly MeshObject[]) => objects.filter((o) => o.kind === "Gateway");

test("apart: two passthroughs on c2's east-west gateway, port 15443, hosts disjoint; the audit of both passes", () => {
  const shop = buildMesh(eastWest("shop", "shop.example.com", "shop", "catalog"));
  const billing = buildMesh(eastWest("billing", "billing.example.com", "billing", "invoices"));
  expect(() => checkClaims([shop, billing].map(claimsOf))).not.toThrow();
  const c2 = [...shop.compiled.objects.get("c2")!, ...billing.compiled.objects.get("c2")!];
  const servers = passthroughs(c2).map((g) =>
    g.kind === "Gateway" ? [g.metadata.name, g.spec.selector, g.spec.servers] : [],
  );
  expect(servers).toEqual([
    [
      "gns-shop-passthrough",
      { istio: "eastwestgateway" },
      [expect.objectContaining({ hosts: ["*.shop.svc.cluster.local"] })],
    ],
    [
      "gns-billing-passthrough",
      { istio: "eastwestgateway" },
      [expect.objectContaining({ hosts: ["*.billing.svc.cluster.local"] })],
    ],
  ]);
  const together = new Map(
    ["c1", "c2"].map((c) => [c, [...shop.compiled.objects.get(c)!, ...billing.compiled.objects.get(c)!]]),
  );
  expect(errors(together)).toEqual([]);
});

test("sharing a namespace is refused before anything is written, naming both GlobalNamespaces", () => {
  const shop = buildMesh(eastWest("shop", "shop.example.com", "shared", "catalog"));
  const billing = buildMesh(eastWest("billing", "billing.example.com", "shared", "invoices"));
  let error: unknown;
  try {
    checkClaims([shop, billing].map(claimsOf));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SpecError);
  expect((error as SpecError).issues.map((i) => i.message)).toContainEqual(
    expect.stringMatching(/^namespace shared of cluster c2 is in GlobalNamespace shop and in GlobalNamespace billing/),
  );
});

test("one GlobalNamespace's passthrough naming the other's namespace is a finding of the audit", () => {
  const shop = buildMesh(eastWest("shop", "shop.example.com", "shop", "catalog"));
  const billing = buildMesh(eastWest("billing", "billing.example.com", "billing", "invoices"));
  const c2 = structuredClone([...shop.compiled.objects.get("c2")!, ...billing.compiled.objects.get("c2")!]);
  const gateway: any = c2.find((o) => o.metadata.name === "gns-shop-passthrough");
  gateway.spec.servers[0].hosts.push("*.billing.svc.cluster.local");
  const together = new Map([
    ["c1", [...shop.compiled.objects.get("c1")!, ...billing.compiled.objects.get("c1")!]],
    ["c2", c2],
  ]);
  expect(errors(together).map((f) => f.what)).toEqual([
    'servers[0] (port 15443, hosts *.shop.svc.cluster.local, *.billing.svc.cluster.local): host "*.billing.svc.cluster.local": namespace billing is not in GlobalNamespace shop in cluster c2',
  ]);
});
