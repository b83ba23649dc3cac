import { join } from "node:path";
import { buildMesh, MeshBuild, MeshObject } from "../../sdk/src/mesh";
import { ACME_DIR, acmeBuild, acmeManifests, bookinfoBuild, readSpecFile } from "../helpers/fixtures";
import { DEFAULT_ISTIO_VERSION } from "../../sdk/src/install/defaults";
import { crdCelRules, ISTIO_CRD_VERSION } from "../helpers/istioCrd";
import { CEL_RULES, istioSchemaProblems, parseGoDuration, valuesAt } from "../helpers/istioSchema";

/**
 * The Istio schema check (test/helpers/istioSchema.ts) against what globalmesh emits: everything the compiler writes
 * for the examples passes, and the check is live — a tampered object fails each rule it claims to enforce.
 */

/** acme-fitness with access policies: workload ALLOW and DENY policies, service-account sources, HTTP rules. */
function acmeWithPolicies(): MeshBuild {
  const spec: any = readSpecFile(join(ACME_DIR, "gns.yaml"));
  spec.policies = [
    {
      name: "shopping-reads-catalog",
      action: "ALLOW",
      from: [{ namespace: "default", serviceAccounts: ["shopping"] }],
      to: [{ service: "catalog", ports: [8082], methods: ["GET"], paths: ["/products*"] }],
    },
    {
      name: "order-pays",
      action: "ALLOW",
      from: [{ namespace: "default", cluster: "cluster1" }],
      to: [{ service: "payment" }],
    },
    {
      name: "no-mongo-from-cluster1",
      action: "DENY",
      from: [{ namespace: "default", cluster: "cluster1" }],
      to: [{ service: "catalog-mongo" }],
    },
    {
      name: "no-deletes",
      action: "DENY",
      from: [{ namespace: "default" }],
      to: [{ service: "catalog", methods: ["DELETE"] }],
    },
  ];
  return buildMesh(spec, acmeManifests());
}

/** acme-fitness with default-deny and no grant at all: DENY-per-tunnel policies on the gateways. */
function acmeDefaultDeny(): MeshBuild {
  const spec: any = readSpecFile(join(ACME_DIR, "gns.yaml"));
  spec.defaultDeny = true;
  return buildMesh(spec, acmeManifests());
}

const BUILDS: [string, () => MeshBuild][] = [
  ["acme-fitness", acmeBuild],
  ["bookinfo", bookinfoBuild],
  ["acme-fitness with access policies", acmeWithPolicies],
  ["acme-fitness with default deny", acmeDefaultDeny],
];
const objectsOf = (build: () => MeshBuild): MeshObject[] => [...build().compiled.objects.values()].flat();
const ALL = BUILDS.flatMap(([, b]) => objectsOf(b));

describe.each(BUILDS)("%s", (_name, build) => {
  test("every emitted object passes the CRD schemas, their CEL rules and istiod's webhook", () => {
    expect(objectsOf(build).flatMap(istioSchemaProblems)).toEqual([]);
  });
});

test("the builds cover every kind and the fields this issue added", () => {
  const kinds = new Set(ALL.map((o) => o.kind));
  expect([...kinds].sort()).toEqual([
    "AuthorizationPolicy",
    "DestinationRule",
    "Gateway",
    "PeerAuthentication",
    "ServiceEntry",
    "VirtualService",
  ]);
  const paths = writtenPaths();
  for (const p of [
    "DestinationRule .spec.workloadSelector.matchLabels{}",
    "DestinationRule .spec.trafficPolicy.portLevelSettings[].loadBalancer.localityLbSetting.enabled",
    "DestinationRule .spec.trafficPolicy.portLevelSettings[].outlierDetection.interval",
    "DestinationRule .spec.trafficPolicy.portLevelSettings[].connectionPool.tcp.tcpKeepalive.time",
    "DestinationRule .spec.trafficPolicy.portLevelSettings[].connectionPool.http.useClientProtocol",
    "DestinationRule .spec.trafficPolicy.portLevelSettings[].tls.subjectAltNames[]",
    "DestinationRule .spec.subsets[].trafficPolicy.portLevelSettings[].tls.subjectAltNames[]",
    "Gateway .spec.servers[].tls.subjectAltNames[]",
    "AuthorizationPolicy .spec.rules[].from[].source.principals[]",
    "AuthorizationPolicy .spec.rules[].from[].source.namespaces[]",
    "AuthorizationPolicy .spec.rules[].to[].operation.ports[]",
    "AuthorizationPolicy .spec.rules[].to[].operation.methods[]",
    "AuthorizationPolicy .spec.rules[].to[].operation.paths[]",
    "AuthorizationPolicy .spec.rules[].when[].values[]",
    "PeerAuthentication .spec.mtls.mode",
  ])
    expect(paths).toContain(p);
  const actions = ALL.filter((o) => o.kind === "AuthorizationPolicy").map((o) => o.spec.action);
  expect(new Set(actions)).toEqual(new Set(["ALLOW", "DENY"]));
});

