import { SpecError } from "../../sdk/src/mesh";
import { checkClaims, MeshClaims } from "../../sdk/src/mesh/claims";

/** Two GlobalNamespaces known together may not claim the same host or virtual IP. */

const shop: MeshClaims = {
  name: "shop",
  services: [
    { name: "catalog", host: "catalog.shop.example", address: "241.0.0.10" },
    { name: "cart", host: "cart.shop.example", address: "241.0.0.11" },
  ],
};

function problems(meshes: MeshClaims[]): string[] {
  try {
    checkClaims(meshes);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

test("GlobalNamespaces apart: nothing to say, one alone neither", () => {
  const billing = {
    name: "billing",
    services: [{ name: "catalog", host: "catalog.billing.example", address: "241.0.0.20" }],
  };
  expect(problems([shop, billing])).toEqual([]);
  expect(problems([shop])).toEqual([]);
  expect(problems([])).toEqual([]);
});

test("the same host: both GlobalNamespaces, both services and the fix", () => {
  const rival = {
    name: "shop-eu",
    services: [{ name: "catalog", host: "Catalog.shop.example", address: "241.0.0.30" }],
  };
  expect(problems([shop, rival])).toEqual([
    "Catalog.shop.example: claimed by GlobalNamespace shop (service catalog) and by GlobalNamespace shop-eu (service catalog); a host belongs to one GlobalNamespace: give one of them another domain, or drop the service from one",
  ]);
});

test("the same virtual IP: both hosts, both GlobalNamespaces and the fix", () => {
  const rival = {
    name: "billing",
    services: [{ name: "ledger", host: "ledger.billing.example", address: "241.0.0.11" }],
  };
  expect(problems([shop, rival])).toEqual([
    '241.0.0.11: virtual IP of cart.shop.example (GlobalNamespace shop) and of ledger.billing.example (GlobalNamespace billing); pin another address for one of them with "address:" in its services entry, e.g. a free class E address such as 241.0.0.10',
  ]);
});

test("every clash in one error, with its subject", () => {
  const rival = {
    name: "rival",
    services: [
      { name: "catalog", host: "catalog.shop.example", address: "241.0.0.40" },
      { name: "ledger", host: "ledger.rival.example", address: "241.0.0.10" },
    ],
  };
  expect(() => checkClaims([shop, rival])).toThrow(/^GlobalNamespaces claim the same names \(2 problems\)/);
});

test("one GlobalNamespace given twice is named as such, not as a clash of each of its hosts", () => {
  expect(problems([shop, shop])).toEqual([
    "shop: GlobalNamespace shop is given twice (specs 1 and 2); every object name and virtual IP derives from the name, so give each GlobalNamespace once, or rename one",
  ]);
});

test("one namespace of a cluster in two GlobalNamespaces: refused, naming both", () => {
  const a = { ...shop, clusters: [{ name: "c1", namespaces: ["shop", "web"] }] };
  const b = {
    name: "billing",
    services: [{ name: "ledger", host: "ledger.billing.example", address: "241.0.0.99" }],
    clusters: [
      { name: "c1", namespaces: ["billing", "web"] },
      { name: "c2", namespaces: ["shop"] },
    ],
  };
  expect(problems([a, b])).toEqual([
    "c1/web: namespace web of cluster c1 is in GlobalNamespace shop and in GlobalNamespace billing; a namespace belongs to one GlobalNamespace (their gateway rules and mTLS policies would overlap there): move its services to a namespace of its own, or change the member rules",
  ]);
});
