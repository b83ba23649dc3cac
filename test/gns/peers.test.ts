import * as pulumi from "@pulumi/pulumi";
import { GlobalNamespace, GlobalNamespaceArgs } from "../../sdk/src/gns";
import { claimsOf, peerConflicts } from "../../sdk/src/gns/peers";
import { buildMesh, SpecError } from "../../sdk/src/mesh";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { installMocks, Recorder } from "../helpers/pulumiHarness";
import { outputsOf, recordComponentOutputs, registrationsDuring } from "../install/support";

/**
 * Two GlobalNamespaces one program knows together (`peers`) may not claim the same host or virtual IP. The comparison
 * is a pure function (peers.ts); the component feeds it its compiled claims and reports at `peers[i]`.
 */

describe("peerConflicts (pure)", () => {
  const own = {
    globalNamespaceName: "shop",
    claims: [
      { host: "cart.shop.example.com", address: "240.0.0.1" },
      { host: "pay.shop.example.com", address: "240.0.0.2" },
    ],
  };

  test("claimsOf: host and address only, sorted by host", () => {
    expect(
      claimsOf([
        { host: "b.x.example", address: "240.0.0.2", name: "b" } as never,
        { host: "a.x.example", address: "240.0.0.9" },
      ]),
    ).toEqual([
      { host: "a.x.example", address: "240.0.0.9" },
      { host: "b.x.example", address: "240.0.0.2" },
    ]);
  });

  test("apart: nothing", () => {
    const other = { globalNamespaceName: "blog", claims: [{ host: "web.blog.example.com", address: "240.0.0.3" }] };
    expect(peerConflicts(own, [other])).toEqual([]);
    expect(peerConflicts(own, [])).toEqual([]);
  });

  test("a host both claim, at peers[i], naming both GlobalNamespaces (the same address too: one issue)", () => {
    const other = { globalNamespaceName: "shop2", claims: [{ host: "cart.shop.example.com", address: "240.0.0.1" }] };
    expect(peerConflicts(own, [undefined, other])).toEqual([
      {
        path: "peers[1]",
        message:
          "cart.shop.example.com: claimed by GlobalNamespace shop and by GlobalNamespace shop2; a host belongs to one GlobalNamespace: give one of them another domain, or drop the service from one",
      },
    ]);
  });

  test("an address both give, to different hosts", () => {
    const other = { globalNamespaceName: "blog", claims: [{ host: "web.blog.example.com", address: "240.0.0.2" }] };
    expect(peerConflicts(own, [other])).toEqual([
      {
        path: "peers[0]",
        message:
          '240.0.0.2: virtual IP of pay.shop.example.com (GlobalNamespace shop) and of web.blog.example.com (GlobalNamespace blog); pin another address for one of them with "address:" in its services entry, e.g. a free class E address such as 241.0.0.10',
      },
    ]);
  });

  test("a peer of the same name", () => {
    expect(peerConflicts(own, [{ globalNamespaceName: "shop", claims: [] }]).map((i) => i.path)).toEqual([
      "peers[0].globalNamespaceName",
    ]);
  });
});