// ---------------------------------------------------------------------------------------------------------------
// CEL rules: the table is Istio's, and every rule on a field globalmesh writes fails a tampered object.

const CRD_RULES = crdCelRules();
const ruleKey = (r: { kind: string; path: string; message: string }) => `${r.kind} ${r.path}: ${r.message}`;

test("CEL_RULES holds exactly the CEL rules of Istio's v1 CRDs for the kinds globalmesh writes", () => {
  const istio = [...CRD_RULES].flatMap(([kind, k]) => k.rules.map((r) => ruleKey({ kind, ...r })));
  expect(istio.length).toBeGreaterThanOrEqual(70);
  expect(CEL_RULES.map(ruleKey).sort()).toEqual(istio.sort());
});

/** `<kind> <path>` of every field (and every intermediate one) the builds write, in the fixture's path notation. */
function writtenPaths(): Set<string> {
  const out = new Set<string>();
  const walk = (kind: string, v: any, path: string) => {
    out.add(`${kind} ${path}`);
    if (Array.isArray(v)) v.forEach((x) => walk(kind, x, `${path}[]`));
    else if (v !== null && typeof v === "object") {
      const isMap = CRD_RULES.get(kind)?.maps.includes(path);
      for (const [k, x] of Object.entries(v)) walk(kind, x, isMap ? `${path}{}` : `${path}.${k}`);
    }
  };
  for (const o of ALL) walk(o.kind, o.spec, ".spec");
  return out;
}

/** A copy of an emitted object of `kind` that has a value at `path`, changed by `change`. */
function tampered(kind: string, path: string, change: (o: any) => void): any {
  const original = ALL.find((o) => o.kind === kind && valuesAt(o, path).length > 0);
  if (!original) throw new Error(`no emitted ${kind} has ${path}`);
  const copy = structuredClone(original);
  change(copy);
  return copy;
}

const PL = ".spec.trafficPolicy.portLevelSettings[]";
const firstPort = (o: any) => o.spec.trafficPolicy.portLevelSettings[0];
const withLb = (o: any) => o.spec.trafficPolicy.portLevelSettings.find((p: any) => p.outlierDetection);

