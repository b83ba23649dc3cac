import * as pulumi from "@pulumi/pulumi";
import { buildMesh, SpecError, validateSpec } from "../../sdk/src/mesh";
import { baseSpec } from "../helpers/fixtures";

/** Every way a spec can be wrong gives its own message, naming the field and the fix. */
function problems(mutate: (s: any) => void): { path: string; message: string }[] {
  const spec = baseSpec();
  mutate(spec);
  const { __manifests: manifests, ...input } = spec;
  try {
    buildMesh(input, manifests);
  } catch (e) {
    if (e instanceof SpecError) return e.issues;
    throw e;
  }
  return [];
}

const cases: [string, (s: any) => void, string, RegExp][] = [
  [
    "unknown cluster in a rule",
    (s) => s.members.push({ cluster: "cluster9", namespace: "default" }),
    "members[2].cluster",
    /unknown cluster "cluster9"; add it to clusters or use one of: cluster1, cluster2/,
  ],
  [
    "rule pattern matching no cluster",
    (s) => s.members.push({ cluster: "prod-*", namespace: "default" }),
    "members[2].cluster",
    /pattern "prod-\*" matches no cluster/,
  ],
  [
    "unknown cluster in a service",
    (s) => (s.services[0].clusters = ["cluster3"]),
    "services[0].clusters",
    /unknown cluster "cluster3"/,
  ],
  [
    "service in an unmapped namespace",
    (s) => (s.services[0].namespace = "shop"),
    "services[0]",
    /namespace shop of cluster cluster2 is not in the GlobalNamespace; add the member rule \{ cluster: cluster2, namespace: shop \}/,
  ],
  [
    "duplicate service names",
    (s) => s.services.push({ ...s.services[0], clusters: ["cluster1"] }),
    "services[2].name",
    /service "catalog" is listed twice \(also services\[0\]\)/,
  ],
  [
    "duplicate cluster names",
    (s) => s.clusters.push({ name: "cluster1", ingress: { address: "10.0.0.1" } }),
    "clusters[2].name",
    /cluster "cluster1" is listed twice/,
  ],
  [
    "duplicate rules",
    (s) => s.members.push({ cluster: "cluster1", namespace: "default" }),
    "members[2]",
    /is listed twice/,
  ],
  [
    "invalid domain",
    (s) => (s.domain = "Acme_Example"),
    "domain",
    /^"Acme_Example" is not a DNS domain; use lowercase labels joined by dots, e.g. "acme.example.com"$/,
  ],
  ["single-label domain", (s) => (s.domain = "acme"), "domain", /is not a DNS domain/],
  [
    "domain inside cluster.local",
    (s) => (s.domain = "svc.cluster.local"),
    "domain",
    /collides with Kubernetes' own service names/,
  ],
  [
    "invalid GlobalNamespace name",
    (s) => (s.name = "Acme Fitness"),
    "name",
    /^"Acme Fitness" is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "acme-fitness"$/,
  ],
  [
    "a network that is not a label",
    (s) => (s.clusters[0].network = "Net 1"),
    "clusters[0].network",
    /^"Net 1" is not a DNS-1123 label; .*, e.g. "network1"$/,
  ],
  [
    "port out of range",
    (s) => (s.services[0].ports[0].number = 70000),
    "services[0].ports[0].number",
    /^70000 is not a port number from 1 to 65535; use e.g. 8082$/,
  ],
  [
    "port as a string",
    (s) => (s.services[0].ports[0].number = "8082"),
    "services[0].ports[0].number",
    /^"8082" is not a port number from 1 to 65535/,
  ],
  [
    "duplicate port",
    (s) => s.services[0].ports.push({ number: 8082, name: "http-two" }),
    "services[0].ports[1].number",
    /port 8082 is listed twice/,
  ],
  [
    "unknown protocol",
    (s) => (s.services[0].ports[0].protocol = "SMTP"),
    "services[0].ports[0].protocol",
    /^"SMTP" is not an Istio protocol; use one of HTTP, HTTP2, GRPC, HTTPS, TLS, TCP, MONGO$/,
  ],
  [
    "protocol contradicting the port name",
    (s) => (s.services[0].ports[0].protocol = "TCP"),
    "services[0].ports[0].protocol",
    /^"TCP" contradicts the port name "http-catalog", which declares HTTP to Istio; set protocol to HTTP, or rename the port, e.g. "tcp-8082"$/,
  ],
  [
    "invalid service name",
    (s) => (s.services[0].name = "9catalog"),
    "services[0].name",
    /^"9catalog" is not a Service name \(DNS-1035 label\); use .*starting with a letter.*, e.g. "catalog"$/,
  ],
  ["service in no cluster", (s) => (s.services[0].clusters = []), "services[0].clusters", /runs in no cluster/],
  [
    "duplicate pinned VIP",
    (s) => {
      s.services[0].address = "241.0.0.10";
      s.services[1].address = "241.0.0.10";
    },
    "services[1].address",
    /241\.0\.0\.10 is pinned for both catalog and shopping/,
  ],
  [
    "pinned VIP outside class E",
    (s) => (s.services[0].address = "10.0.0.1"),
    "services[0].address",
    /outside the class E block 240\.0\.0\.0\/4/,
  ],
  [
    "pinned VIP in Istio's auto-allocation range",
    (s) => (s.services[0].address = "240.240.0.7"),
    "services[0].address",
    /240\.240\.0\.0\/16, where Istio auto-allocates/,
  ],
  ["pinned broadcast address", (s) => (s.services[0].address = "255.255.255.255"), "services[0].address", /broadcast/],
  [
    "bad ingress address",
    (s) => (s.clusters[1].ingress.address = "not an address!"),
    "clusters[1].ingress.address",
    /^"not an address!" is not an IP address or DNS name; give the ingress gateway's load-balancer IP or hostname, e.g. "203.0.113.10"$/,
  ],
  [
    "ingress port out of range",
    (s) => (s.clusters[0].ingress.port = 0),
    "clusters[0].ingress.port",
    /^0 is not a port number from 1 to 65535; use e.g. 443$/,
  ],
  [
    "exporting cluster without ingress",
    (s) => delete s.clusters[1].ingress,
    "clusters[1].ingress",
    /cluster cluster2 runs catalog, called from other clusters, so it needs ingress\.address/,
  ],
  [
    "cluster no rule maps",
    (s) => s.clusters.push({ name: "cluster3" }),
    "members",
    /no rule maps a namespace of cluster "cluster3"/,
  ],
  [
    "system namespace in a rule",
    (s) => s.members.push({ cluster: "cluster1", namespace: "kube-system" }),
    "members[2].namespace",
    /^"kube-system" is a system namespace, and those \(kube-system, .*\) never join a GlobalNamespace; map an application namespace, e.g. "default"$/,
  ],
  [
    "misspelt field",
    (s) => {
      s.sevices = s.services;
      delete s.services;
    },
    "sevices",
    /unknown field; did you mean "services"\?/,
  ],
  [
    "a misspelt field with no known name near it",
    (s) => (s.clusters[0].zone = "a"),
    "clusters[0].zone",
    /^unknown field; use one of name, ingress, locality, network, gateways$/,
  ],
  ["missing domain", (s) => delete s.domain, "domain", /^is required; give a DNS domain, e.g. "acme.example.com"$/],
  [
    "clusters not a list",
    (s) => (s.clusters = { cluster1: {} }),
    "clusters",
    /^a mapping is not a list; give a list, e.g. \[\{ name: cluster1/,
  ],
  [
    "no member rule",
    (s) => (s.members = []),
    "members",
    /^is empty; give at least one, e.g. \[\{ cluster: cluster1, namespace: default \}\]$/,
  ],
  [
    "bad locality",
    (s) => (s.clusters[0].locality = "us east"),
    "clusters[0].locality",
    /^"us east" is not an Istio locality; use region\[\/zone\[\/subzone\]\], e.g. "us-east-2\/us-east-2a"$/,
  ],
  [
    "an explicit name that a default name repeats",
    (s) => (s.services[1].ports = [{ number: 9000 }, { number: 9001, name: "tcp-9000" }]),
    "services[1].ports[1].name",
    /port name "tcp-9000" is used twice; name each port explicitly/,
  ],
  [
    "a gateway selector that is not a Kubernetes label",
    (s) => (s.clusters[0].gateways = { egressSelector: { "bad key!": "x" } }),
    "clusters[0].gateways.egressSelector.bad key!",
    /^"bad key!" is not a Kubernetes label key; .*, e.g. "istio"$/,
  ],
  [
    "a gateway selector value that is not a label value",
    (s) => (s.clusters[0].gateways = { ingressSelector: { istio: "ingress gateway" } }),
    "clusters[0].gateways.ingressSelector.istio",
    /^"ingress gateway" is not a Kubernetes label value; .*, e.g. "ingressgateway"$/,
  ],
  [
    "an IPv6 address with no groups",
    (s) => (s.clusters[1].ingress.address = "::"),
    "clusters[1].ingress.address",
    /^"::" is not an IP address or DNS name/,
  ],
  [
    "manifests for a cluster that is not a member",
    (s) => (s.__manifests = [{ cluster: "clustr2", source: "c2.yaml", objects: [] }]),
    "c2.yaml",
    /manifests given for cluster "clustr2", which is not a member; known clusters: cluster1, cluster2/,
  ],
  [
    "empty gateway selector",
    (s) => (s.clusters[0].gateways = { ingressSelector: {} }),
    "clusters[0].gateways.ingressSelector",
    /^is empty, so it would select every workload; give at least one label, e.g. \{ istio: ingressgateway \}$/,
  ],
];

test.each(cases)("%s", (_name, mutate, path, message) => {
  const found = problems(mutate);
  expect(found).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
});

test("the base spec is valid (so each case above fails for its own reason only)", () => {
  expect(problems(() => undefined)).toEqual([]);
});

test("field problems are reported together, in one error", () => {
  const found = problems((s) => {
    s.domain = "x";
    s.services[0].ports[0].number = -1;
    s.clusters[0].locality = "a b";
  });
  expect(found.map((p) => p.path).sort()).toEqual(["clusters[0].locality", "domain", "services[0].ports[0].number"]);
});

test("once fields are valid, cross-reference problems are reported together", () => {
  const found = problems((s) => {
    s.members[0].cluster = "nope";
    s.services[1].namespace = "shop";
    s.services[0].clusters = ["cluster7"];
  });
  expect(found.map((p) => p.path).sort()).toEqual([
    "members",
    "members[0].cluster",
    "services[0].clusters",
    "services[1]",
  ]);
});

test("the error message lists each problem on its own line", () => {
  expect(() => buildMesh({ ...baseSpec(), domain: "x" })).toThrow(
    /invalid GlobalNamespace spec \(1 problem\)\n {2}- domain: "x" is not a DNS domain/,
  );
});

describe("fields that decide which objects exist must be literals, not values known only at deploy time", () => {
  const deployTime = "known only at deploy time; this field decides which objects exist, so give";
  test.each<[string, (s: any) => void, string, string]>([
    [
      "an Output cluster name",
      (s) => (s.clusters[0].name = pulumi.output("cluster1")),
      "clusters[0].name",
      `is an Output, ${deployTime} a literal string (e.g. "cluster1")`,
    ],
    [
      "an Output namespace in a rule",
      (s) => (s.members[0].namespace = pulumi.output("default")),
      "members[0].namespace",
      `is an Output, ${deployTime} a literal string (e.g. "default")`,
    ],
    [
      "a Promise port",
      (s) => (s.services[0].ports[0].number = Promise.resolve(8082)),
      "services[0].ports[0].number",
      `is a Promise, ${deployTime} a literal number (e.g. 8082)`,
    ],
    [
      "an Output list of services",
      (s) => (s.services = pulumi.output([])),
      "services",
      `is an Output, ${deployTime} a literal list (e.g. [{ name: catalog, namespace: default }])`,
    ],
    [
      "an Output cluster entry",
      (s) => (s.clusters[1] = pulumi.output({ name: "cluster2" })),
      "clusters[1]",
      `is an Output, ${deployTime} a literal mapping`,
    ],
  ])("%s", (_name, mutate, path, message) => {
    expect(problems(mutate)).toEqual([{ path, message }]);
  });

  test("except the ingress address, which only says where objects point: it passes through as it is", () => {
    const spec = baseSpec();
    const address = pulumi.output("lb.example.net");
    spec.clusters[1].ingress.address = address;
    expect(validateSpec<unknown>(spec).clusters[1].ingress?.address).toBe(address);
  });
});
