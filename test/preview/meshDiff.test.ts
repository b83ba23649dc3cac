import { buildMesh, diffMeshes, fieldChanges, isEmptyDiff, MeshBuild } from "../../sdk/src/mesh";

/** The pure mesh diff behind `globalmesh diff`: the words per service, the objects per cluster. */

function spec(): any {
  return {
    name: "shop",
    domain: "shop.example.com",
    clusters: [
      { name: "cluster1", ingress: { address: "10.0.0.1" } },
      { name: "cluster2", ingress: { address: "lb2.example.net" } },
      { name: "cluster3", ingress: { address: "10.0.0.3" } },
    ],
    members: ["cluster1", "cluster2", "cluster3"].map((cluster) => ({ cluster, namespace: "default" })),
    services: [
      {
        name: "catalog",
        namespace: "default",
        clusters: ["cluster2"],
        ports: [{ number: 8082, name: "http-catalog" }],
      },
      { name: "cart", namespace: "default", clusters: ["cluster1"], ports: [{ number: 5000, name: "http-cart" }] },
    ],
  };
}

const build = (s: any): MeshBuild => buildMesh(s);
function diffAfter(edit: (s: any) => void) {
  const after = spec();
  edit(after);
  return diffMeshes(build(spec()), build(after));
}
const catalog = (s: any) => s.services.find((x: any) => x.name === "catalog");

test("field changes: leaves by path, arrays by index, odd keys quoted", () => {
  const before = { spec: { hosts: ["a"], endpoints: [{ address: "x", labels: { "a/b": "1" } }] } };
  const after = { spec: { hosts: ["a", "b"], endpoints: [{ address: "y", labels: {} }] } };
  expect(fieldChanges(before, after)).toEqual([
    { path: "spec.hosts[1]", op: "added", after: "b" },
    { path: "spec.endpoints[0].address", op: "changed", before: "x", after: "y" },
    { path: 'spec.endpoints[0].labels["a/b"]', op: "removed", before: "1" },
  ]);
  expect(fieldChanges(before, structuredClone(before))).toEqual([]);
});

test("the same GlobalNamespace with its lists re-ordered: an empty diff", () => {
  const after = spec();
  after.clusters.reverse();
  after.members.reverse();
  after.services.reverse();
  expect(isEmptyDiff(diffMeshes(build(spec()), build(after)))).toBe(true);
});

test.each([
  ["a move", (s: any) => (catalog(s).clusters = ["cluster1"]), ["moves from cluster2 to cluster1"]],
  ["a second cluster", (s: any) => catalog(s).clusters.push("cluster3"), ["runs also in cluster3"]],
  [
    "a new port number",
    (s: any) => (catalog(s).ports = [{ number: 8083, name: "http-catalog" }]),
    ["port 8082 → 8083"],
  ],
  [
    "a new protocol",
    (s: any) => (catalog(s).ports = [{ number: 8082, name: "grpc-catalog" }]),
    ["port 8082 protocol HTTP → GRPC", "port 8082 renamed http-catalog → grpc-catalog"],
  ],
  ["a second port", (s: any) => catalog(s).ports.push({ number: 9090, name: "grpc" }), ["port 9090/GRPC added"]],
  [
    "a pinned address",
    (s: any) => (catalog(s).address = "241.0.0.10"),
    [expect.stringMatching(/^VIP 2\d\d\.\d+\.\d+\.\d+ → 241\.0\.0\.10 \(pinned\)$/)],
  ],
])("%s is explained on catalog alone, nothing said about the GlobalNamespace", (_name, edit, changes) => {
  const d = diffAfter(edit);
  expect(d.mesh).toEqual([]);
  expect(d.services).toEqual([{ service: "catalog", host: "catalog.shop.example.com", changes }]);
});