/** Per CEL rule on a written field: the path to find an object by, and how to break the rule there. */
const CEL_TAMPERS: Record<string, [string, (o: any) => void]> = {
  "ServiceEntry .spec: only one of WorkloadSelector or Endpoints can be set": [
    ".spec.endpoints",
    (o) => (o.spec.workloadSelector = { labels: { app: "x" } }),
  ],
  "ServiceEntry .spec: CIDR addresses are allowed only for NONE/STATIC resolution types": [
    ".spec.addresses",
    (o) => (o.spec.addresses = ["240.1.0.0/16"]),
  ],
  "ServiceEntry .spec: NONE mode cannot set endpoints": [".spec.endpoints", (o) => (o.spec.resolution = "NONE")],
  "ServiceEntry .spec: DNS_ROUND_ROBIN mode cannot have multiple endpoints": [
    ".spec.endpoints",
    (o) => {
      o.spec.resolution = "DNS_ROUND_ROBIN";
      o.spec.endpoints = [o.spec.endpoints[0], o.spec.endpoints[0]];
    },
  ],
  "ServiceEntry .spec.endpoints[]: Address is required": [
    ".spec.endpoints[]",
    (o) => delete o.spec.endpoints[0].address,
  ],
  "ServiceEntry .spec.endpoints[]: UDS may not include ports": [
    ".spec.endpoints[]",
    (o) => (o.spec.endpoints[0].address = "unix:///var/run/x.sock"),
  ],
  "ServiceEntry .spec.endpoints[].address: UDS must be an absolute path or abstract socket": [
    ".spec.endpoints[].address",
    (o) => (o.spec.endpoints[0].address = "unix://relative.sock"),
  ],
  "ServiceEntry .spec.endpoints[].address: UDS may not be a dir": [
    ".spec.endpoints[].address",
    (o) => (o.spec.endpoints[0].address = "unix:///var/run/"),
  ],
  "ServiceEntry .spec.endpoints[].ports: port name must be valid": [
    ".spec.endpoints[].ports",
    (o) => (o.spec.endpoints[0].ports = { "-bad-": 443 }),
  ],
  "ServiceEntry .spec.endpoints[].ports{}: port must be between 1-65535": [
    ".spec.endpoints[].ports",
    (o) => {
      const ports = o.spec.endpoints[0].ports;
      ports[Object.keys(ports)[0]] = 0;
    },
  ],
  "ServiceEntry .spec.hosts[]: hostname cannot be wildcard": [".spec.hosts[]", (o) => (o.spec.hosts = ["*"])],
  "ServiceEntry .spec.ports: port number cannot be duplicated": [
    ".spec.ports",
    (o) => (o.spec.ports = [o.spec.ports[0], { ...o.spec.ports[0], name: "tcp-dup" }]),
  ],
  "ServiceEntry .spec.ports[].number: port must be between 1-65535": [
    ".spec.ports[]",
    (o) => (o.spec.ports[0].number = 70000),
  ],
  [`DestinationRule ${PL}.connectionPool.tcp.tcpKeepalive.interval: must be a valid duration greater than 1ms`]: [
    `${PL}.connectionPool.tcp.tcpKeepalive`,
    (o) => (firstPort(o).connectionPool.tcp.tcpKeepalive.interval = "500us"),
  ],
  [`DestinationRule ${PL}.connectionPool.tcp.tcpKeepalive.time: must be a valid duration greater than 1ms`]: [
    `${PL}.connectionPool.tcp.tcpKeepalive`,
    (o) => (firstPort(o).connectionPool.tcp.tcpKeepalive.time = "two minutes"),
  ],
  [`DestinationRule ${PL}.outlierDetection.interval: must be a valid duration greater than 1ms`]: [
    `${PL}.outlierDetection`,
    (o) => (withLb(o).outlierDetection.interval = "0s"),
  ],
  [`DestinationRule ${PL}.outlierDetection.baseEjectionTime: must be a valid duration greater than 1ms`]: [
    `${PL}.outlierDetection`,
    (o) => (withLb(o).outlierDetection.baseEjectionTime = "-30s"),
  ],
  "DestinationRule .spec.workloadSelector.matchLabels: wildcard not allowed in label key match": [
    ".spec.workloadSelector",
    (o) => (o.spec.workloadSelector.matchLabels = { "istio*": "ingressgateway" }),
  ],
  "DestinationRule .spec.workloadSelector.matchLabels: key must not be empty": [
    ".spec.workloadSelector",
    (o) => (o.spec.workloadSelector.matchLabels = { "": "ingressgateway" }),
  ],
  "DestinationRule .spec.workloadSelector.matchLabels{}: wildcard not allowed in label value match": [
    ".spec.workloadSelector",
    (o) => (o.spec.workloadSelector.matchLabels = { istio: "ingress*" }),
  ],
  "Gateway .spec.servers[].tls: only one of credentialNames or tlsCertificates can be set": [
    ".spec.servers[].tls",
    (o) => Object.assign(o.spec.servers[0].tls, { credentialNames: ["a"], tlsCertificates: [{}] }),
  ],
  "Gateway .spec.servers[].tls: only one of credentialName or credentialNames can be set": [
    ".spec.servers[].tls",
    (o) => Object.assign(o.spec.servers[0].tls, { credentialName: "a", credentialNames: ["b"] }),
  ],
  "Gateway .spec.servers[].tls: only one of credentialName or tlsCertificates can be set": [
    ".spec.servers[].tls",
    (o) => Object.assign(o.spec.servers[0].tls, { credentialNames: ["a"], tlsCertificates: [{}] }),
  ],
  "AuthorizationPolicy .spec: only one of targetRefs or selector can be set": [
    ".spec.selector",
    (o) => (o.spec.targetRefs = [{ kind: "Service", group: "", name: "catalog" }]),
  ],
  "AuthorizationPolicy .spec.rules[].from[].source: Cannot set serviceAccounts with namespaces or principals": [
    ".spec.rules[].from[].source",
    (o) => (o.spec.rules.find((r: any) => r.from).from[0].source.serviceAccounts = ["default/shopping"]),
  ],
  "AuthorizationPolicy .spec.selector.matchLabels: wildcard not allowed in label key match": [
    ".spec.selector",
    (o) => (o.spec.selector.matchLabels = { "is*io": "egressgateway" }),
  ],
  "AuthorizationPolicy .spec.selector.matchLabels: key must not be empty": [
    ".spec.selector",
    (o) => (o.spec.selector.matchLabels = { "": "egressgateway" }),
  ],
  "AuthorizationPolicy .spec.selector.matchLabels{}: wildcard not allowed in label value match": [
    ".spec.selector",
    (o) => (o.spec.selector.matchLabels = { istio: "*" }),
  ],
  "PeerAuthentication .spec: portLevelMtls requires selector": [
    ".spec.mtls",
    (o) => (o.spec.portLevelMtls = { "8080": { mode: "PERMISSIVE" } }),
  ],
};

