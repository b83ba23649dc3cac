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
    /^unknown field; use one of name, ingress, locality, network, gateways, trustDomain, namespaces$/,
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
  [
    "a system namespace in a rule, in another case",
    (s) => s.members.push({ cluster: "cluster1", namespace: "Istio-System" }),
    "members[2].namespace",
    /^"Istio-System" is a system namespace, and those \(kube-system, .*istio-gateways.*\) never join a GlobalNamespace/,
  ],
  [
    "the gateways' namespace in a rule",
    (s) => s.members.push({ cluster: "cluster1", namespace: "istio-gateways" }),
    "members[2].namespace",
    /^"istio-gateways" is a system namespace/,
  ],
  [
    "a service listed in a system namespace",
    (s) => (s.services[0].namespace = "kube-system"),
    "services[0].namespace",
    /^"kube-system" is a system namespace/,
  ],
  [
    "excludeServices with a name that is not a Service name",
    (s) => (s.members[0].excludeServices = ["Vault"]),
    "members[0].excludeServices[0]",
    /^"Vault" is not a Service name \(DNS-1035 label\); .*, e.g. "vault"$/,
  ],
  [
    "excludeServices naming a service twice",
    (s) => (s.members[0].excludeServices = ["vault", "vault"]),
    "members[0].excludeServices[1]",
    /^service vault is listed twice; list each service once$/,
  ],
  [
    "a trust domain that is not a DNS name",
    (s) => (s.clusters[0].trustDomain = "spiffe://cluster.local"),
    "clusters[0].trustDomain",
    /^"spiffe:\/\/cluster.local" is not a DNS name; use lowercase labels joined by dots, e.g. "cluster1.acme.internal"$/,
  ],
  [
    "a namespace inventory that is not a list",
    (s) => (s.clusters[0].namespaces = "shop"),
    "clusters[0].namespaces",
    /^"shop" is not a list; give a list, e.g. \[shop, checkout\]$/,
  ],
  [
    "a system namespace in the inventory",
    (s) => (s.clusters[0].namespaces = ["default", "kube-system"]),
    "clusters[0].namespaces[1]",
    /^"kube-system" is a system namespace/,
  ],
  [
    "a namespace listed twice in the inventory",
    (s) => (s.clusters[0].namespaces = ["default", "default"]),
    "clusters[0].namespaces[1]",
    /^namespace default is listed twice/,
  ],
  [
    "a gateway service account that is not a Kubernetes name",
    (s) => (s.clusters[0].gateways = { egressServiceAccount: "Egress GW" }),
    "clusters[0].gateways.egressServiceAccount",
    /^"Egress GW" is not a DNS name; .*, e.g. "istio-egressgateway-cluster1"$/,
  ],
  [
    "a targetPort out of range",
    (s) => (s.services[0].ports[0].targetPort = 0),
    "services[0].ports[0].targetPort",
    /^0 is not a port number from 1 to 65535; use e.g. 8080$/,
  ],
  [
    "an empty service selector",
    (s) => (s.services[0].selector = {}),
    "services[0].selector",
    /^is empty, so it would select every workload; give at least one label, e.g. \{ app: catalog \}$/,
  ],
  [
    "a misspelt mtls mode",
    (s) => (s.mtls = "strict"),
    "mtls",
    /^"strict" is not an mTLS mode; did you mean "STRICT"\? use one of STRICT, PERMISSIVE$/,
  ],
  [
    "defaultDeny in quotes",
    (s) => (s.defaultDeny = "yes"),
    "defaultDeny",
    /^"yes" is not true or false; write it without quotes, e.g. true$/,
  ],
  ["ownDomain that is not a boolean", (s) => (s.ownDomain = 1), "ownDomain", /^1 is not true or false/],
  [
    "a public suffix as the domain",
    (s) => (s.domain = "co.uk"),
    "domain",
    /^"co.uk" is a public suffix \(Public Suffix List\): .*; use a subdomain of a domain registered to you, e.g. "mesh.acme.com", or a special-use name such as "acme.internal"$/,
  ],
  [
    "a registrable domain as the domain",
    (s) => (s.domain = "google.com"),
    "domain",
    /^"google.com" is a registrable internet domain: global names <service>.google.com would shadow real internet names \(e.g. www.google.com\) for the whole mesh; use a subdomain of a domain you own, e.g. "mesh.acme.com", a special-use name such as "acme.internal", or set ownDomain: true if google.com is yours$/,
  ],
  ["an IP address as the domain", (s) => (s.domain = "10.0.0.1"), "domain", /^"10.0.0.1" is not a DNS domain/],
];

