/**
 * Cross-references checked when a spec is resolved (model.ts, policies.ts): what the field checks cannot see alone.
 * Each problem names the field and the fix; nothing is compiled.
 */
import { buildMesh, SpecError } from "../../sdk/src/mesh";
import { baseSpec } from "../helpers/fixtures";

function problems(mutate: (s: any) => void): { path: string; message: string }[] {
  const spec = baseSpec();
  spec.services[0].selector = { app: "catalog" };
  mutate(spec);
  try {
    buildMesh(spec);
  } catch (e) {
    if (e instanceof SpecError) return e.issues;
    throw e;
  }
  return [];
}

const allow = (p: object) => (s: any) =>
  (s.policies = [{ name: "p", action: "ALLOW", from: [{ namespace: "default" }], to: [{ service: "catalog" }], ...p }]);

const cases: [string, (s: any) => void, string, RegExp][] = [
  [
    "a policy on an unknown service",
    allow({ to: [{ service: "catalgo" }] }),
    "policies[0].to[0].service",
    /^unknown service "catalgo"; the GlobalNamespace's services are: catalog, shopping$/,
  ],
  [
    "a port the service does not have",
    allow({ to: [{ service: "catalog", ports: [8083] }] }),
    "policies[0].to[0].ports",
    /^catalog has no port 8083; its ports are 8082$/,
  ],
  [
    "HTTP rules on a TCP port",
    (s) => {
      s.services[0].ports = [{ number: 27017, name: "mongo" }];
      allow({ to: [{ service: "catalog", methods: ["GET"] }] })(s);
    },
    "policies[0].to[0]",
    /^methods and paths are HTTP rules, but port 27017 \(MONGO\) of catalog is not HTTP/,
  ],
  [
    "a source namespace no member rule maps",
    allow({ from: [{ namespace: "billing" }] }),
    "policies[0].from[0].namespace",
    /^namespace billing is not a known member namespace of any member cluster; map it with a member rule/,
  ],
  [
    "a source cluster pattern that matches no member",
    allow({ from: [{ namespace: "default", cluster: "prod-*" }] }),
    "policies[0].from[0].cluster",
    /^"prod-\*" matches no member cluster; use one of: cluster1, cluster2$/,
  ],
  [
    "a source service whose pods' accounts are unknown",
    allow({ from: [{ namespace: "default", service: "shopping" }] }),
    "policies[0].from[0].service",
    /^the service accounts of shopping's pods are unknown .*give serviceAccounts: \[<account>\] instead$/,
  ],
  [
    "a policy on a service whose pods' labels are unknown",
    (s) => {
      delete s.services[0].selector;
      allow({})(s);
    },
    "services[0]",
    /^access policies apply to catalog, .*give its selector, e\.g\. selector: \{ app: catalog \}$/,
  ],
  [
    "defaultDeny with a service whose pods' labels are unknown",
    (s) => (s.defaultDeny = true),
    "services[1]",
    /^access policies apply to shopping/,
  ],
  [
    "a cluster at the default trust domain next to one with its own",
    (s) => (s.clusters[1].trustDomain = "cluster2.acme.internal"),
    "clusters[0].trustDomain",
    /^is cluster.local while other clusters have their own trust domain; .*cluster1.acme.internal/,
  ],
  [
    "a listed namespace no member rule maps",
    (s) => (s.clusters[0].namespaces = ["web"]),
    "clusters[0].namespaces[0]",
    /^namespace web is not mapped by any member rule for cluster cluster1; add \{ cluster: cluster1, namespace: web \}/,
  ],
  [
    "a cluster whose member namespaces are all patterns and unknown",
    (s) => {
      s.members = [
        { cluster: "cluster1", namespace: "shop-*" },
        { cluster: "cluster2", namespace: "default" },
      ];
      s.services[1].namespace = "default";
      s.services[1].clusters = ["cluster2"];
    },
    "clusters[0]",
    /^no namespace of cluster cluster1 is known to be in the GlobalNamespace .*list the namespaces that call in clusters\[0\]\.namespaces/,
  ],
  [
    "a listed namespace that is the cluster's gateways' namespace",
    (s) => {
      s.members.push({ cluster: "cluster1", namespace: "mesh-*" });
      s.clusters[0].gateways = { namespace: "mesh-gateways" };
      s.clusters[0].namespaces = ["mesh-gateways"];
    },
    "clusters[0].namespaces[0]",
    /^mesh-gateways is the cluster's gateways' namespace, which never joins a GlobalNamespace; drop it here$/,
  ],
  [
    "a service in the gateways' namespace",
    (s) => {
      s.members.push({ cluster: "cluster2", namespace: "*" });
      s.clusters[1].gateways = { namespace: "mesh-gateways" };
      s.services[0].namespace = "mesh-gateways";
    },
    "services[0].namespace",
    /^mesh-gateways is the gateways' namespace of cluster cluster2, which never joins a GlobalNamespace/,
  ],
  [
    "a listed service a member rule excludes",
    (s) => (s.members[1].excludeServices = ["catalog"]),
    "services[0]",
    /^service catalog is listed, but the member rule for cluster2\/default excludes it \(excludeServices\); drop one of the two$/,
  ],
];