/** The CEL rules whose path globalmesh writes (or whose object it writes: rules on `.spec`). */
function celRulesOnWrittenFields(): string[] {
  const paths = writtenPaths();
  return CEL_RULES.filter((r) => paths.has(`${r.kind} ${r.path}`)).map(ruleKey);
}

test("every CEL rule on a field globalmesh writes has a tampered object below", () => {
  expect(Object.keys(CEL_TAMPERS).sort()).toEqual(expect.arrayContaining(celRulesOnWrittenFields().sort()));
  expect(celRulesOnWrittenFields().length).toBeGreaterThanOrEqual(25);
});

test.each(Object.entries(CEL_TAMPERS))("CEL rule fails a tampered object: %s", (key, [path, change]) => {
  const [kind, rule] = [key.slice(0, key.indexOf(" ")), key.slice(key.indexOf(" ") + 1)];
  const problems = istioSchemaProblems(tampered(kind, path, change));
  expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(`: cel: ${rule}`)]));
});

// ---------------------------------------------------------------------------------------------------------------
// The webhook's rules (istiod pkg/config/validation, 1.29.6)

const byName = (kind: string, pred: (o: any) => boolean) => {
  const found = ALL.find((o) => o.kind === kind && pred(o));
  if (!found) throw new Error(`no emitted ${kind} matches`);
  return structuredClone(found) as any;
};
const ingressHopRule = () => byName("DestinationRule", (o) => o.spec.workloadSelector);
const egressSubsetRule = () => byName("DestinationRule", (o) => o.spec.subsets);
const remoteRule = () =>
  byName("DestinationRule", (o) => o.spec.trafficPolicy?.portLevelSettings[0].tls.sni && !o.spec.subsets);
const gateway = () => byName("Gateway", () => true);
const tunnelRoute = () => byName("VirtualService", (o) => o.spec.gateways);
const meshRoute = () => byName("VirtualService", (o) => !o.spec.gateways);
const remoteEntry = () => byName("ServiceEntry", (o) => o.spec.endpoints[0].labels["topology.istio.io/cluster"]);
const gatewayPolicy = () => byName("AuthorizationPolicy", (o) => o.spec.rules.some((r: any) => r.when));
const podPolicy = () => byName("AuthorizationPolicy", (o) => o.spec.rules.some((r: any) => r.to));
const peerAuth = () => byName("PeerAuthentication", () => true);