test("gateways in istio-system (next to cacerts) are refused", () => {
  expect(problems((s) => (s.clusters[0].gateways = { namespace: "istio-system" }))).toEqual([
    {
      path: "clusters[0].gateways.namespace",
      message: expect.stringMatching(/^"istio-system" holds cacerts .*e\.g\. "istio-gateways"/),
    },
  ]);
});

const policy = (p: any) => (s: any) =>
  (s.policies = [{ name: "p", action: "ALLOW", from: [{ namespace: "default" }], to: [{ service: "catalog" }], ...p }]);
const source = (src: any) => policy({ from: [{ namespace: "default", ...src }] });
const target = (t: any) => policy({ to: [{ service: "catalog", ...t }] });

const policyCases: [string, (s: any) => void, string, RegExp][] = [
  [
    "policies not a list",
    (s) => (s.policies = { p: {} }),
    "policies",
    /^a mapping is not a list; give a list, e.g. \[\{ name: shop-reads-catalog/,
  ],
  [
    "a policy without a name",
    policy({ name: undefined }),
    "policies[0].name",
    /^is required; give a DNS-1123 label, e.g. "shop-reads-catalog"$/,
  ],
  [
    "a policy name that is not a label",
    policy({ name: "Shop Reads" }),
    "policies[0].name",
    /^"Shop Reads" is not a DNS-1123 label/,
  ],
  [
    "two policies with one name",
    (s) => {
      policy({})(s);
      s.policies.push({ ...s.policies[0] });
    },
    "policies[1].name",
    /^policy "p" is listed twice \(also policies\[0\]\); give each policy its own name$/,
  ],
  [
    "a policy without an action",
    policy({ action: undefined }),
    "policies[0].action",
    /^is required; use one of ALLOW, DENY$/,
  ],
  [
    "a lowercase action",
    policy({ action: "allow" }),
    "policies[0].action",
    /^"allow" is not a policy action; did you mean "ALLOW"\? use one of ALLOW, DENY$/,
  ],
  [
    "an unknown action",
    policy({ action: "AUDIT" }),
    "policies[0].action",
    /^"AUDIT" is not a policy action; use one of ALLOW, DENY$/,
  ],
  ["a misspelt policy field", policy({ form: [] }), "policies[0].form", /^unknown field; did you mean "from"\?$/],
  [
    "a policy without sources",
    policy({ from: undefined }),
    "policies[0].from",
    /^is required; give a list, e.g. \[\{ namespace: shop \}\]$/,
  ],
  [
    "a policy with no source",
    policy({ from: [] }),
    "policies[0].from",
    /^is empty; give at least one, e.g. \[\{ namespace: shop \}\]$/,
  ],
  [
    "a policy with no target",
    policy({ to: [] }),
    "policies[0].to",
    /^is empty; give at least one, e.g. \[\{ service: catalog \}\]$/,
  ],
  [
    "a source without a namespace",
    policy({ from: [{ cluster: "cluster1" }] }),
    "policies[0].from[0].namespace",
    /^is required; give a DNS-1123 label, e.g. "shop"$/,
  ],
  [
    "a source in a system namespace",
    source({ namespace: "istio-system" }),
    "policies[0].from[0].namespace",
    /^"istio-system" is a system namespace, .* name a mapped namespace, e.g. "shop"$/,
  ],
  [
    "a source namespace in capitals",
    source({ namespace: "Kube-System" }),
    "policies[0].from[0].namespace",
    /^"Kube-System" is a system namespace/,
  ],
  [
    "a source cluster that is not a pattern",
    source({ cluster: "Cluster 1" }),
    "policies[0].from[0].cluster",
    /^"Cluster 1" is not a cluster name or prefix pattern/,
  ],
  [
    "an empty list of service accounts",
    source({ serviceAccounts: [] }),
    "policies[0].from[0].serviceAccounts",
    /^is empty, which would match no caller; .*leave the field out to match the whole namespace$/,
  ],
  [
    "a service account that is not a Kubernetes name",
    source({ serviceAccounts: ["Front End"] }),
    "policies[0].from[0].serviceAccounts[0]",
    /^"Front End" is not a DNS name/,
  ],
  [
    "a source service that is not a Service name",
    source({ service: "9front" }),
    "policies[0].from[0].service",
    /^"9front" is not a Service name/,
  ],
  [
    "both service accounts and a service",
    source({ serviceAccounts: ["frontend"], service: "frontend" }),
    "policies[0].from[0]",
    /^gives both serviceAccounts and service; give one of them/,
  ],
  [
    "a target without a service",
    policy({ to: [{ ports: [80] }] }),
    "policies[0].to[0].service",
    /^is required; give a Service name/,
  ],
  [
    "a port out of range",
    target({ ports: [70000] }),
    "policies[0].to[0].ports[0]",
    /^70000 is not a port number from 1 to 65535; use e.g. 8082$/,
  ],
  ["a fractional port", target({ ports: [80.5] }), "policies[0].to[0].ports[0]", /^80.5 is not a port number/],
  ["a port in quotes", target({ ports: ["80"] }), "policies[0].to[0].ports[0]", /^"80" is not a port number/],
  [
    "an empty list of ports",
    target({ ports: [] }),
    "policies[0].to[0].ports",
    /^is empty; list at least one port, e.g. \[8082\], or leave the field out to match any$/,
  ],
  [
    "a port listed twice",
    target({ ports: [80, 80] }),
    "policies[0].to[0].ports[1]",
    /^port 80 is listed twice; list each port once$/,
  ],
  [
    "a lowercase method",
    target({ methods: ["get"] }),
    "policies[0].to[0].methods[0]",
    /^"get" is not an HTTP method; did you mean "GET"\? use one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH$/,
  ],
  [
    "an unknown method",
    target({ methods: ["PURGE"] }),
    "policies[0].to[0].methods[0]",
    /^"PURGE" is not an HTTP method; use one of GET/,
  ],
  [
    "a method listed twice",
    target({ methods: ["GET", "GET"] }),
    "policies[0].to[0].methods[1]",
    /^method GET is listed twice/,
  ],
  [
    "an empty list of methods",
    target({ methods: [] }),
    "policies[0].to[0].methods",
    /^is empty; list at least one method/,
  ],
  [
    "a path without its slash",
    target({ paths: ["api/*"] }),
    "policies[0].to[0].paths[0]",
    /^"api\/\*" is not an access-policy path; use an exact path "\/cart", a prefix "\/api\/\*", a suffix "\*.json" or "\*".*, e.g. "\/api\/\*"$/,
  ],
  [
    "a path with a * inside",
    target({ paths: ["/api/*/items"] }),
    "policies[0].to[0].paths[0]",
    /is not an access-policy path/,
  ],
  [
    "a path with * at both ends",
    target({ paths: ["*/api/*"] }),
    "policies[0].to[0].paths[0]",
    /is not an access-policy path/,
  ],
  [
    "a path with a query",
    target({ paths: ["/cart?id=1"] }),
    "policies[0].to[0].paths[0]",
    /is not an access-policy path/,
  ],
  ["an empty path", target({ paths: [""] }), "policies[0].to[0].paths[0]", /is not an access-policy path/],
  [
    "a misspelt target field",
    target({ method: ["GET"] }),
    "policies[0].to[0].method",
    /^unknown field; did you mean "methods"\?$/,
  ],
];

describe("access policies: each field is checked where it is written", () => {
  test.each(policyCases)("%s", (_name, mutate, path, message) => {
    const found = problems(mutate);
    expect(found).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
  });

  test("every path form Istio matches is accepted: exact, prefix, suffix, any", () => {
    const spec = baseSpec();
    target({ paths: ["/cart", "/api/*", "*.json", "*", "/"] })(spec);
    expect(validateSpec(spec).policies?.[0].to[0].paths).toEqual(["/cart", "/api/*", "*.json", "*", "/"]);
  });

  test("a full policy reads back as written", () => {
    const p = {
      name: "shop-reads-catalog",
      action: "DENY",
      from: [
        { namespace: "default", cluster: "cluster*", serviceAccounts: ["frontend", "system.batch"] },
        { namespace: "default", service: "shopping" },
      ],
      to: [{ service: "catalog", ports: [8082], methods: ["GET", "HEAD"], paths: ["/products/*"] }],
    };
    const spec = { ...baseSpec(), policies: [p], mtls: "PERMISSIVE", defaultDeny: true, ownDomain: false };
    expect(validateSpec(spec)).toEqual(
      expect.objectContaining({ policies: [p], mtls: "PERMISSIVE", defaultDeny: true }),
    );
  });
});

describe("the new spec fields read back as written", () => {
  test("cluster, gateway, rule, service and port fields", () => {
    const spec = baseSpec();
    spec.clusters[0] = {
      ...spec.clusters[0],
      trustDomain: "cluster1.acme.internal",
      namespaces: ["shop", "checkout"],
      gateways: { ingressServiceAccount: "ingress-c1", egressServiceAccount: "egress-c1" },
    };
    spec.members[0].excludeServices = ["vault", "argocd-server"];
    spec.services[0].selector = { app: "catalog" };
    spec.services[0].ports[0].targetPort = 8080;
    const read = validateSpec(spec);
    expect(read.clusters[0]).toEqual(spec.clusters[0]);
    expect(read.members[0]).toEqual(spec.members[0]);
    expect(read.services?.[0]).toEqual(spec.services[0]);
  });
});

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

test.each([
  ["a service's namespace", (s: any) => (s.services[0].namespace = "KUBE-SYSTEM"), "services[0].namespace"],
  ["the namespace inventory", (s: any) => (s.clusters[0].namespaces = ["Istio-Gateways"]), "clusters[0].namespaces[0]"],
])("a system namespace in any case is refused as one: %s", (_name, mutate, path) => {
  expect(problems(mutate)).toEqual([{ path, message: expect.stringMatching(/ is a system namespace, and those/) }]);
});

describe("east-west mode: what it needs, refused with the field and the fix", () => {
  const eastWest = (s: any) => {
    s.mode = "east-west";
    s.services[0].selector = { app: "catalog" };
    s.services[1].selector = { app: "shopping" };
  };
  const perClusterTrust = (s: any) => {
    s.clusters[0].trustDomain = "cluster1.acme.internal";
    s.clusters[1].trustDomain = "cluster2.acme.internal";
  };
  const policy = (from: object, to: object = {}) => ({
    name: "shop-reads-catalog",
    action: "ALLOW",
    from: [{ namespace: "default", ...from }],
    to: [{ service: "catalog", ...to }],
  });

  test("mode is one of the modes; a near miss is named", () => {
    expect(problems((s) => (s.mode = "eastwest"))).toEqual([
      {
        path: "mode",
        message: expect.stringMatching(
          /^"eastwest" is not a mesh mode; did you mean "east-west"\? use one of tunnel, east-west$/,
        ),
      },
    ]);
    expect(problems((s) => (s.mode = "tunnel"))).toEqual([]);
  });

  test("a spec valid in east-west mode: selectors known, each gateway on 15443 unless given", () => {
    expect(problems(eastWest)).toEqual([]);
    const spec = baseSpec();
    eastWest(spec);
    expect(buildMesh(spec).model.clusters.map((c) => [c.name, c.ingress?.port])).toEqual([
      ["cluster1", 15443],
      ["cluster2", 443],
    ]);
    // The same spec in tunnel mode keeps 443 as the default.
    expect(buildMesh(baseSpec()).model.clusters.map((c) => c.ingress?.port)).toEqual([443, 443]);
  });

  test("a service whose pods' labels are unknown is refused: its pods get an ALLOW policy", () => {
    expect(problems((s) => (eastWest(s), delete s.services[1].selector))).toEqual([
      {
        path: "services[1]",
        message: expect.stringMatching(
          /^in east-west mode the pods of every service get an AuthorizationPolicy naming their callers, but the labels of shopping's pods are unknown; pass the manifests of a cluster that runs it, or give its selector, e\.g\. selector: \{ app: shopping \}$/,
        ),
      },
    ]);
  });

  test("a serving cluster needs its east-west gateway's address, also when the service runs everywhere", () => {
    const everywhere = (s: any) => {
      s.services = [{ ...s.services[0], clusters: ["cluster1", "cluster2"], selector: { app: "catalog" } }];
      delete s.clusters[0].ingress;
    };
    // Tunnel mode: every cluster runs catalog, so nobody crosses clusters.
    expect(problems(everywhere)).toEqual([]);
    expect(problems((s) => (everywhere(s), (s.mode = "east-west")))).toEqual([
      {
        path: "clusters[0].ingress",
        message: expect.stringMatching(
          // Read by CLI users (a spec file) and component users alike: both fields are named.
          /^cluster cluster1 runs catalog, called from other clusters, so it needs its east-west gateway's address .*: ingress\.address in a spec file; with the GlobalNamespace component, the cluster's eastWest, .*MeshCluster's eastWest output \(installed with eastWest: true\)$/,
        ),
      },
    ]);
  });

  test("a source narrowed to a cluster that shares its trust domain and namespace with another is refused", () => {
    expect(problems((s) => (eastWest(s), (s.policies = [policy({ cluster: "cluster1" })])))).toEqual([
      {
        path: "policies[0].from[0].cluster",
        message: expect.stringMatching(
          /^narrows the source to cluster1, but cluster cluster2 maps namespace default too, in the same trust domain cluster\.local: .*cannot tell them apart; give each cluster its own trustDomain .*, or drop cluster/,
        ),
      },
    ]);
    // Told apart by trust domain, or with nobody alike: accepted. Tunnel mode tells them apart by gateway.
    expect(
      problems((s) => (eastWest(s), perClusterTrust(s), (s.policies = [policy({ cluster: "cluster1" })]))),
    ).toEqual([]);
    expect(
      problems((s) => {
        eastWest(s);
        s.members.push({ cluster: "cluster1", namespace: "shop" });
        s.policies = [{ ...policy({ cluster: "cluster1" }), from: [{ namespace: "shop", cluster: "cluster1" }] }];
      }),
    ).toEqual([]);
    expect(
      problems(
        (s) => ((s.services[0].selector = { app: "catalog" }), (s.policies = [policy({ cluster: "cluster1" })])),
      ),
    ).toEqual([]);
  });

  test("tunnel mode's limits on HTTP rules for remote callers do not apply: each caller arrives as itself", () => {
    const differentRules = (s: any) =>
      (s.policies = [
        { ...policy({ cluster: "cluster1", serviceAccounts: ["web"] }, { methods: ["GET"] }), name: "web-reads" },
        { ...policy({ cluster: "cluster1", serviceAccounts: ["ops"] }), name: "ops-all" },
      ]);
    expect(
      problems((s) => (perClusterTrust(s), (s.services[0].selector = { app: "catalog" }), differentRules(s))),
    ).toEqual([
      expect.objectContaining({
        path: "policies[0]",
        message: expect.stringMatching(/arrives as the ingress gateway/),
      }),
    ]);
    expect(problems((s) => (eastWest(s), perClusterTrust(s), differentRules(s)))).toEqual([]);
  });

  test("the east-west gateway's fields are checked and read back", () => {
    expect(problems((s) => (s.clusters[0].gateways = { eastWestSelector: {} }))).toEqual([
      expect.objectContaining({
        path: "clusters[0].gateways.eastWestSelector",
        message: expect.stringMatching(/is empty/),
      }),
    ]);
    expect(problems((s) => (s.clusters[0].gateways = { eastWestServiceAccount: "Not_A_Name" }))).toEqual([
      expect.objectContaining({ path: "clusters[0].gateways.eastWestServiceAccount" }),
    ]);
    const gateways = { eastWestSelector: { app: "ew" }, eastWestServiceAccount: "ew-cluster1" };
    const spec = baseSpec();
    eastWest(spec);
    spec.clusters[0].gateways = gateways;
    expect(validateSpec(spec).clusters[0].gateways).toEqual(gateways);
    const [c1, c2] = buildMesh(spec).model.clusters;
    expect([c1.gateways.eastWestSelector, c1.gateways.eastWestPrincipal]).toEqual([
      { app: "ew" },
      "cluster.local/ns/istio-gateways/sa/ew-cluster1",
    ]);
    expect([c2.gateways.eastWestSelector, c2.gateways.eastWestPrincipal]).toEqual([
      { istio: "eastwestgateway" },
      "cluster.local/ns/istio-gateways/sa/istio-eastwestgateway-cluster2",
    ]);
  });
});