test("a service leaving a cluster, added, removed", () => {
  const spread = spec();
  catalog(spread).clusters = ["cluster2", "cluster3"];
  expect(diffMeshes(build(spread), build(spec())).services).toEqual([
    { service: "catalog", host: "catalog.shop.example.com", changes: ["no longer runs in cluster3"] },
  ]);
  const added = diffAfter((s) =>
    s.services.push({
      name: "points",
      namespace: "default",
      clusters: ["cluster3"],
      ports: [{ number: 7000, name: "http" }],
    }),
  );
  expect(added.services).toEqual([
    { service: "points", host: "points.shop.example.com", changes: ["added (runs in cluster3; 7000/HTTP)"] },
  ]);
  const removed = diffAfter((s) => s.services.splice(1, 1));
  expect(removed.services).toEqual([
    { service: "cart", host: "cart.shop.example.com", changes: ["removed (ran in cluster1)"] },
  ]);
});

test("virtual IPs move only with the host: a new domain moves every one and says why", () => {
  const d = diffAfter((s) => (s.domain = "shop.example.org"));
  expect(d.mesh).toEqual(["domain shop.example.com → shop.example.org: every global host and its virtual IP change"]);
  expect(d.services.map((s) => s.service)).toEqual(["cart", "catalog"]);
  for (const s of d.services) {
    expect(s.host).toBe(`${s.service}.shop.example.com`);
    expect(s.changes).toEqual([
      `renamed to ${s.service}.shop.example.org`,
      expect.stringMatching(/^VIP \S+ → \S+ \(new host\)$/),
    ]);
  }
});

test("a cluster setting is said once at mesh level; the objects it touches are listed per cluster", () => {
  const d = diffAfter((s) => (s.clusters[1].ingress.address = "lb2-new.example.net"));
  expect(d.mesh).toEqual(['cluster cluster2: ingress.address: "lb2.example.net" → "lb2-new.example.net"']);
  expect(d.services).toEqual([]);
  // catalog's clients re-point their entry; nothing else anywhere changes.
  expect(
    d.clusters.map((c) => [
      c.cluster,
      c.added.length,
      c.removed.length,
      c.changed.map((o) => `${o.object.kind}/${o.object.metadata.name}`),
    ]),
  ).toEqual([
    ["cluster1", 0, 0, ["ServiceEntry/gns.shop.catalog"]],
    ["cluster3", 0, 0, ["ServiceEntry/gns.shop.catalog"]],
  ]);
  expect(d.clusters[0].changed[0].fields).toEqual([
    { path: "spec.endpoints[0].address", op: "changed", before: "lb2.example.net", after: "lb2-new.example.net" },
  ]);
});

test("clusters joining and leaving are named at mesh level and marked on their object lists", () => {
  const d = diffAfter((s) => {
    s.clusters.splice(2, 1);
    s.members.splice(2, 1);
  });
  expect(d.mesh).toEqual(["cluster cluster3 leaves", "rule { cluster: cluster3, namespace: default } removed"]);
  // cluster3 called both services (7 objects each) and had STRICT mTLS; the owners' gateways stop admitting it.
  expect(d.clusters.map((c) => [c.cluster, c.membership, c.removed.length, c.added.length, c.changed.length])).toEqual([
    ["cluster1", undefined, 0, 0, 2],
    ["cluster2", undefined, 0, 0, 2],
    ["cluster3", "leaves", 15, 0, 0],
  ]);
});

