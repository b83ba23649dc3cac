import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication";
import type { IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule";
import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import type { IServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry";
import type { ISidecar } from "@kubernetes-models/istio/networking.istio.io/v1/Sidecar";
import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import {
  AuthorizationPolicyObject,
  DestinationRuleObject,
  GatewayObject,
  PeerAuthenticationObject,
  ServiceEntryObject,
  SidecarObject,
  VirtualServiceObject,
} from "../../sdk/src/mesh";
import { crdSchemaProblems, ISTIO_CRD_VERSION } from "./istioCrd";

/**
 * Would a cluster accept this object? Three layers, as `kubectl apply` meets them:
 *
 * 1. the structural schema of the v1 version of Istio 1.30.3's own CRD (types, enums, required fields, sizes, no
 *    unknown field), built from the copied CRD YAML and run with ajv: test/helpers/istioCrd.ts;
 * 2. the CRD's CEL rules (`x-kubernetes-validations`), which ajv does not run: {@link CEL_RULES}, every rule of the
 *    v1 CRDs for the seven kinds globalmesh writes (test/mesh/schema.test.ts checks the table against the CRD YAML);
 * 3. istiod's validating webhook (pkg/config/validation/validation.go, tag 1.29.6; unchanged in 1.30.3 for these
 *    checks), for the fields globalmesh writes: {@link webhookProblems}. Warnings are not problems.
 *
 * Returns the problems, each prefixed `schema:`, `cel: <path>:` or `webhook:`; an empty list means the API server
 * would accept the object.
 */
export function istioSchemaProblems(obj: any): string[] {
  const id = `${obj?.kind}/${obj?.metadata?.name}`;
  const schema = crdSchemaProblems(obj);
  if (!schema)
    return [`${id}: ${obj?.apiVersion} ${obj?.kind} is not an Istio ${ISTIO_CRD_VERSION} v1 kind globalmesh may emit`];
  const problems = [...schema];
  if (!isDnsSubdomain(obj.metadata?.name ?? "")) problems.push("schema: metadata.name is not a DNS-1123 subdomain");
  problems.push(...celProblems(obj), ...webhookProblems(obj));
  return problems.map((p) => `${id}: ${p}`);
}

/**
 * The compile-time half: the object types globalmesh builds (sdk/src/mesh/istio/types.ts) fit Istio's (the models'
 * 1.29 API, the newest any package ships) and hold no field Istio lacks, so a misspelt field fails at type-check,
 * naming its path, before the runtime check above rejects it as an unknown field.
 */
export type GlobalmeshTypesFitIstio = NoUnknownFields<
  | FieldsNotIn<ServiceEntryObject, IServiceEntry>
  | FieldsNotIn<VirtualServiceObject, IVirtualService>
  | FieldsNotIn<DestinationRuleObject, IDestinationRule>
  | FieldsNotIn<GatewayObject, IGateway>
  | FieldsNotIn<AuthorizationPolicyObject, IAuthorizationPolicy>
  | FieldsNotIn<PeerAuthenticationObject, IPeerAuthentication>
  | FieldsNotIn<SidecarObject, ISidecar>
>;
type NoUnknownFields<Paths extends never> = Paths;
/** The paths of `Ours` that `Istio` has no field for; `Ours` must also be assignable to `Istio`. */
type FieldsNotIn<Ours extends Istio, Istio> = UnknownFields<Ours, Istio, "">;
type UnknownFields<T, U, Path extends string> = T extends readonly (infer E)[]
  ? UnknownFields<E, U extends readonly (infer F)[] ? F : never, `${Path}[]`>
  : T extends object
    ? {
        [K in keyof T & string]: K extends keyof U
          ? UnknownFields<T[K], NonNullable<U[K]>, `${Path}.${K}`>
          : `${Path}.${K}`;
      }[keyof T & string]
    : never;

// ---------------------------------------------------------------------------------------------------------------
// CEL rules of the CRDs

/**
 * One `x-kubernetes-validations` rule: `holds` is the rule's expression over `self`, the value at `path` (`[]` steps
 * into every item of a list, `{}` into every value of a map), and `message` the CRD's own.
 */
export interface CelRule {
  kind: string;
  path: string;
  message: string;
  holds: (self: any) => boolean;
}

const PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const has = (o: any, field: string) => o != null && o[field] !== undefined;
const isPort = (n: unknown) => typeof n === "number" && n > 0 && n <= 65535;
const noWildcardKeys = (m: Record<string, string>) => Object.keys(m).every((k) => !k.includes("*"));
const noEmptyKeys = (m: Record<string, string>) => Object.keys(m).every((k) => k.length !== 0);
const atLeast1ms = (d: unknown) => (parseGoDuration(d) ?? -1) >= 1e6;
const DURATION_MESSAGE = "must be a valid duration greater than 1ms";

/** Selector rules shared by AuthorizationPolicy, PeerAuthentication (`selector`) and DestinationRule (`workloadSelector`). */
function selectorRules(kind: string, path: string): CelRule[] {
  return [
    { kind, path, message: "wildcard not allowed in label key match", holds: noWildcardKeys },
    { kind, path, message: "key must not be empty", holds: noEmptyKeys },
    { kind, path: `${path}{}`, message: "wildcard not allowed in label value match", holds: (v) => !v.includes("*") },
  ];
}

/** The duration fields of a DestinationRule traffic policy, at the top level, per port, per subset and both. */
function destinationRuleDurations(): CelRule[] {
  const fields = [
    "connectionPool.http.idleTimeout",
    "connectionPool.tcp.connectTimeout",
    "connectionPool.tcp.maxConnectionDuration",
    "connectionPool.tcp.tcpKeepalive.interval",
    "connectionPool.tcp.tcpKeepalive.time",
    "loadBalancer.warmup.duration",
    "loadBalancer.warmupDurationSecs",
    "outlierDetection.baseEjectionTime",
    "outlierDetection.interval",
  ];
  const policies = [
    ".spec.trafficPolicy",
    ".spec.trafficPolicy.portLevelSettings[]",
    ".spec.subsets[].trafficPolicy",
    ".spec.subsets[].trafficPolicy.portLevelSettings[]",
  ];
  return policies.flatMap((policy) =>
    fields.map((f) => ({
      kind: "DestinationRule",
      path: `${policy}.${f}`,
      message: DURATION_MESSAGE,
      holds: atLeast1ms,
    })),
  );
}

const unix = (a: unknown) => typeof a === "string" && a.startsWith("unix://");

/** Every CEL rule of the seven kinds' v1 CRDs (Istio 1.30.3), whether or not globalmesh writes its field. */
export const CEL_RULES: CelRule[] = [
  // ServiceEntry
  ...[
    {
      path: ".spec",
      message: "only one of WorkloadSelector or Endpoints can be set",
      holds: (s: any) => !(has(s, "workloadSelector") && has(s, "endpoints")),
    },
    {
      path: ".spec",
      message: "CIDR addresses are allowed only for NONE/STATIC resolution types",
      holds: (s: any) =>
        !(
          (s.addresses ?? []).some((a: string) => a.includes("/")) &&
          !["STATIC", "NONE"].includes(s.resolution ?? "NONE")
        ),
    },
    {
      path: ".spec",
      message: "NONE mode cannot set endpoints",
      holds: (s: any) => ((s.resolution ?? "NONE") === "NONE" ? !has(s, "endpoints") : true),
    },
    {
      path: ".spec",
      message: "DNS_ROUND_ROBIN mode cannot have multiple endpoints",
      holds: (s: any) => (s.resolution === "DNS_ROUND_ROBIN" ? (s.endpoints ?? []).length <= 1 : true),
    },
    {
      path: ".spec.endpoints[]",
      message: "Address is required",
      holds: (e: any) => has(e, "address") || has(e, "network"),
    },
    {
      path: ".spec.endpoints[]",
      message: "UDS may not include ports",
      holds: (e: any) => !unix(e.address) || !has(e, "ports"),
    },
    {
      path: ".spec.endpoints[].address",
      message: "UDS must be an absolute path or abstract socket",
      holds: (a: any) => !unix(a) || ["/", "@"].includes(a.substring(7, 8)),
    },
    {
      path: ".spec.endpoints[].address",
      message: "UDS may not be a dir",
      holds: (a: any) => !unix(a) || !a.endsWith("/"),
    },
    {
      path: ".spec.endpoints[].ports",
      message: "port name must be valid",
      holds: (m: any) => Object.keys(m).every((k) => k.length < 63 && PORT_NAME.test(k)),
    },
    { path: ".spec.endpoints[].ports{}", message: "port must be between 1-65535", holds: isPort },
    { path: ".spec.hosts[]", message: "hostname cannot be wildcard", holds: (h: any) => h !== "*" },
    {
      path: ".spec.ports",
      message: "port number cannot be duplicated",
      holds: (ps: any[]) => ps.every((a) => ps.filter((b) => a.number === b.number).length === 1),
    },
    { path: ".spec.ports[].number", message: "port must be between 1-65535", holds: isPort },
    { path: ".spec.ports[].targetPort", message: "port must be between 1-65535", holds: isPort },
    {
      path: ".spec.workloadSelector.labels{}",
      message: "wildcard is not supported in selector",
      holds: (v: any) => !v.includes("*"),
    },
  ].map((r) => ({ kind: "ServiceEntry", ...r })),
  // VirtualService: only HTTP route durations, none of which globalmesh writes.
  ...[
    ".spec.http[].corsPolicy.maxAge",
    ".spec.http[].fault.delay.exponentialDelay",
    ".spec.http[].fault.delay.fixedDelay",
    ".spec.http[].retries.backoff",
    ".spec.http[].retries.perTryTimeout",
    ".spec.http[].timeout",
  ].map((path) => ({ kind: "VirtualService", path, message: DURATION_MESSAGE, holds: atLeast1ms })),
  // DestinationRule
  ...destinationRuleDurations(),
  ...selectorRules("DestinationRule", ".spec.workloadSelector.matchLabels"),
  // Gateway: certificate sources, which ISTIO_MUTUAL servers never name.
  ...[
    ["tlsCertificates", "credentialNames", "only one of credentialNames or tlsCertificates can be set"],
    ["credentialName", "credentialNames", "only one of credentialName or credentialNames can be set"],
    ["credentialNames", "tlsCertificates", "only one of credentialName or tlsCertificates can be set"],
  ].map(([a, b, message]) => ({
    kind: "Gateway",
    path: ".spec.servers[].tls",
    message,
    holds: (t: any) => !(has(t, a) && has(t, b)),
  })),
  // AuthorizationPolicy
  {
    kind: "AuthorizationPolicy",
    path: ".spec",
    message: "only one of targetRefs or selector can be set",
    holds: (s) => ["selector", "targetRef", "targetRefs"].filter((f) => has(s, f)).length <= 1,
  },
  {
    kind: "AuthorizationPolicy",
    path: ".spec.rules[].from[].source",
    message: "Cannot set serviceAccounts with namespaces or principals",
    holds: (s) =>
      has(s, "serviceAccounts") || has(s, "notServiceAccounts")
        ? !["principals", "notPrincipals", "namespaces", "notNamespaces"].some((f) => has(s, f))
        : true,
  },
  ...selectorRules("AuthorizationPolicy", ".spec.selector.matchLabels"),
  ...[".spec.targetRef.namespace", ".spec.targetRefs[].namespace"].map((path) => ({
    kind: "AuthorizationPolicy",
    path,
    message: "cross namespace referencing is not currently supported",
    holds: (ns: any) => ns.length === 0,
  })),
  // PeerAuthentication
  {
    kind: "PeerAuthentication",
    path: ".spec",
    message: "portLevelMtls requires selector",
    holds: (s) => !has(s, "portLevelMtls") || Object.keys(s.selector?.matchLabels ?? {}).length > 0,
  },
  {
    kind: "PeerAuthentication",
    path: ".spec.portLevelMtls",
    message: "port must be between 1-65535",
    holds: (m) => Object.keys(m).every((k) => /^\d+$/.test(k) && isPort(Number(k))),
  },
  ...selectorRules("PeerAuthentication", ".spec.selector.matchLabels"),
  // Sidecar: inbound connection pools and ingress TLS, which globalmesh never writes (it writes egress hosts only).
  ...[".spec.inboundConnectionPool", ".spec.ingress[].connectionPool"].flatMap((pool) =>
    [
      "http.idleTimeout",
      "tcp.connectTimeout",
      "tcp.maxConnectionDuration",
      "tcp.tcpKeepalive.interval",
      "tcp.tcpKeepalive.time",
    ].map((f) => ({ kind: "Sidecar", path: `${pool}.${f}`, message: DURATION_MESSAGE, holds: atLeast1ms })),
  ),
  ...[
    ["tlsCertificates", "credentialNames", "only one of credentialNames or tlsCertificates can be set"],
    ["credentialName", "credentialNames", "only one of credentialName or credentialNames can be set"],
    ["credentialNames", "tlsCertificates", "only one of credentialName or tlsCertificates can be set"],
  ].map(([a, b, message]) => ({
    kind: "Sidecar",
    path: ".spec.ingress[].tls",
    message,
    holds: (t: any) => !(has(t, a) && has(t, b)),
  })),
  {
    kind: "Sidecar",
    path: ".spec.workloadSelector.labels{}",
    message: "wildcard is not supported in selector",
    holds: (v: any) => !v.includes("*"),
  },
];

/** The values at `path` in `obj` (`.spec.a[].b{}`: `[]` every list item, `{}` every map value). */
export function valuesAt(obj: any, path: string): any[] {
  let nodes = [obj];
  for (const step of path.match(/\[\]|\{\}|[^.[\]{}]+/g) ?? []) {
    nodes = nodes.flatMap((n): any[] => {
      if (n === null || typeof n !== "object") return [];
      if (step === "[]") return Array.isArray(n) ? n : [];
      if (step === "{}") return Array.isArray(n) ? [] : Object.values(n);
      return n[step] === undefined ? [] : [n[step]];
    });
  }
  return nodes;
}

function celProblems(o: any): string[] {
  return CEL_RULES.filter((r) => r.kind === o.kind).flatMap((r) =>
    valuesAt(o, r.path)
      .filter((v) => !r.holds(v))
      .map(() => `cel: ${r.path}: ${r.message}`),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// istiod's validating webhook (pkg/config/validation/validation.go, 1.29.6), for what globalmesh writes

/** Protocols `protocol.Parse` knows (case-insensitive); the rest are `UnsupportedProtocol`. */
const PROTOCOLS = [
  "tcp",
  "udp",
  "grpc",
  "grpc-web",
  "http",
  "http_proxy",
  "http2",
  "https",
  "tls",
  "mongo",
  "redis",
  "mysql",
];
const isTlsProtocol = (p: string) => ["https", "tls"].includes(p.toLowerCase());
const isHttpProtocol = (p: string) => ["http", "http2", "http_proxy", "grpc", "grpc-web"].includes(p.toLowerCase());

/** Webhook problems of one object, each prefixed `webhook:`. */
export function webhookProblems(o: any): string[] {
  const spec = o.spec ?? {};
  const ns: string = o.metadata?.namespace ?? "";
  const p: string[] = [];
  switch (o.kind) {
    case "ServiceEntry":
      p.push(...serviceEntryProblems(spec), ...exportToProblems(ns, spec.exportTo, { serviceEntry: true }));
      break;
    case "VirtualService":
      p.push(...virtualServiceProblems(spec), ...exportToProblems(ns, spec.exportTo));
      break;
    case "DestinationRule":
      p.push(
        ...destinationRuleProblems(spec),
        ...exportToProblems(ns, spec.exportTo, { workloadSelector: spec.workloadSelector !== undefined }),
      );
      break;
    case "Gateway":
      p.push(...gatewayProblems(o.metadata?.name ?? "", spec));
      break;
    case "AuthorizationPolicy":
      p.push(...authorizationPolicyProblems(spec));
      break;
    case "PeerAuthentication":
      p.push(...peerAuthenticationProblems(spec));
      break;
    case "Sidecar":
      p.push(...sidecarProblems(spec));
      break;
  }
  return p.map((x) => `webhook: ${x}`);
}

/** ValidateServiceEntry (+ validateWorkloadEntry's address and label checks for DNS resolution). */
function serviceEntryProblems(spec: any): string[] {
  const p: string[] = [];
  if ((spec.hosts ?? []).length === 0) p.push("service entry must have at least one host");
  for (const h of spec.hosts ?? []) if (h !== "*" && !isWildcardDomain(h)) p.push(`invalid host ${h}`);
  for (const a of spec.addresses ?? []) if (!isIpOrCidr(a)) p.push(`invalid address ${a}`);
  const names = (spec.ports ?? []).map((x: any) => x.name);
  if (new Set(names).size !== names.length) p.push("service entry port names must be unique");
  for (const port of spec.ports ?? []) {
    if (!isDnsLabel(port.name ?? "")) p.push(`invalid port name: ${port.name}`);
    if (port.protocol !== undefined && !PROTOCOLS.includes(String(port.protocol).toLowerCase()))
      p.push(`unsupported protocol: ${port.protocol}`);
  }
  if (["DNS", "DNS_ROUND_ROBIN"].includes(spec.resolution)) {
    for (const e of spec.endpoints ?? []) {
      if (typeof e.address === "string" && !isIp(e.address) && !isFqdn(e.address))
        p.push(`endpoint address "${e.address}" is not a valid FQDN or an IP address`);
      p.push(...labelProblems(e.labels));
      for (const n of Object.keys(e.ports ?? {}))
        if (!names.includes(n)) p.push(`endpoint port ${n} is not defined by the service entry`);
    }
  }
  return p;
}

/** ValidateVirtualService: gateway names, hosts, routes and their destinations. */
function virtualServiceProblems(spec: any): string[] {
  const p: string[] = [];
  const gateways: string[] = spec.gateways ?? [];
  p.push(...gatewayNameProblems(gateways));
  const boundToGateway = gateways.length > 0 && !gateways.includes("mesh");
  for (const h of spec.hosts ?? []) {
    if (!isWildcardDomain(h) && !isIp(h)) p.push(`invalid host ${h}`);
    else if (!boundToGateway && h === "*")
      p.push("wildcard host * is not allowed for virtual services bound to the mesh gateway");
  }
  const hosts: string[] = spec.hosts ?? [];
  if (new Set(hosts).size !== hosts.length) p.push("duplicate hosts in virtual service");
  if (!spec.http?.length && !spec.tcp?.length && !spec.tls?.length)
    p.push("http, tcp or tls must be provided in virtual service");
  for (const r of spec.tls ?? []) {
    if (!r.match?.length) p.push("TLS route must have at least one match condition");
    for (const m of r.match ?? []) {
      if (!m.sniHosts?.length) p.push("TLS match must have at least one SNI host");
      for (const sni of m.sniHosts ?? [])
        if (!hosts.some((h) => hostSubsetOf(sni, h)))
          p.push(`SNI host "${sni}" is not a compatible subset of any of the virtual service hosts`);
      p.push(...matchProblems(m));
    }
  }
  for (const r of spec.tcp ?? []) for (const m of r.match ?? []) p.push(...matchProblems(m));
  for (const r of spec.http ?? [])
    for (const m of r.match ?? []) if (m.port !== undefined) p.push(...portProblems(m.port));
  for (const r of [...(spec.http ?? []), ...(spec.tls ?? []), ...(spec.tcp ?? [])]) {
    if (!r.route?.length) p.push("route is required");
    for (const d of r.route ?? []) p.push(...destinationProblems(d.destination));
  }
  return p;
}

function matchProblems(m: any): string[] {
  return [...(m.port !== undefined ? portProblems(m.port) : []), ...gatewayNameProblems(m.gateways ?? [])];
}

/** validateGatewayNames: `<namespace>/<name>`, both DNS-1123 labels (a Gateway name may not have dots). */
function gatewayNameProblems(names: string[]): string[] {
  const p: string[] = [];
  for (const g of names) {
    if (g === "mesh") continue;
    const [gwNs, name] = g.split("/", 2);
    if (name === undefined) {
      if (!isFqdn(g)) p.push(`invalid gateway name ${g}`);
      continue;
    }
    if (!isDnsLabel(gwNs)) p.push(`invalid value for namespace: "${gwNs}"`);
    if (!isDnsLabel(name)) p.push(`invalid value for gateway name: "${name}"`);
  }
  return p;
}

function destinationProblems(d: any): string[] {
  if (!d) return ["destination is required"];
  const p: string[] = [];
  if (d.host === "*" || !isWildcardDomain(d.host ?? "")) p.push(`invalid destination host ${d.host}`);
  if (d.subset !== undefined && !isDnsLabel(d.subset)) p.push(`subset name is invalid: ${d.subset}`);
  if (d.port !== undefined) p.push(...portProblems(d.port.number));
  return p;
}

/** ValidateDestinationRule: host, traffic policies (top, per port, per subset), subsets, workloadSelector. */
function destinationRuleProblems(spec: any): string[] {
  const p: string[] = [];
  if (!isWildcardDomain(spec.host ?? "")) p.push(`invalid host ${spec.host}`);
  p.push(...trafficPolicyProblems(spec.trafficPolicy));
  const subsetNames = new Set<string>();
  for (const s of spec.subsets ?? []) {
    if (subsetNames.has(s.name)) p.push(`duplicate subset names: ${s.name}`);
    subsetNames.add(s.name);
    if (!isDnsLabel(s.name ?? "")) p.push(`subset name is invalid: ${s.name}`);
    p.push(...labelProblems(s.labels), ...trafficPolicyProblems(s.trafficPolicy));
  }
  for (const [k, v] of Object.entries<string>(spec.workloadSelector?.matchLabels ?? {})) {
    if (k === "") p.push("empty key is not supported in selector");
    if (k.includes("*") || v.includes("*")) p.push(`wildcard is not supported in selector: "${k}=${v}"`);
  }
  return p;
}

const POLICY_FIELDS = ["outlierDetection", "connectionPool", "loadBalancer", "tls"];

function trafficPolicyProblems(tp: any): string[] {
  if (tp === undefined) return [];
  const top = [...POLICY_FIELDS, "portLevelSettings", "tunnel", "proxyProtocol", "retryBudget"];
  if (!top.some((f) => tp[f] !== undefined)) return ["traffic policy must have at least one field"];
  const p = policyFieldProblems(tp);
  for (const pl of tp.portLevelSettings ?? []) {
    if (pl.port === undefined) p.push("portTrafficPolicy must have valid port");
    if (!POLICY_FIELDS.some((f) => pl[f] !== undefined)) p.push("port traffic policy must have at least one field");
    else p.push(...policyFieldProblems(pl));
  }
  return p;
}

/** validateOutlierDetection, validateConnectionPool, validateLoadBalancer and ValidateTLS, for one level. */
function policyFieldProblems(tp: any): string[] {
  const p: string[] = [];
  const od = tp.outlierDetection;
  if (od) {
    for (const f of ["interval", "baseEjectionTime"]) if (od[f] !== undefined) p.push(...durationProblems(od[f]));
    for (const f of ["maxEjectionPercent", "minHealthPercent"])
      if (od[f] !== undefined && !(od[f] >= 0 && od[f] <= 100)) p.push(`${f} must be in range [0, 100]`);
    if (!od.splitExternalLocalOriginErrors && od.consecutiveLocalOriginFailures > 0)
      p.push(
        "outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false",
      );
  }
  const cp = tp.connectionPool;
  if (cp) {
    if (cp.http === undefined && cp.tcp === undefined) p.push("connection pool must have at least one field");
    if (cp.http?.h2UpgradePolicy === "UPGRADE" && cp.http?.useClientProtocol)
      p.push("use client protocol must not be true when H2UpgradePolicy is UPGRADE");
    for (const d of [cp.http?.idleTimeout, cp.tcp?.connectTimeout, cp.tcp?.maxConnectionDuration])
      if (d !== undefined) p.push(...durationProblems(d));
    for (const d of [cp.tcp?.tcpKeepalive?.time, cp.tcp?.tcpKeepalive?.interval])
      if (d !== undefined) p.push(...durationProblems(d));
  }
  const locality = tp.loadBalancer?.localityLbSetting;
  if (locality?.distribute?.length && locality?.failover?.length)
    p.push("can not simultaneously specify 'distribute' and 'failover'");
  const tls = tp.tls;
  if (tls?.mode === "MUTUAL" && !tls.credentialName && (!tls.clientCertificate || !tls.privateKey))
    p.push("client certificate and private key required for mutual tls");
  if (tls?.insecureSkipVerify && ["SIMPLE", "MUTUAL"].includes(tls.mode) && tls.subjectAltNames !== undefined)
    p.push("cannot specify SubjectAltNames when InsecureSkipVerify is set true");
  return p;
}

/** agent.ValidateDuration: at least 1ms, to ms precision. */
function durationProblems(d: unknown): string[] {
  const ns = parseGoDuration(d);
  if (ns === undefined) return [`bad Duration: ${String(d)}`];
  if (ns < 1e6) return ["duration must be greater than 1ms"];
  if (ns % 1e6 !== 0) return ["only durations to ms precision are supported"];
  return [];
}

/**
 * validateExportTo: `.`, `*`, a namespace (DNS-1123 label) or, for a ServiceEntry, `~`; no duplicate (`.` counts as
 * the object's own namespace); `*` and `~` alone; a DestinationRule with a workloadSelector only to its own namespace.
 */
function exportToProblems(
  namespace: string,
  exportTo: string[] | undefined,
  { serviceEntry = false, workloadSelector = false } = {},
): string[] {
  if (!exportTo?.length) return [];
  const p: string[] = [];
  const seen = new Set<string>();
  for (const e of exportTo) {
    const key = e === "." ? namespace : e;
    if (seen.has(key)) {
      p.push(`duplicate entries in exportTo for entry ${e}`);
      continue;
    }
    if (e === "~" && !serviceEntry) p.push("exportTo ~ (none) is not allowed for Istio configuration objects");
    else if (![".", "*", "~"].includes(e) && !isDnsLabel(e))
      p.push("only .,*, or a valid DNS 1123 label is allowed as exportTo entry");
    else seen.add(key);
  }
  if (workloadSelector && seen.size > 0) {
    if (!seen.has(namespace))
      p.push("destination rule with workload selector cannot have exportTo beyond current namespace");
    else if (seen.size > 1) p.push("destination rule with workload selector cannot have multiple entries in exportTo");
  }
  if (seen.has("*") && exportTo.length > 1)
    p.push("cannot have both public (*) and non-public exportTo values for a resource");
  if (seen.has("~") && exportTo.length > 1) p.push("cannot export service entry to no one (~) and someone");
  return p;
}

/** ValidateGateway: its name, servers, ports and TLS settings. */
function gatewayProblems(name: string, spec: any): string[] {
  const p: string[] = [];
  if (!isDnsLabel(name)) p.push(`invalid gateway name: "${name}"`);
  if (!spec.servers?.length) p.push("gateway must have at least one server");
  const portNames = new Set<string>();
  for (const s of spec.servers ?? []) {
    if (!s.hosts?.length) p.push("server config must contain at least one host");
    for (const h of s.hosts ?? []) p.push(...gatewayHostProblems(h));
    const port = s.port;
    if (!port) {
      p.push("port is required");
      continue;
    }
    if (!port.name) p.push("port name must be set");
    if (portNames.has(port.name)) p.push(`port names in servers must be unique: duplicate name ${port.name}`);
    portNames.add(port.name);
    const known = PROTOCOLS.includes(String(port.protocol).toLowerCase());
    if (!known) p.push(`invalid protocol "${port.protocol}"`);
    p.push(...portProblems(port.number));
    if (port.targetPort > 0) p.push("targetPort has no impact on Gateways");
    if (known && isTlsProtocol(port.protocol) && !s.tls)
      p.push("server must have TLS settings for HTTPS/TLS protocols");
    if (known && !isTlsProtocol(port.protocol) && s.tls && !isHttpProtocol(port.protocol))
      p.push("server cannot have TLS settings for non HTTPS/TLS ports");
    p.push(...serverTlsProblems(s.tls));
  }
  return p;
}

/** A server host: `[namespace/]dnsName`, namespace `*`, `.` or a DNS label, dnsName `*` or a (wildcard) domain. */
function gatewayHostProblems(h: string): string[] {
  const [first, second] = h.split("/", 2);
  const [hostNs, dnsName] = second === undefined ? [undefined, first] : [first, second];
  const p: string[] = [];
  if (hostNs !== undefined && hostNs !== "*" && hostNs !== "." && !isDnsLabel(hostNs))
    p.push(`invalid namespace value "${hostNs}" in gateway`);
  if (dnsName !== "*" && !isWildcardDomain(dnsName)) p.push(`invalid host ${h}`);
  return p;
}

/** validateTLSOptions: ISTIO_MUTUAL uses the gateway's own mesh certificate, so no other certificate source. */
function serverTlsProblems(tls: any): string[] {
  if (!tls) return [];
  const p: string[] = [];
  const sources = ["serverCertificate", "privateKey", "caCertificates", "credentialName"].filter((f) => tls[f]);
  if (tls.tlsCertificates?.length) sources.push("tlsCertificates");
  if (tls.credentialNames?.length) sources.push("credentialNames");
  if (tls.mode === "ISTIO_MUTUAL") {
    for (const f of sources) p.push(`ISTIO_MUTUAL TLS cannot have associated ${f}`);
    return p;
  }
  if (
    ["SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL"].includes(tls.mode) &&
    !tls.credentialName &&
    !tls.credentialNames?.length
  ) {
    const certs = tls.tlsCertificates?.length ? tls.tlsCertificates : [tls];
    if (certs.some((c: any) => !c.serverCertificate || !c.privateKey))
      p.push(`${tls.mode} TLS requires a server certificate and a private key`);
    if (tls.mode !== "SIMPLE" && !tls.caCertificates) p.push("MUTUAL TLS requires a client CA bundle");
  }
  return p;
}

/** ValidateAuthorizationPolicy, for ALLOW/DENY policies with a selector. */
function authorizationPolicyProblems(spec: any): string[] {
  const p: string[] = [];
  for (const [k, v] of Object.entries<string>(spec.selector?.matchLabels ?? {})) {
    if (k === "") p.push("empty key is not supported in selector");
    if (k.includes("*") || v.includes("*")) p.push(`wildcard is not supported in selector: "${k}=${v}"`);
  }
  if (spec.provider !== undefined && spec.action !== "CUSTOM")
    p.push(`\`provider\` must not be with non CUSTOM action, found ${spec.action ?? "ALLOW"}`);
  if (spec.action === "DENY" && spec.rules === undefined) p.push("DENY action without `rules` is meaningless");
  for (const [i, rule] of (spec.rules ?? []).entries()) {
    if (rule == null) {
      p.push(`\`rule\` must not be nil, found at rule ${i}`);
      continue;
    }
    if (rule.from !== undefined && rule.from.length === 0) p.push(`\`from\` must not be empty, found at rule ${i}`);
    for (const f of rule.from ?? []) {
      const src = f?.source;
      if (!src) {
        p.push(`\`from.source\` must not be nil, found at rule ${i}`);
        continue;
      }
      const lists = Object.entries<any>(src).filter(([, v]) => Array.isArray(v));
      if (lists.every(([, v]) => v.length === 0)) p.push(`\`from.source\` must not be empty, found at rule ${i}`);
      for (const [k, v] of lists) if (v.includes("")) p.push(`empty value not allowed, found in ${k}`);
      for (const k of ["ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks"])
        for (const ip of src[k] ?? []) if (!isIpOrCidr(ip)) p.push(`bad IP or CIDR (${ip}) in ${k}`);
    }
    if (rule.to !== undefined && rule.to.length === 0) p.push(`\`to\` must not be empty, found at rule ${i}`);
    for (const t of rule.to ?? []) {
      const op = t?.operation;
      if (!op) {
        p.push(`\`to.operation\` must not be nil, found at rule ${i}`);
        continue;
      }
      const lists = Object.entries<any>(op).filter(([, v]) => Array.isArray(v));
      if (lists.every(([, v]) => v.length === 0)) p.push(`\`to.operation\` must not be empty, found at rule ${i}`);
      for (const [k, v] of lists) if (v.includes("")) p.push(`empty value not allowed, found in ${k}`);
      for (const port of [...(op.ports ?? []), ...(op.notPorts ?? [])])
        if (!/^\d+$/.test(port) || Number(port) > 65535) p.push(`bad port (${port})`);
      for (const path of [...(op.paths ?? []), ...(op.notPaths ?? [])]) p.push(...pathTemplateProblems(path));
    }
    for (const c of rule.when ?? []) {
      if (!c?.key) {
        p.push("`key` must not be empty");
        continue;
      }
      if (!c.values?.length && !c.notValues?.length)
        p.push(`at least one of \`values\` or \`notValues\` must be set for key ${c.key}`);
      p.push(...attributeProblems(c.key, [...(c.values ?? []), ...(c.notValues ?? [])]));
    }
  }
  return p;
}

/** security.ValidateAttribute: the condition keys Istio knows, and their values' form. */
function attributeProblems(key: string, values: string[]): string[] {
  if (values.includes("")) return [`empty value not allowed, found in ${key}`];
  const mapKey = /^[^[]+\[.+\]$/;
  const prefixed = ["request.headers", "request.auth.claims", "experimental.envoy.filters."];
  if (prefixed.some((x) => key.startsWith(x)))
    return mapKey.test(key) ? [] : [`bad key (${key}): should have format a[b]`];
  if (["source.ip", "remote.ip", "destination.ip"].includes(key))
    return values.filter((v) => !isIpOrCidr(v)).map((v) => `bad IP or CIDR (${v}) for ${key}`);
  if (key === "destination.port")
    return values.filter((v) => !/^\d+$/.test(v) || Number(v) > 65535).map((v) => `bad port (${v})`);
  const plain = [
    "source.namespace",
    "source.principal",
    "request.auth.principal",
    "request.auth.audiences",
    "request.auth.presenter",
    "connection.sni",
  ];
  if (plain.includes(key)) return [];
  if (key === "source.serviceAccount") return values.every((v) => !v.includes("*")) ? [] : ["wildcard not allowed"];
  return [`unknown attribute: ${key}`];
}

/** security.CheckValidPathTemplate: `{*}` and a last `{**}` only. */
function pathTemplateProblems(path: string): string[] {
  let any = false;
  for (const glob of path.replace(/^\/+|\/+$/g, "").split("/")) {
    if ((glob === "{*}" || glob === "{**}") && any)
      return [`invalid or unsupported path ${path}: {**} is not the last operator`];
    if (glob === "{**}") any = true;
    else if (glob !== "{*}" && /[{}]/.test(glob)) return [`invalid or unsupported path ${path}`];
  }
  return [];
}

/** ValidatePeerAuthentication. */
function peerAuthenticationProblems(spec: any): string[] {
  const p: string[] = [];
  const labels = spec.selector?.matchLabels ?? {};
  if (Object.keys(labels).length === 0 && Object.keys(spec.portLevelMtls ?? {}).length > 0)
    p.push("mesh/namespace peer authentication cannot have port level mTLS");
  if (spec.portLevelMtls !== undefined && Object.keys(spec.portLevelMtls).length === 0)
    p.push("port level mTLS, if defined, must have at least one element");
  for (const [k, v] of Object.entries<string>(labels)) {
    if (k === "") p.push("empty key is not supported in selector");
    if (k.includes("*") || v.includes("*")) p.push(`wildcard is not supported in selector: "${k}=${v}"`);
  }
  return p;
}

/**
 * ValidateSidecar, for the egress listeners globalmesh writes (ingress, inbound pools and the outbound policy it never
 * writes): a non-empty Sidecar, one port-less catch-all listener and last, valid ports, unique listener ports, and
 * every host `namespace/dnsName` (agent.ValidateNamespaceSlashWildcardHostname). Duplicate hosts are only warnings.
 */
function sidecarProblems(spec: any): string[] {
  const p: string[] = [];
  const fields = ["egress", "ingress", "outboundTrafficPolicy", "inboundConnectionPool"];
  if (!fields.some((f) => (Array.isArray(spec[f]) ? spec[f].length > 0 : spec[f] !== undefined)))
    return ["sidecar: empty configuration provided"];
  const egress: any[] = spec.egress ?? [];
  const ports = new Set<number>();
  egress.forEach((listener, i) => {
    if (listener.port === undefined) {
      if (egress.slice(0, i).some((l) => l.port === undefined))
        p.push("sidecar: egress can have only one listener with empty port");
      else if (i !== egress.length - 1)
        p.push("sidecar: the egress listener with empty port should be the last listener in the list");
    } else {
      if (listener.port.name && !isDnsLabel(listener.port.name)) p.push(`invalid port name: ${listener.port.name}`);
      const protocol = String(listener.port.protocol ?? "");
      if (protocol !== "" && !PROTOCOLS.includes(protocol.toLowerCase())) p.push(`unsupported protocol: ${protocol}`);
      // Port 0 is a Unix domain socket listener, named by its bind address.
      if (listener.port.number === 0 && !String(listener.bind ?? "").startsWith("unix://"))
        p.push("sidecar: ports with 0 value must have a unix domain socket bind address");
      else if (listener.port.number !== 0) p.push(...portProblems(listener.port.number));
      if (listener.port.number !== 0 && ports.has(listener.port.number))
        p.push("sidecar: ports on IP bound listeners must be unique");
      ports.add(listener.port.number);
    }
    if (!listener.hosts?.length) p.push("sidecar: egress listener must contain at least one host");
    for (const h of listener.hosts ?? []) p.push(...sidecarHostProblems(h));
  });
  return p;
}

/** agent.ValidateNamespaceSlashWildcardHostname for a Sidecar (not a Gateway) host. */
function sidecarHostProblems(host: string): string[] {
  const slash = host.indexOf("/");
  if (slash < 0) return [`${host}: host must be of form namespace/dnsName`];
  const [ns, name] = [host.slice(0, slash), host.slice(slash + 1)];
  const p: string[] = [];
  if (ns === "" || name === "") p.push(`${host}: config namespace and dnsName in host entry cannot be empty`);
  if (!["*", ".", "~"].includes(ns) && !isDnsLabel(ns)) p.push(`${host}: invalid namespace value "${ns}" in sidecar`);
  if (name !== "*" && !name.includes(".")) p.push(`${host}: short names (non FQDN) are not allowed`);
  if (!isWildcardDomain(name)) p.push(`${host}: invalid domain ${name}`);
  if (name.includes("*") && name !== "*" && !name.startsWith("*."))
    p.push(`${host}: partial wildcard "${name}" not allowed`);
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// Names, as Istio's labels/agent packages check them

const LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

function isDnsLabel(s: string): boolean {
  return s.length <= 63 && LABEL.test(s);
}

/** agent.ValidateFQDN: at most 255 characters, DNS-1123 labels (a trailing dot allowed). */
function isFqdn(s: string): boolean {
  const labels = s.replace(/\.$/, "").split(".");
  return s.length > 0 && s.length <= 255 && labels.every(isDnsLabel);
}

/** agent.ValidateWildcardDomain: the first label may be `*`, `*foo` or `*-foo`. */
function isWildcardDomain(s: string): boolean {
  if (s.length === 0 || s.length > 255) return false;
  const [first, ...rest] = s.split(".");
  return first.length <= 63 && WILDCARD_LABEL.test(first) && (rest.length === 0 || isFqdn(rest.join(".")));
}

/** host.Name.SubsetOf: equal, or inside a wildcard host. */
function hostSubsetOf(a: string, b: string): boolean {
  if (a === b || b === "*") return true;
  return b.startsWith("*") && a.endsWith(b.slice(1));
}

function portProblems(n: unknown): string[] {
  return isPort(n) ? [] : [`port number ${String(n)} must be in the range 1..65535`];
}

/** labels.Instance.Validate: qualified label keys and label values. */
function labelProblems(labels: Record<string, string> | undefined): string[] {
  const p: string[] = [];
  const name = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
  for (const [k, v] of Object.entries(labels ?? {})) {
    const [prefix, key] = k.includes("/") ? k.split("/", 2) : [undefined, k];
    if ((prefix !== undefined && !isFqdn(prefix)) || key.length > 63 || !name.test(key))
      p.push(`invalid tag key: "${k}"`);
    if (v.length > 63 || (v !== "" && !name.test(v))) p.push(`invalid tag value: "${v}"`);
  }
  return p;
}

function isIp(s: string): boolean {
  const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  return v4.test(s) || (s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s));
}

function isIpOrCidr(s: string): boolean {
  const [ip, bits, extra] = s.split("/");
  if (extra !== undefined) return false;
  if (bits === undefined) return isIp(ip);
  const max = ip.includes(":") ? 128 : 32;
  return isIp(ip) && /^\d+$/.test(bits) && Number(bits) <= max;
}

/** Kubernetes object names: DNS-1123 subdomains. */
function isDnsSubdomain(s: string): boolean {
  return (
    s.length > 0 &&
    s.length <= 253 &&
    s.split(".").every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l) && l.length <= 63)
  );
}

/**
 * A Go duration string (`time.ParseDuration`, which both the CRDs' CEL `duration()` and istiod's JSON decoding use)
 * in nanoseconds; undefined when it does not parse.
 */
export function parseGoDuration(d: unknown): number | undefined {
  if (typeof d !== "string") return undefined;
  if (d === "0") return 0;
  const m = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(d);
  if (!m) return undefined;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let ns = 0;
  for (const [, n, u] of m[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) ns += Number(n) * unit[u];
  return m[1] === "-" ? -ns : Math.round(ns);
}