/** [what, a tampered object, the webhook's message]. */
const WEBHOOK_TAMPERS: [string, () => any, string][] = [
  // Names and references
  [
    "a Gateway name with a dot",
    () => ({ ...gateway(), metadata: { ...gateway().metadata, name: "gns.a.b" } }),
    "invalid gateway name",
  ],
  [
    "a route bound to a Gateway name with a dot",
    () => {
      const vs = tunnelRoute();
      vs.spec.gateways = ["istio-gateways/gns.a.b"];
      return vs;
    },
    'invalid value for gateway name: "gns.a.b"',
  ],
  [
    "a route's match bound to a namespace that is not a label",
    () => {
      const vs = tunnelRoute();
      vs.spec.tcp[0].match[0].gateways = ["Istio_Gateways/x"];
      return vs;
    },
    "invalid value for namespace",
  ],
  // exportTo
  ["exportTo a namespace that is not a label", () => exportTo(meshRoute(), ["de_fault"]), "valid DNS 1123 label"],
  ["exportTo a namespace twice", () => exportTo(meshRoute(), ["default", "default"]), "duplicate entries in exportTo"],
  ["exportTo * with a namespace", () => exportTo(remoteEntry(), ["*", "default"]), "both public (*) and non-public"],
  ["exportTo ~ on a VirtualService", () => exportTo(meshRoute(), ["~"]), "exportTo ~ (none) is not allowed"],
  [
    "exportTo ~ with a namespace on a ServiceEntry",
    () => exportTo(remoteEntry(), ["~", "default"]),
    "to no one (~) and someone",
  ],
  [
    "a workloadSelector DestinationRule exported beyond its namespace",
    () => exportTo(ingressHopRule(), ["default"]),
    "cannot have exportTo beyond current namespace",
  ],
  [
    "a workloadSelector DestinationRule exported to its namespace and another",
    () => exportTo(ingressHopRule(), [".", "default"]),
    "cannot have multiple entries in exportTo",
  ],
  [
    "a workloadSelector DestinationRule exported to . and its namespace",
    () => exportTo(ingressHopRule(), [".", "istio-gateways"]),
    "duplicate entries in exportTo",
  ],
  // DestinationRule traffic policies
  [
    "a traffic policy with no field",
    () => set(remoteRule(), (s) => (s.trafficPolicy = {})),
    "traffic policy must have at least one field",
  ],
  [
    "a port-level entry without its port",
    () => set(remoteRule(), (s) => delete s.trafficPolicy.portLevelSettings[0].port),
    "portTrafficPolicy must have valid port",
  ],
  [
    "a port-level entry with nothing but its port",
    () => set(remoteRule(), (s) => (s.trafficPolicy.portLevelSettings = [{ port: { number: 8082 } }])),
    "port traffic policy must have at least one field",
  ],
  [
    "an empty connection pool",
    () => set(remoteRule(), (s) => (s.trafficPolicy.portLevelSettings[0].connectionPool = {})),
    "connection pool must have at least one field",
  ],
  [
    "a keepalive below ms precision",
    () =>
      set(
        remoteRule(),
        (s) => (s.trafficPolicy.portLevelSettings[0].connectionPool.tcp.tcpKeepalive.time = "120.0005s"),
      ),
    "only durations to ms precision are supported",
  ],
  [
    "outlier detection ejecting more than 100%",
    () =>
      set(
        byName("DestinationRule", (o) => withLbOf(o)),
        (s) => (withLbOf({ spec: s }).outlierDetection.maxEjectionPercent = 101),
      ),
    "maxEjectionPercent must be in range [0, 100]",
  ],
  [
    "useClientProtocol with h2UpgradePolicy UPGRADE",
    () =>
      set(
        ingressHopRule(),
        (s) =>
          (s.trafficPolicy.portLevelSettings[0].connectionPool = {
            http: { useClientProtocol: true, h2UpgradePolicy: "UPGRADE" },
          }),
      ),
    "use client protocol must not be true when H2UpgradePolicy is UPGRADE",
  ],
  [
    "MUTUAL (not ISTIO_MUTUAL) without a client certificate",
    () => set(remoteRule(), (s) => (s.trafficPolicy.portLevelSettings[0].tls.mode = "MUTUAL")),
    "client certificate and private key required",
  ],
  [
    "a subset name that is not a label",
    () => set(egressSubsetRule(), (s) => (s.subsets[0].name = "a.b")),
    "subset name is invalid",
  ],
  [
    "two subsets of one name",
    () => set(egressSubsetRule(), (s) => (s.subsets = [s.subsets[0], s.subsets[0]])),
    "duplicate subset names",
  ],
  ["a rule for host *.*", () => set(remoteRule(), (s) => (s.host = "a.*.example")), "invalid host"],
  [
    "a workloadSelector with a wildcard",
    () => set(ingressHopRule(), (s) => (s.workloadSelector.matchLabels = { istio: "ingress*" })),
    "wildcard is not supported in selector",
  ],
  // VirtualService
  [
    "a route with no section",
    () => set(meshRoute(), (s) => (delete s.http, delete s.tcp, delete s.tls)),
    "http, tcp or tls must be provided",
  ],
  ["a mesh route for host *", () => set(meshRoute(), (s) => (s.hosts = ["*"])), "wildcard host * is not allowed"],
  [
    "a destination subset that is not a label",
    () => set(meshRoute(), (s) => ((s.http ?? s.tcp ?? s.tls)[0].route[0].destination.subset = "a_b")),
    "subset name is invalid",
  ],
  [
    "a destination port 0",
    () => set(tunnelRoute(), (s) => (s.tcp[0].route[0].destination.port.number = 0)),
    "must be in the range 1..65535",
  ],
  [
    "a TLS route whose SNI is outside the hosts",
    () =>
      set(
        meshRoute(),
        (s) => (s.tls = [{ match: [{ port: 443, sniHosts: ["other.example"] }], route: (s.http ?? s.tcp)[0].route }]),
      ),
    "is not a compatible subset",
  ],
  // Gateway
  [
    "two servers with one port name",
    () => set(gateway(), (s) => (s.servers = [s.servers[0], { ...s.servers[0], hosts: ["x.example"] }])),
    "port names in servers must be unique",
  ],
  [
    "a TLS server without TLS settings",
    () => set(gateway(), (s) => delete s.servers[0].tls),
    "server must have TLS settings",
  ],
  [
    "an ISTIO_MUTUAL server naming a certificate",
    () => set(gateway(), (s) => (s.servers[0].tls.credentialName = "cacerts")),
    "ISTIO_MUTUAL TLS cannot have associated credentialName",
  ],
  ["a server host that is not a name", () => set(gateway(), (s) => (s.servers[0].hosts = ["a..b"])), "invalid host"],
  ["a server without hosts", () => set(gateway(), (s) => (s.servers[0].hosts = [])), "at least one host"],
  [
    "a server protocol Istio does not know",
    () => set(gateway(), (s) => (s.servers[0].port.protocol = "QUIC")),
    "invalid protocol",
  ],
  ["a gateway without servers", () => set(gateway(), (s) => (s.servers = [])), "at least one server"],
  // AuthorizationPolicy
  [
    "a DENY without rules",
    () => set(gatewayPolicy(), (s) => ((s.action = "DENY"), delete s.rules)),
    "DENY action without `rules`",
  ],
  ["a rule with an empty from", () => set(gatewayPolicy(), (s) => (s.rules[0].from = [])), "`from` must not be empty"],
  [
    "a source with no field",
    () => set(gatewayPolicy(), (s) => (s.rules[0].from = [{ source: {} }])),
    "`from.source` must not be empty",
  ],
  [
    "an empty principal",
    () => set(gatewayPolicy(), (s) => (s.rules[0].from = [{ source: { principals: [""] } }])),
    "empty value not allowed",
  ],
  [
    "an operation with no field",
    () => set(podPolicy(), (s) => (s.rules.find((r: any) => r.to).to = [{ operation: {} }])),
    "`to.operation` must not be empty",
  ],
  [
    "a port that is not a number",
    () => set(podPolicy(), (s) => (s.rules.find((r: any) => r.to).to = [{ operation: { ports: ["http"] } }])),
    "bad port (http)",
  ],
  [
    "a path template with {**} not last",
    () => set(podPolicy(), (s) => (s.rules.find((r: any) => r.to).to = [{ operation: { paths: ["/{**}/x/{*}"] } }])),
    "{**} is not the last operator",
  ],
  [
    "a condition key Istio does not know",
    () => set(gatewayPolicy(), (s) => (s.rules[0].when[0].key = "connection.server_name")),
    "unknown attribute",
  ],
  [
    "a condition without values",
    () => set(gatewayPolicy(), (s) => (s.rules[0].when[0].values = [])),
    "at least one of `values` or `notValues`",
  ],
  [
    "a condition on destination.port that is no port",
    () => set(gatewayPolicy(), (s) => (s.rules[0].when = [{ key: "destination.port", values: ["443x"] }])),
    "bad port (443x)",
  ],
  // PeerAuthentication
  [
    "a namespace-wide PeerAuthentication with port-level mTLS",
    () => set(peerAuth(), (s) => (s.portLevelMtls = { "8080": { mode: "DISABLE" } })),
    "mesh/namespace peer authentication cannot have port level mTLS",
  ],
  // ServiceEntry
  [
    "an endpoint address that is no name",
    () => set(remoteEntry(), (s) => (s.endpoints[0].address = "lb_1.example")),
    "is not a valid FQDN or an IP address",
  ],
  [
    "a port name that is not a label",
    () => set(remoteEntry(), (s) => (s.ports[0].name = "http_catalog")),
    "invalid port name",
  ],
  [
    "a protocol Istio does not know",
    () => set(remoteEntry(), (s) => (s.ports[0].protocol = "QUIC")),
    "unsupported protocol",
  ],
  [
    "an endpoint label value that is not a label value",
    () => set(remoteEntry(), (s) => (s.endpoints[0].labels["topology.istio.io/cluster"] = "cluster 2")),
    "invalid tag value",
  ],
  ["an address that is no IP", () => set(remoteEntry(), (s) => (s.addresses = ["244.1.2"])), "invalid address"],
];