describe("access changes in words: mtls, defaultDeny, policies", () => {
  /** The shop with catalog's pods known (a policy on it writes an AuthorizationPolicy on them) and a second namespace. */
  function shop(): any {
    const s = spec();
    s.members.push({ cluster: "cluster1", namespace: "shopping" });
    catalog(s).selector = { app: "catalog" };
    s.services.find((x: any) => x.name === "cart").selector = { app: "cart" };
    return s;
  }
  const SHOP_TO_CATALOG = {
    name: "shop-to-catalog",
    action: "ALLOW",
    from: [{ namespace: "shopping", serviceAccounts: ["web"] }],
    to: [{ service: "catalog", ports: [8082], methods: ["GET"], paths: ["/products*"] }],
  };
  function access(edit: (s: any) => void, base: (s: any) => void = () => undefined): string[] {
    const before = shop();
    base(before);
    const after = structuredClone(before);
    edit(after);
    return diffMeshes(build(before), build(after)).access;
  }

  test("a policy added: who, where, to what; and the service it restricts", () => {
    // shopping is mapped in cluster1 only: the source applies there, not in "all clusters".
    expect(access((s) => (s.policies = [SHOP_TO_CATALOG]))).toEqual([
      "policy shop-to-catalog added: ALLOW shopping/web (cluster1) → catalog port 8082 GET /products*",
      "catalog is now restricted: only the callers its ALLOW policies name reach it (until now: every member namespace)",
    ]);
  });

  test("a policy removed: what it was, and the service open again", () => {
    expect(
      access(
        (s) => (s.policies = []),
        (s) => (s.policies = [SHOP_TO_CATALOG]),
      ),
    ).toEqual([
      "policy shop-to-catalog removed (was ALLOW shopping/web (cluster1) → catalog port 8082 GET /products*)",
      "catalog is open again: no ALLOW policy names it, so every member namespace reaches it",
    ]);
  });

  test("a policy changed in place: its action, a caller, a caller's clusters, a target's requests, a target added", () => {
    const changed = access(
      (s) => {
        const p = s.policies[0];
        p.action = "DENY";
        p.from = [
          { namespace: "default", cluster: "cluster1" },
          { namespace: "shopping", serviceAccounts: ["web"] },
        ];
        // No methods or paths: a DENY with HTTP rules for some callers in other clusters is refused (tunnel mode).
        p.to = [{ service: "catalog" }, { service: "cart", ports: [5000] }];
      },
      (s) => (s.policies = [{ ...SHOP_TO_CATALOG, from: [{ namespace: "default" }, ...SHOP_TO_CATALOG.from] }]),
    );
    expect(changed).toEqual([
      "policy shop-to-catalog: ALLOW → DENY",
      "policy shop-to-catalog: caller default now in cluster1 (was all clusters)",
      "policy shop-to-catalog: on catalog, port 8082 GET /products* → every request",
      "policy shop-to-catalog: target cart port 5000 added",
      // With no ALLOW policy left on it, catalog is open again (to every caller the DENY does not match).
      "catalog is open again: no ALLOW policy names it, so every member namespace reaches it",
    ]);
  });

  test("where a source applies: the spec's cluster, not every cluster that maps its namespace", () => {
    const deny = (from: object) => ({ name: "no-web", action: "DENY", from: [from], to: [{ service: "cart" }] });
    const added = (from: object) => access((s) => (s.policies = [deny(from)]));
    // shopping is mapped in cluster1 only; `cluster: cluster1` names the one cluster the source was given for.
    expect(added({ namespace: "shopping", serviceAccounts: ["web"], cluster: "cluster1" })).toEqual([
      "policy no-web added: DENY shopping/web (cluster1) → cart",
    ]);
    // default is mapped in every member cluster: without a cluster, or with a pattern matching them all, it is all.
    expect(added({ namespace: "default" })).toEqual(["policy no-web added: DENY default (all clusters) → cart"]);
    expect(added({ namespace: "default", cluster: "cluster*" })).toEqual([
      "policy no-web added: DENY default (all clusters) → cart",
    ]);
    expect(added({ namespace: "default", cluster: "cluster2" })).toEqual([
      "policy no-web added: DENY default (cluster2) → cart",
    ]);
  });

  test("defaultDeny and mtls, turned on and off", () => {
    expect(access((s) => (s.defaultDeny = true))).toEqual([
      "defaultDeny turned on: only paths an ALLOW policy opens stay open",
    ]);
    expect(
      access(
        (s) => (s.defaultDeny = false),
        (s) => (s.defaultDeny = true),
      ),
    ).toEqual(["defaultDeny turned off: every member namespace reaches every service no ALLOW policy restricts"]);
    expect(access((s) => (s.mtls = "PERMISSIVE"))).toEqual([
      "mtls changed STRICT → PERMISSIVE: mapped namespaces accept plain text again",
    ]);
    expect(
      access(
        (s) => (s.mtls = "STRICT"),
        (s) => (s.mtls = "PERMISSIVE"),
      ),
    ).toEqual([
      "mtls changed PERMISSIVE → STRICT: mapped namespaces accept mTLS only (a PeerAuthentication in each); plain-text callers are refused",
    ]);
  });

  test("the same policies written in another order: nothing said", () => {
    const two = (s: any) =>
      (s.policies = [SHOP_TO_CATALOG, { ...SHOP_TO_CATALOG, name: "cart-too", to: [{ service: "cart" }] }]);
    expect(access((s) => s.policies.reverse(), two)).toEqual([]);
  });

  test("a member namespace joining is said per cluster, not as a list index", () => {
    const d = diffAfter((s) => s.members.push({ cluster: "cluster2", namespace: "shopping" }));
    expect(d.mesh).toEqual([
      "cluster cluster2: namespace shopping joins (the cluster's objects are exported to it)",
      "rule { cluster: cluster2, namespace: shopping } added",
    ]);
  });
});

