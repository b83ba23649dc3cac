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
    "a listed service a member rule excludes",
    (s) => (s.members[1].excludeServices = ["catalog"]),
    "services[0]",
    /^service catalog is listed, but the member rule for cluster2\/default excludes it \(excludeServices\); drop one of the two$/,
  ],
];

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