function exportTo(o: any, to: string[]): any {
  o.spec.exportTo = to;
  return o;
}
function set(o: any, change: (spec: any) => void): any {
  change(o.spec);
  return o;
}
function withLbOf(o: any): any {
  return o.spec.trafficPolicy?.portLevelSettings?.find((p: any) => p.outlierDetection);
}

test.each(WEBHOOK_TAMPERS)("webhook rejects %s", (_what, make, message) => {
  const problems = istioSchemaProblems(make());
  expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/: webhook: /)]));
  expect(problems.filter((p) => p.includes(": webhook: ")).join("\n")).toContain(message);
});

test("a workloadSelector DestinationRule may be exported to . or to its own namespace", () => {
  expect(istioSchemaProblems(exportTo(ingressHopRule(), ["."]))).toEqual([]);
  expect(istioSchemaProblems(exportTo(ingressHopRule(), ["istio-gateways"]))).toEqual([]);
});

// ---------------------------------------------------------------------------------------------------------------
// The structural schemas of the new kinds and fields

const SCHEMA_TAMPERS: [string, () => any][] = [
  ["an AuthorizationPolicy action Istio does not have", () => set(gatewayPolicy(), (s) => (s.action = "PERMIT"))],
  ["a condition without a key", () => set(gatewayPolicy(), (s) => delete s.rules[0].when[0].key)],
  ["principals as a string", () => set(gatewayPolicy(), (s) => (s.rules[0].from[0].source = { principals: "x" }))],
  ["more than 512 rules", () => set(gatewayPolicy(), (s) => (s.rules = Array(513).fill(s.rules[0])))],
  [
    "a selector value longer than 63",
    () => set(gatewayPolicy(), (s) => (s.selector.matchLabels.istio = "x".repeat(64))),
  ],
  ["a PeerAuthentication mode Istio does not have", () => set(peerAuth(), (s) => (s.mtls.mode = "MUTUAL"))],
  [
    "server subjectAltNames as a string",
    () => set(gateway(), (s) => (s.servers[0].tls.subjectAltNames = "spiffe://x")),
  ],
  [
    "client subjectAltNames as numbers",
    () => set(remoteRule(), (s) => (s.trafficPolicy.portLevelSettings[0].tls.subjectAltNames = [1])),
  ],
  [
    "a keepalive with negative probes",
    () => set(remoteRule(), (s) => (s.trafficPolicy.portLevelSettings[0].connectionPool.tcp.tcpKeepalive.probes = -1)),
  ],
  [
    "a load balancer Istio does not have",
    () =>
      set(
        byName("DestinationRule", (o) => withLbOf(o)),
        (s) => (withLbOf({ spec: s }).loadBalancer.simple = "NEAREST"),
      ),
  ],
  [
    "useClientProtocol as a string",
    () =>
      set(
        ingressHopRule(),
        (s) => (s.trafficPolicy.portLevelSettings[0].connectionPool.http.useClientProtocol = "yes"),
      ),
  ],
  [
    "a workloadSelector value longer than 63",
    () => set(ingressHopRule(), (s) => (s.workloadSelector.matchLabels.istio = "x".repeat(64))),
  ],
];