describe("lists matched by identity, not position", () => {
  test("a cluster that sorts first joining: the others' lists gain it, nothing reads as replaced", () => {
    const before = spec();
    const after = spec();
    after.clusters.unshift({ name: "cluster0", ingress: { address: "10.0.0.9" } });
    after.members.unshift({ cluster: "cluster0", namespace: "default" });
    const d = diffMeshes(build(before), build(after));
    expect(d.mesh).toEqual(["cluster cluster0 joins", "rule { cluster: cluster0, namespace: default } added"]);
    const fields = d.clusters.flatMap((c) => c.changed.flatMap((x) => x.fields));
    expect(fields.length).toBeGreaterThan(0);
    // Only additions naming cluster0: no cluster1/2/3 value is said to change or go.
    for (const f of fields) {
      expect(f.op).toBe("added");
      expect(JSON.stringify(f.after)).toMatch(/cluster0/);
    }
  });

  test("named items by name; equal items wherever they moved; the rest paired in order or added/removed", () => {
    expect(
      fieldChanges(
        {
          ports: [
            { name: "a", number: 1 },
            { name: "b", number: 2 },
          ],
        },
        {
          ports: [
            { name: "z", number: 9 },
            { name: "b", number: 3 },
            { name: "a", number: 1 },
          ],
        },
      ),
    ).toEqual([
      { path: "ports[0]", op: "added", after: { name: "z", number: 9 } },
      { path: "ports[1].number", op: "changed", before: 2, after: 3 },
    ]);
    expect(fieldChanges({ hosts: ["a", "b", "c"] }, { hosts: ["x", "a", "c"] })).toEqual([
      { path: "hosts[0]", op: "added", after: "x" },
      { path: "hosts[1]", op: "removed", before: "b" },
    ]);
  });
});

test("switching the mode: one line first, the mode as data, the objects per cluster; nothing said per service", () => {
  const pinned = (s: any) => {
    for (const c of s.clusters) c.ingress.port = 15443;
    for (const x of s.services) x.selector = { app: x.name };
  };
  const tunnel = spec();
  pinned(tunnel);
  const eastWest = spec();
  pinned(eastWest);
  eastWest.mode = "east-west";
  const d = diffMeshes(build(tunnel), build(eastWest));
  expect(d.mode).toEqual({ before: "tunnel", after: "east-west" });
  // The ports were pinned on both sides: the mode is the one change to the GlobalNamespace itself.
  expect(d.mesh).toEqual([expect.stringMatching(/^mode: tunnel → east-west: callers' sidecars open mTLS straight/)]);
  expect(d.mesh[0]).toMatch(/apply every cluster at once$/);
  expect([d.access, d.services]).toEqual([[], []]);
  // catalog runs in cluster2 only: cluster2 gets the passthrough, cluster1 and cluster3 lose their egress leg.
  const c2 = d.clusters.find((c) => c.cluster === "cluster2")!;
  expect(c2.added.filter((o) => o.kind === "Gateway").map((o) => o.metadata.name)).toEqual(["gns-shop-passthrough"]);
  for (const c of ["cluster1", "cluster3"]) {
    const removed = d.clusters.find((x) => x.cluster === c)!.removed.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(removed).toContain("DestinationRule/gns.shop.catalog.egress");
  }
  const back = diffMeshes(build(eastWest), build(tunnel));
  expect([back.mode, back.mesh.length]).toEqual([{ before: "east-west", after: "tunnel" }, 1]);
  expect(isEmptyDiff(diffMeshes(build(eastWest), build(structuredClone(eastWest))))).toBe(true);
});