describe("what tunnel mode cannot tell apart at the pods is refused, not written wider or narrower", () => {
  // catalog runs in cluster2; callers in cluster1 reach it through cluster2's ingress gateway.
  const rule = (name: string, action: string, from: object, to: object = {}) => ({
    name,
    action,
    from: [{ namespace: "default", ...from }],
    to: [{ service: "catalog", ...to }],
  });
  const withPolicies =
    (...policies: object[]) =>
    (s: any) =>
      (s.policies = policies);

  test("two remote ALLOWs on one port with different HTTP rules: one would let the other's callers through", () => {
    expect(
      problems(
        withPolicies(
          rule("web-reads", "ALLOW", { cluster: "cluster1", serviceAccounts: ["web"] }, { methods: ["GET"] }),
          rule("ops-all", "ALLOW", { cluster: "cluster1", serviceAccounts: ["ops"] }),
        ),
      ),
    ).toEqual([
      {
        path: "policies[0]",
        message: expect.stringMatching(
          /^policies ops-all and web-reads give callers in other clusters different HTTP rules \(ops-all: any request; web-reads: GET\) on port 8082 of catalog; at catalog's pods every caller from another cluster arrives as the ingress gateway/,
        ),
      },
    ]);
  });

  test("the same HTTP rules for every remote grant, or HTTP rules only for local callers, pass", () => {
    const same = { methods: ["GET"], paths: ["/products*"] };
    expect(
      problems(
        withPolicies(
          rule("web-reads", "ALLOW", { cluster: "cluster1", serviceAccounts: ["web"] }, same),
          rule("ops-reads", "ALLOW", { cluster: "cluster1", serviceAccounts: ["ops"] }, same),
          rule("local-writes", "ALLOW", { cluster: "cluster2" }, { methods: ["POST"] }),
        ),
      ),
    ).toEqual([]);
  });

  test("a DENY with HTTP rules for some remote callers would refuse them to all of them", () => {
    expect(
      problems(
        withPolicies(
          rule("no-admin", "DENY", { cluster: "cluster1", serviceAccounts: ["web"] }, { paths: ["/admin*"] }),
        ),
      ),
    ).toEqual([
      {
        path: "policies[0]",
        message: expect.stringMatching(
          /^denies no-admin: \/admin\* on catalog to some callers in other clusters, .*drop methods and paths/,
        ),
      },
    ]);
    // Every member namespace of the calling cluster: exact, so it passes.
    expect(problems(withPolicies(rule("no-admin", "DENY", {}, { paths: ["/admin*"] })))).toEqual([]);
  });
});

test.each(cases)("%s", (_name, mutate, path, message) => {
  const found = problems(mutate);
  expect(found).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
});

test("the same spec without the mistakes resolves, with the policy's defaults filled in", () => {
  expect(problems(() => {})).toEqual([]);
  const spec = baseSpec();
  spec.services[0].selector = { app: "catalog" };
  spec.clusters[0].namespaces = ["default"];
  spec.policies = [
    {
      name: "p",
      action: "ALLOW",
      from: [{ namespace: "default", cluster: "cluster*", serviceAccounts: ["web"] }],
      to: [{ service: "catalog" }],
    },
  ];
  const { model } = buildMesh(spec);
  expect(model.policies).toEqual([
    {
      name: "p",
      action: "ALLOW",
      from: [{ namespace: "default", clusters: ["cluster1", "cluster2"], serviceAccounts: ["web"] }],
      to: [{ service: "catalog", ports: [8082], portsNamed: false }],
    },
  ]);
  expect(model.mtls).toBe("STRICT");
  expect(model.defaultDeny).toBe(false);
});

test("a cluster's gateways' namespace never joins, whatever its name: its Services are skipped, it is no audience", () => {
  const spec = baseSpec();
  spec.members = [{ cluster: "*", namespace: "*" }];
  spec.clusters[1].gateways = { namespace: "mesh-gateways" };
  spec.clusters[0].namespaces = ["shop"];
  spec.services = [];
  const service = (namespace: string, name: string) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { selector: { app: name }, ports: [{ name: "https", port: 443 }] },
  });
  const { model, discovery } = buildMesh(spec, [
    {
      cluster: "cluster2",
      source: "cluster2.yaml",
      objects: [service("mesh-gateways", "istio-ingressgateway"), service("shop", "cart")],
    },
  ]);
  expect(model.services.map((s) => s.name)).toEqual(["cart"]);
  expect(discovery.skipped).toContainEqual({
    cluster: "cluster2",
    service: "mesh-gateways/istio-ingressgateway",
    reason: "it is in the cluster's gateways' namespace",
  });
  expect(model.clusters.find((c) => c.name === "cluster2")!.namespaces).toEqual(["shop"]);
});