test.each(SCHEMA_TAMPERS)("the structural schema rejects %s", (_what, make) => {
  expect(istioSchemaProblems(make())).toEqual(expect.arrayContaining([expect.stringMatching(/: schema: /)]));
});

test("durations parse as Go's time.ParseDuration does", () => {
  expect(parseGoDuration("120s")).toBe(120e9);
  expect(parseGoDuration("1m30s")).toBe(90e9);
  expect(parseGoDuration("1.5ms")).toBe(1.5e6);
  expect(parseGoDuration("0")).toBe(0);
  expect(parseGoDuration("-2s")).toBe(-2e9);
  for (const bad of ["", "10", "10 s", "s", "1d", 10]) expect(parseGoDuration(bad)).toBeUndefined();
});

// ---------------------------------------------------------------------------------------------------------------
// The CRD layer (test/helpers/istioCrd.ts): Istio 1.30.3's own structural schemas, as the API server applies them

test("the CRDs checked are those of the Istio version MeshCluster installs by default", () => {
  expect(ISTIO_CRD_VERSION).toBe(DEFAULT_ISTIO_VERSION);
});

const schemaProblems = (o: any) => istioSchemaProblems(o).filter((p) => p.includes(": schema: "));

const CRD_TAMPERS: [string, () => any, string][] = [
  [
    "an unknown field in a ServiceEntry port",
    () => set(remoteEntry(), (s) => (s.ports[0].protocl = "TCP")),
    '.spec.ports[0]: unknown field "protocl"',
  ],
  ["an unknown field in spec", () => set(peerAuth(), (s) => (s.mtsl = { mode: "STRICT" })), 'unknown field "mtsl"'],
  ["an unknown top-level field", () => ({ ...peerAuth(), sepc: {} }), '.: unknown field "sepc"'],
  [
    "a port number as a string",
    () => set(remoteEntry(), (s) => (s.ports[0].number = "8082")),
    ".spec.ports[0].number: must be integer",
  ],
  [
    "a port number beyond uint32",
    () => set(remoteEntry(), (s) => (s.ports[0].number = 4294967296)),
    ".spec.ports[0].number: must be <= 4294967295",
  ],
  [
    "a resolution Istio does not have",
    () => set(remoteEntry(), (s) => (s.resolution = "DYNAMIC")),
    ".spec.resolution: must be equal to one of the allowed values",
  ],
  [
    "a location Istio does not have",
    () => set(remoteEntry(), (s) => (s.location = "MESH_EXTERNAL_ISH")),
    ".spec.location: must be equal to one of the allowed values",
  ],
  [
    "two ServiceEntry ports of one name (a list-type map keyed by name)",
    () => set(remoteEntry(), (s) => (s.ports = [s.ports[0], { ...s.ports[0], number: 9999 }])),
    ".spec.ports: duplicate entries for the list's map keys",
  ],
  [
    "hosts missing from a ServiceEntry",
    () => set(remoteEntry(), (s) => delete s.hosts),
    ".spec: must have required property 'hosts'",
  ],
  ["a spec that is a string", () => ({ ...peerAuth(), spec: "STRICT" }), ".spec: must be object"],
  [
    "a label value that is not a string",
    () => ({ ...peerAuth(), metadata: { ...peerAuth().metadata, labels: { a: 1 } } }),
    ".metadata.labels.a: must be string",
  ],
  [
    "two load-balancer choices at once (a oneOf group)",
    () =>
      set(
        byName("DestinationRule", (o) => withLbOf(o)),
        (s) => (withLbOf({ spec: s }).loadBalancer.consistentHash = { useSourceIp: true }),
      ),
    "must match exactly one schema in oneOf",
  ],
];