describe("GlobalNamespace peers", () => {
  let rec: Recorder;
  let outputs: Map<string, Record<string, any>>;
  let shop: GlobalNamespace;

  const cluster = (clusterName: string, address: string) => ({
    clusterName,
    kubeconfig: kubeconfigText(clusterName),
    ingress: { address },
  });
  const args = (name: string, domain: string, extra: Partial<GlobalNamespaceArgs> = {}): GlobalNamespaceArgs => ({
    globalNamespaceName: name,
    domain,
    clusters: [cluster("east", "203.0.113.1"), cluster("west", "203.0.113.2")],
    members: [{ cluster: "*", namespace: name }],
    services: [{ name: "cart", namespace: name, clusters: ["west"], ports: [{ number: 8080, name: "http" }] }],
    ...extra,
  });

  beforeAll(async () => {
    rec = await installMocks({ preview: true });
    outputs = recordComponentOutputs();
    shop = new GlobalNamespace("shop", args("shop", "shop.example.com"));
    await rec.settled();
  });

  test("exposes its name and claims, plain, from the compiled model, and registers them as outputs", async () => {
    const model = buildMesh({
      name: "shop",
      domain: "shop.example.com",
      clusters: [
        { name: "east", ingress: { address: "203.0.113.1" } },
        { name: "west", ingress: { address: "203.0.113.2" } },
      ],
      members: [{ cluster: "*", namespace: "shop" }],
      services: [{ name: "cart", namespace: "shop", clusters: ["west"], ports: [{ number: 8080, name: "http" }] }],
    }).model;
    expect(shop.globalNamespaceName).toBe("shop");
    expect(shop.claims).toEqual([{ host: "cart.shop.example.com", address: model.services[0].address }]);
    const registered = await outputsOf(outputs, rec.byName("shop", "globalmesh:index:GlobalNamespace").urn);
    expect(registered.globalNamespaceName).toBe("shop");
    expect(registered.claims).toEqual(shop.claims);
    expect(shop.memberNamespaces).toEqual([
      { clusterName: "east", namespace: "shop" },
      { clusterName: "west", namespace: "shop" },
    ]);
    expect(registered.memberNamespaces).toEqual(shop.memberNamespaces);
  });

  test("peers: [otherGlobalNamespace] — apart, it registers as usual", () => {
    const { error, count } = registrationsDuring(
      () => new GlobalNamespace("blog", args("blog", "blog.example.com", { peers: [shop] })),
    );
    expect(error).toBeUndefined();
    expect(count).toBeGreaterThan(0);
  });

  test("a host (and namespaces) a peer claims too is refused at peers[i], naming both, before anything is registered", () => {
    const { error, count } = registrationsDuring(
      () =>
        new GlobalNamespace(
          "shop-copy",
          args("shop-copy", "shop.example.com", {
            members: [{ cluster: "*", namespace: "shop" }],
            services: [{ name: "cart", namespace: "shop", clusters: ["east"], ports: [{ number: 80 }] }],
            peers: [{ globalNamespaceName: "blog", claims: [] }, shop],
          }),
        ),
    );
    expect(count).toBe(0);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "peers[1]: cart.shop.example.com: claimed by GlobalNamespace shop-copy and by GlobalNamespace shop; a host belongs to one GlobalNamespace: give one of them another domain, or drop the service from one",
      ...["east", "west"].map(
        (c) =>
          `peers[1]: ${c}/shop: namespace shop of cluster ${c} is in GlobalNamespace shop-copy and in GlobalNamespace shop; a namespace belongs to one GlobalNamespace (their gateway rules and mTLS policies would overlap there): move its services to a namespace of its own, or change the member rules`,
      ),
    ]);
  });

  test("a virtual IP a peer gives another host is refused", () => {
    const taken = shop.claims[0].address;
    const { error, count } = registrationsDuring(
      () =>
        new GlobalNamespace(
          "pinned",
          args("pinned", "pinned.example.com", {
            services: [
              {
                name: "cart",
                namespace: "pinned",
                clusters: ["west"],
                ports: [{ number: 8080, name: "http" }],
                address: taken,
              },
            ],
            peers: [shop],
          }),
        ),
    );
    expect(count).toBe(0);
    const issues = (error as SpecError).issues;
    expect(issues.map((i) => i.path)).toEqual(["peers[0]"]);
    expect(issues[0].message).toMatch(
      new RegExp(
        `^${taken.replace(/\./g, "\\.")}: virtual IP of cart\\.pinned\\.example\\.com \\(GlobalNamespace pinned\\) and of cart\\.shop\\.example\\.com \\(GlobalNamespace shop\\); pin another address`,
      ),
    );
  });

  test("plain data from another language fits; its fields are checked, a misspelt one refused", () => {
    const refused = (peers: unknown) =>
      registrationsDuring(
        () => new GlobalNamespace("checked", args("checked", "checked.example.com", { peers: peers as never })),
      );
    expect(refused([{ globalNamespaceName: "shop", claims: shop.claims }]).error).toBeUndefined();
    const { error, count } = refused([
      { globalNamespaceNam: "shop", claims: [] },
      { globalNamespaceName: "blog", claims: [{ host: "Web", address: "not-an-ip" }] },
    ]);
    expect(count).toBe(0);
    expect((error as SpecError).issues.map((i) => i.path)).toEqual([
      "peers[0].globalNamespaceNam",
      "peers[0].globalNamespaceName",
      "peers[1].claims[0].host",
      "peers[1].claims[0].address",
    ]);
    expect((error as SpecError).issues[0].message).toBe('unknown field; did you mean "globalNamespaceName"?');
  });

  test("peers known only at deploy time are refused: they decide whether the GlobalNamespace may exist", () => {
    const { error } = registrationsDuring(
      () => new GlobalNamespace("late", args("late", "late.example.com", { peers: pulumi.output([shop]) as never })),
    );
    expect((error as SpecError).issues.map((i) => i.path)).toEqual(["peers"]);
    expect((error as SpecError).issues[0].message).toMatch(/known only at deploy time/);
  });
});