test.each(CRD_TAMPERS)("the 1.30.3 CRD schema rejects %s", (_what, make, message) => {
  expect(schemaProblems(make()).join("\n")).toContain(message);
});

test("the CRD schema keeps what it says to keep: a status with any fields", () => {
  const withStatus = { ...peerAuth(), status: { conditions: [], anything: { goes: true } } };
  expect(istioSchemaProblems(withStatus)).toEqual([]);
});

test("a kind outside the seven (or a version other than v1) is refused", () => {
  expect(istioSchemaProblems({ ...peerAuth(), apiVersion: "security.istio.io/v1beta1" })).toEqual([
    expect.stringContaining("is not an Istio 1.30.3 v1 kind"),
  ]);
  expect(istioSchemaProblems({ ...peerAuth(), kind: "EnvoyFilter", apiVersion: "networking.istio.io/v1" })).toEqual([
    expect.stringContaining("is not an Istio 1.30.3 v1 kind"),
  ]);
  // Sidecar is one of the seven (test/mesh/sidecar-schema.test.ts checks the ones scoping emits).
  const sidecar = {
    apiVersion: "networking.istio.io/v1",
    kind: "Sidecar",
    metadata: { name: "default", namespace: "shop" },
    spec: { egress: [{ hosts: ["./*", "istio-system/*"] }] },
  };
  expect(istioSchemaProblems(sidecar)).toEqual([]);
});
