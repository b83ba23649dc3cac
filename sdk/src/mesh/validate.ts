import {
  checkBoolean,
  checkChoice,
  checkDnsLabel,
  checkDnsName,
  checkLocality,
  checkNetwork,
  checkOneOf,
  checkPort,
  checkServiceName,
  checkText,
  fieldCheck,
  isDeferred,
  readLabels,
  readList,
  readObject,
  textGrammar,
} from "./checks";
import { isDnsLabel, isDnsSubdomain, isHostOrIp } from "./dns";
import { domainProblem } from "./domain";
import { IssueList } from "./errors";
import { isPlainObject, join } from "./fields";
import { isSystemNamespace } from "./membership";
import { protocolFromName } from "./ports";
import {
  AccessPolicySpec,
  ClusterSpec,
  GatewaysSpec,
  GlobalNamespaceSpec,
  IngressSpec,
  MemberRule,
  MeshMode,
  MtlsMode,
  PolicyAction,
  PolicySource,
  PolicyTarget,
  PORT_PROTOCOLS,
  PortSpec,
  ServiceSpec,
  SYSTEM_NAMESPACES,
} from "./spec";
import { readScope } from "./scopeFields";
import { vipProblem } from "./vip";

const INGRESS_FIELDS = ["address", "port"] as const;
const RULE_FIELDS = ["cluster", "namespace", "excludeServices", "calls", "sidecarScope", "extraEgressHosts"] as const;
const SERVICE_FIELDS = ["name", "namespace", "clusters", "ports", "address", "selector", "calls"] as const;
const PORT_FIELDS = ["number", "targetPort", "name", "protocol"] as const;
const POLICY_FIELDS = ["name", "action", "from", "to"] as const;
const SOURCE_FIELDS = ["namespace", "cluster", "serviceAccounts", "service"] as const;
const TARGET_FIELDS = ["service", "ports", "methods", "paths"] as const;

/** Longest domain that leaves room for `<port>.<service>.` in a 253-character name. */
const MAX_DOMAIN_LENGTH = 253 - "65535.".length - 64;

/**
 * Checks an untyped spec (parsed YAML, or a component's args); throws a SpecError listing every problem.
 *
 * Field-level checks: shapes, grammars and ranges of every field, reported with the field path.
 * Cross-references (which cluster exists, which namespace is mapped, duplicates, address collisions) are checked
 * when the spec is resolved into a mesh model (`resolveMesh`), after discovery has added services.
 * An ingress address known only at deploy time (a Pulumi Output or a Promise: `isDeferred`) passes through
 * untouched; every other field must be a literal.
 */
export function validateSpec<Address = string>(input: unknown): GlobalNamespaceSpec<Address> {
  const issues = new IssueList();
  const spec = readSpec(issues, input);
  issues.throwIfAny();
  return spec as GlobalNamespaceSpec<Address>;
}

const CLUSTERS_EXAMPLE = "[{ name: cluster1, ingress: { address: 203.0.113.10 } }]";
const MEMBERS_EXAMPLE = "[{ cluster: cluster1, namespace: default }]";
const SERVICES_EXAMPLE = "[{ name: catalog, namespace: default }]";

const SPEC_FIELDS = [
  "name",
  "domain",
  "mode",
  "ownDomain",
  "clusters",
  "members",
  "services",
  "mtls",
  "defaultDeny",
  "policies",
] as const;
/** The mesh modes, in the order error messages list them. */
const MESH_MODES = Object.values(MeshMode);
const POLICIES_EXAMPLE =
  "[{ name: shop-reads-catalog, action: ALLOW, from: [{ namespace: shop }], to: [{ service: catalog }] }]";

function readSpec(issues: IssueList, input: unknown): GlobalNamespaceSpec<unknown> | undefined {
  const o = readObject(issues, "", input, SPEC_FIELDS);
  if (!o) return undefined;
  const name = checkDnsLabel(issues, "name", o.name, { example: "acme-fitness", required: true });
  const ownDomain = checkBoolean(issues, "ownDomain", o.ownDomain, { example: true });
  const domain = readDomain(issues, o.domain, ownDomain ?? false);
  const mode = checkChoice(issues, "mode", o.mode, "a mesh mode", MESH_MODES);
  const clusters = readItems(issues, "clusters", o.clusters, { example: CLUSTERS_EXAMPLE, required: true }, (path, c) =>
    readCluster(issues, path, c),
  );
  const members = readItems(issues, "members", o.members, { example: MEMBERS_EXAMPLE, required: true }, (path, m) =>
    readRule(issues, path, m),
  );
  const services = readItems(issues, "services", o.services, { example: SERVICES_EXAMPLE }, (path, s) =>
    readService(issues, path, s),
  );
  const mtls = checkChoice(issues, "mtls", o.mtls, "an mTLS mode", Object.values(MtlsMode));
  const defaultDeny = checkBoolean(issues, "defaultDeny", o.defaultDeny, { example: true });
  const policies = readPolicies(issues, o.policies);
  return {
    name: name ?? "",
    domain: domain ?? "",
    ...(mode !== undefined && { mode }),
    clusters: clusters ?? [],
    members: members ?? [],
    ...(services && { services }),
    ...(ownDomain !== undefined && { ownDomain }),
    ...(mtls !== undefined && { mtls }),
    ...(defaultDeny !== undefined && { defaultDeny }),
    ...(policies && { policies }),
  };
}

/** A list of items, each read by `read`; a required list needs at least one item. */
function readItems<T>(
  issues: IssueList,
  path: string,
  v: unknown,
  options: { example: string; required?: boolean },
  read: (path: string, item: unknown) => T | undefined,
): T[] | undefined {
  const list = readList(issues, path, v, options);
  if (options.required && list?.length === 0) issues.add(path, `is empty; give at least one, e.g. ${options.example}`);
  return list?.map((item, i) => read(join(path, i), item)).filter((x): x is T => x !== undefined);
}

/** Lowercase labels, at least two; the last one not all digits (that is an IP address, not a domain). */
const checkDomain = fieldCheck(
  textGrammar(
    "a DNS domain",
    "use lowercase labels joined by dots",
    (s) => isDnsSubdomain(s) && s.includes(".") && !/^[0-9]+$/.test(s.slice(s.lastIndexOf(".") + 1)),
  ),
);

/** The domain: a DNS domain, not Kubernetes' own, and not a name of the real internet (see domain.ts). */
function readDomain(issues: IssueList, v: unknown, ownDomain: boolean): string | undefined {
  const domain = checkDomain(issues, "domain", v, { example: "acme.example.com", required: true });
  if (domain === undefined) return undefined;
  if (domain.length > MAX_DOMAIN_LENGTH)
    issues.add(
      "domain",
      `"${domain}" is ${domain.length} characters long; use at most ${MAX_DOMAIN_LENGTH}, which leaves room for <port>.<service>. in front`,
    );
  else if (domain === "cluster.local" || domain.endsWith(".cluster.local") || domain.endsWith(".svc"))
    issues.add(
      "domain",
      `"${domain}" collides with Kubernetes' own service names; pick a domain of your own, e.g. "acme.example.com"`,
    );
  else {
    const problem = domainProblem(domain, ownDomain);
    if (!problem) return domain;
    issues.add("domain", problem);
  }
  return undefined;
}

const CLUSTER_FIELDS = ["name", "ingress", "locality", "network", "gateways", "trustDomain", "namespaces"] as const;

function readCluster(issues: IssueList, path: string, v: unknown): ClusterSpec<unknown> | undefined {
  const o = readObject(issues, path, v, CLUSTER_FIELDS);
  if (!o) return undefined;
  const name = checkDnsLabel(issues, join(path, "name"), o.name, { example: "cluster1", required: true });
  const ingress = o.ingress === undefined ? undefined : readIngress(issues, join(path, "ingress"), o.ingress);
  const locality = checkLocality(issues, join(path, "locality"), o.locality);
  const network = checkNetwork(issues, join(path, "network"), o.network);
  const gateways = o.gateways === undefined ? undefined : readGateways(issues, join(path, "gateways"), o.gateways);
  const trustDomain = checkDnsName(issues, join(path, "trustDomain"), o.trustDomain, {
    example: "cluster1.acme.internal",
  });
  const namespaces = readNamespaces(issues, join(path, "namespaces"), o.namespaces);
  return {
    name: name ?? "",
    ...(ingress && { ingress }),
    ...(locality !== undefined && { locality }),
    ...(network !== undefined && { network }),
    ...(gateways && { gateways }),
    ...(trustDomain !== undefined && { trustDomain }),
    ...(namespaces && { namespaces }),
  };
}

/** A cluster's inventory of namespaces: application namespaces, each once. */
function readNamespaces(issues: IssueList, path: string, v: unknown): string[] | undefined {
  const list = readList(issues, path, v, { example: "[shop, checkout]" });
  if (!list) return undefined;
  const names = list.map((ns, i) =>
    readAppNamespace(issues, join(path, i), ns, () =>
      checkDnsLabel(issues, join(path, i), ns, { example: "shop", required: true }),
    ),
  );
  checkUnique(issues, path, names, (n) => `namespace ${n} is listed twice; list each namespace once`);
  return names.filter((n): n is string => n !== undefined);
}

/**
 * A namespace field that must name an application namespace: a system namespace, in any case (`Istio-System`), is
 * refused as such (lowercasing it would not help); anything else is read by `read`.
 */
function readAppNamespace(
  issues: IssueList,
  path: string,
  v: unknown,
  read: () => string | undefined,
  problem = systemNamespaceProblem,
): string | undefined {
  if (typeof v === "string" && isSystemNamespace(v)) {
    issues.add(path, problem(v));
    return undefined;
  }
  return read();
}

function systemNamespaceProblem(namespace: string): string {
  return `"${namespace}" is a system namespace, and those (${SYSTEM_NAMESPACES.join(", ")}) never join a GlobalNamespace; map an application namespace, e.g. "default"`;
}

/** Reports each repeat of a value (`undefined`s, already reported, are skipped) on its own index. */
function checkUnique<T>(
  issues: IssueList,
  path: string,
  values: readonly (T | undefined)[],
  problem: (value: T) => string,
): void {
  const seen = new Set<T>();
  values.forEach((value, i) => {
    if (value === undefined) return;
    if (seen.has(value)) issues.add(join(path, i), problem(value));
    seen.add(value);
  });
}

const checkIngressAddress = fieldCheck(
  textGrammar("an IP address or DNS name", "give the ingress gateway's load-balancer IP or hostname", isHostOrIp),
);

function readIngress(issues: IssueList, path: string, v: unknown): IngressSpec<unknown> | undefined {
  const o = readObject(issues, path, v, INGRESS_FIELDS);
  if (!o) return undefined;
  // The one field that may wait for deployment: it decides no object, only where the objects point.
  const address = isDeferred(o.address)
    ? o.address
    : checkIngressAddress(issues, join(path, "address"), o.address, {
        example: "203.0.113.10",
        required: true,
      });
  const port = checkPort(issues, join(path, "port"), o.port, { example: 443 });
  return { address, ...(port !== undefined && { port }) };
}

const GATEWAYS_FIELDS = [
  "namespace",
  "ingressSelector",
  "egressSelector",
  "egressService",
  "ingressServiceAccount",
  "egressServiceAccount",
  "eastWestSelector",
  "eastWestServiceAccount",
] as const;

function readGateways(issues: IssueList, path: string, v: unknown): GatewaysSpec | undefined {
  const o = readObject(issues, path, v, GATEWAYS_FIELDS);
  if (!o) return undefined;
  const namespace = checkDnsLabel(issues, join(path, "namespace"), o.namespace, { example: "istio-gateways" });
  if (namespace === "istio-system")
    issues.add(
      join(path, "namespace"),
      `"istio-system" holds cacerts (the mesh's intermediate CA key), and the gateway chart's Role lets a gateway read the secrets of its own namespace; run the gateways in a namespace of their own, e.g. "istio-gateways" (MeshCluster's)`,
    );
  const ingressSelector = readSelector(issues, join(path, "ingressSelector"), o.ingressSelector, {
    istio: "ingressgateway",
  });
  const egressSelector = readSelector(issues, join(path, "egressSelector"), o.egressSelector, {
    istio: "egressgateway",
  });
  const egressService = checkDnsName(issues, join(path, "egressService"), o.egressService, {
    example: "istio-egressgateway.istio-gateways.svc.cluster.local",
  });
  // Kubernetes ServiceAccount names are DNS-1123 subdomains.
  const ingressServiceAccount = checkDnsName(issues, join(path, "ingressServiceAccount"), o.ingressServiceAccount, {
    example: "istio-ingressgateway-cluster1",
  });
  const egressServiceAccount = checkDnsName(issues, join(path, "egressServiceAccount"), o.egressServiceAccount, {
    example: "istio-egressgateway-cluster1",
  });
  const eastWestSelector = readSelector(issues, join(path, "eastWestSelector"), o.eastWestSelector, {
    istio: "eastwestgateway",
  });
  const eastWestServiceAccount = checkDnsName(issues, join(path, "eastWestServiceAccount"), o.eastWestServiceAccount, {
    example: "istio-eastwestgateway-cluster1",
  });
  return {
    ...(namespace && { namespace }),
    ...(ingressSelector && { ingressSelector }),
    ...(egressSelector && { egressSelector }),
    ...(egressService && { egressService }),
    ...(ingressServiceAccount && { ingressServiceAccount }),
    ...(egressServiceAccount && { egressServiceAccount }),
    ...(eastWestSelector && { eastWestSelector }),
    ...(eastWestServiceAccount && { eastWestServiceAccount }),
  };
}

/** Labels that select pods: an empty selector would select every workload (of the namespace, or of the mesh). */
function readSelector(
  issues: IssueList,
  path: string,
  v: unknown,
  example: Record<string, string>,
): Record<string, string> | undefined {
  const selector = readLabels(issues, path, v, example);
  const shown = Object.entries(example)
    .map(([k, val]) => `${k}: ${val}`)
    .join(", ");
  if (isPlainObject(v) && Object.keys(v).length === 0)
    issues.add(path, `is empty, so it would select every workload; give at least one label, e.g. { ${shown} }`);
  return selector;
}

/** A name, or a prefix followed by `*` (the prefix itself need not be a whole label: `shop-*`). */
function isPattern(s: string): boolean {
  if (s === "*") return true;
  if (s.endsWith("*")) return /^[a-z0-9][-a-z0-9]*$/.test(s.slice(0, -1)) && s.length <= 64;
  return isDnsLabel(s);
}

const checkClusterPattern = fieldCheck(
  textGrammar("a cluster name or prefix pattern", "use a cluster name, or a prefix and '*'", isPattern),
);
const checkNamespacePattern = fieldCheck(
  textGrammar("a namespace name or prefix pattern", "use a namespace name, or a prefix and '*'", isPattern),
);

function readRule(issues: IssueList, path: string, v: unknown): MemberRule | undefined {
  const o = readObject(issues, path, v, RULE_FIELDS);
  if (!o) return undefined;
  const cluster = checkClusterPattern(issues, join(path, "cluster"), o.cluster, {
    example: "cluster1",
    required: true,
  });
  const namespace = readAppNamespace(issues, join(path, "namespace"), o.namespace, () =>
    checkNamespacePattern(issues, join(path, "namespace"), o.namespace, { example: "default", required: true }),
  );
  const excludeServices = readServiceNames(issues, join(path, "excludeServices"), o.excludeServices, "[vault]");
  const calls = readServiceNames(issues, join(path, "calls"), o.calls, "[catalog, users]");
  const { sidecarScope, extraEgressHosts } = readScope(issues, path, o, namespace);
  return cluster !== undefined && namespace !== undefined
    ? {
        cluster,
        namespace,
        ...(excludeServices && { excludeServices }),
        ...(calls && { calls }),
        ...(sidecarScope !== undefined && { sidecarScope }),
        ...(extraEgressHosts && { extraEgressHosts }),
      }
    : undefined;
}

/** A list of Service names, each once. `nonEmpty`: an empty list is refused (it would mean nothing). */
function readServiceNames(
  issues: IssueList,
  path: string,
  v: unknown,
  example: string,
  nonEmpty = false,
): string[] | undefined {
  const list = readList(issues, path, v, { example });
  if (!list) return undefined;
  if (nonEmpty && list.length === 0)
    issues.add(path, `is empty; name at least one service, e.g. ${example}, or leave the field out`);
  const names = list.map((s, i) =>
    checkServiceName(issues, join(path, i), s, { example: example.slice(1, -1), required: true }),
  );
  checkUnique(issues, path, names, (n) => `service ${n} is listed twice; list each service once`);
  return names.filter((n): n is string => n !== undefined);
}

function readService(issues: IssueList, path: string, v: unknown): ServiceSpec | undefined {
  const o = readObject(issues, path, v, SERVICE_FIELDS);
  if (!o) return undefined;
  const name = checkServiceName(issues, join(path, "name"), o.name, { example: "catalog", required: true });
  const namespace = readAppNamespace(
    issues,
    join(path, "namespace"),
    o.namespace,
    () => checkDnsLabel(issues, join(path, "namespace"), o.namespace, { example: "default", required: true }),
    // Mapping the system namespace is an error in turn: the fix is moving the service.
    (ns) =>
      `"${ns}" is a system namespace, and those (${SYSTEM_NAMESPACES.join(", ")}) never join a GlobalNamespace; a service there cannot be global: run it in an application namespace that a member rule maps, e.g. "default"`,
  );
  const clustersPath = join(path, "clusters");
  const clusters = readList(issues, clustersPath, o.clusters, { example: "[cluster1]" })?.map(
    (c, i) => checkDnsLabel(issues, join(clustersPath, i), c, { example: "cluster1", required: true }) ?? "",
  );
  const ports = readPorts(issues, join(path, "ports"), o.ports);
  const address = checkText(issues, join(path, "address"), o.address, vipProblem, { example: "241.0.0.10" });
  const selector = readSelector(issues, join(path, "selector"), o.selector, { app: name ?? "catalog" });
  const calls = readServiceNames(issues, join(path, "calls"), o.calls, "[catalog, users]");
  return {
    name: name ?? "",
    namespace: namespace ?? "",
    ...(clusters && { clusters }),
    ...(ports && { ports }),
    ...(address !== undefined && { address }),
    ...(selector && { selector }),
    ...(calls && { calls }),
  };
}

function readPorts(issues: IssueList, path: string, v: unknown): PortSpec[] | undefined {
  const list = readList(issues, path, v, { example: "[{ number: 8082, name: http-catalog }]" });
  if (!list) return undefined;
  if (list.length === 0)
    issues.add(
      path,
      "is empty; list at least one port, e.g. [{ number: 8082 }], or leave the field out to discover the ports from manifests",
    );
  const ports = list.map((p, i) => readPort(issues, join(path, i), p)).filter((p): p is PortSpec => p !== undefined);
  checkPortSet(issues, path, ports);
  return ports;
}

function readPort(issues: IssueList, path: string, v: unknown): PortSpec | undefined {
  const o = readObject(issues, path, v, PORT_FIELDS);
  if (!o) return undefined;
  const number = checkPort(issues, join(path, "number"), o.number, { example: 8082, required: true });
  const targetPort = checkPort(issues, join(path, "targetPort"), o.targetPort, { example: 8080 });
  const name = checkDnsLabel(issues, join(path, "name"), o.name, { example: "http-catalog" });
  const protocol = checkOneOf(issues, join(path, "protocol"), o.protocol, "an Istio protocol", PORT_PROTOCOLS);
  if (number === undefined) return undefined;
  return {
    number,
    ...(targetPort !== undefined && { targetPort }),
    ...(name !== undefined && { name }),
    ...(protocol !== undefined && { protocol }),
  };
}

/** Port numbers and names must be unique within a service; a name's implied protocol must agree with `protocol`. */
function checkPortSet(issues: IssueList, path: string, ports: PortSpec[]): void {
  checkPortsUnique(issues, path, ports);
  ports.forEach((p, i) => {
    const implied = protocolFromName(p.name);
    if (p.protocol && implied && implied !== p.protocol)
      issues.add(
        join(join(path, i), "protocol"),
        `"${p.protocol}" contradicts the port name "${p.name}", which declares ${implied} to Istio; set protocol to ${implied}, or rename the port, e.g. "${p.protocol.toLowerCase()}-${p.number}"`,
      );
  });
}

/**
 * No two ports of a service share a number or a name. Run on the written ports, and again once default names
 * (`tcp-9000`) are filled in, since a default may equal a name given to another port.
 */
export function checkPortsUnique(issues: IssueList, path: string, ports: readonly PortSpec[]): void {
  const numbers = new Set<number>();
  const names = new Set<string>();
  ports.forEach((p, i) => {
    if (numbers.has(p.number))
      issues.add(join(join(path, i), "number"), `port ${p.number} is listed twice; list each port once`);
    numbers.add(p.number);
    if (p.name !== undefined) {
      const protocol = p.protocol ?? protocolFromName(p.name) ?? "TCP";
      if (names.has(p.name))
        issues.add(
          join(join(path, i), "name"),
          `port name "${p.name}" is used twice; name each port explicitly, e.g. "${protocol.toLowerCase()}-${p.number}"`,
        );
      names.add(p.name);
    }
  });
}

/** HTTP methods an access policy may name (RFC 9110 and RFC 5789), as Istio compares them: exactly, uppercase. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] as const;

/**
 * An Istio AuthorizationPolicy path: exact (`/cart`), prefix (`/api/*`), suffix (`*.json`) or any (`*`). A `*`
 * anywhere else would be matched literally, and a path without its leading `/` matches no request.
 */
export function isPolicyPath(s: string): boolean {
  if (s === "*") return true;
  if (/[\s?#]/.test(s) || s.length === 0) return false;
  const body = s.startsWith("*") ? s.slice(1) : s.endsWith("*") ? s.slice(0, -1) : s;
  return body.length > 0 && !body.includes("*") && (s.startsWith("*") || s.startsWith("/"));
}

const checkPolicyPath = fieldCheck(
  textGrammar(
    "an access-policy path",
    `use an exact path "/cart", a prefix "/api/*", a suffix "*.json" or "*" (no query string, one '*' at most, at either end)`,
    isPolicyPath,
  ),
);

function readPolicies(issues: IssueList, v: unknown): AccessPolicySpec[] | undefined {
  const list = readList(issues, "policies", v, { example: POLICIES_EXAMPLE });
  if (!list) return undefined;
  const policies = list.map((p, i) => readPolicy(issues, join("policies", i), p));
  const first = new Map<string, number>();
  policies.forEach((p, i) => {
    if (!p?.name) return;
    const other = first.get(p.name);
    if (other !== undefined)
      issues.add(
        join(join("policies", i), "name"),
        `policy "${p.name}" is listed twice (also policies[${other}]); give each policy its own name`,
      );
    else first.set(p.name, i);
  });
  return policies.filter((p): p is AccessPolicySpec => p !== undefined);
}

const POLICY_ACTIONS = Object.values(PolicyAction);

function readPolicy(issues: IssueList, path: string, v: unknown): AccessPolicySpec | undefined {
  const o = readObject(issues, path, v, POLICY_FIELDS);
  if (!o) return undefined;
  const name = checkDnsLabel(issues, join(path, "name"), o.name, { example: "shop-reads-catalog", required: true });
  const action = checkChoice(issues, join(path, "action"), o.action, "a policy action", POLICY_ACTIONS, {
    required: true,
  });
  const from = readItems(
    issues,
    join(path, "from"),
    o.from,
    { example: "[{ namespace: shop }]", required: true },
    (p, s) => readSource(issues, p, s),
  );
  const to = readItems(issues, join(path, "to"), o.to, { example: "[{ service: catalog }]", required: true }, (p, t) =>
    readTarget(issues, p, t),
  );
  if (name === undefined || action === undefined || !from || !to) return undefined;
  return { name, action, from, to };
}

function readSource(issues: IssueList, path: string, v: unknown): PolicySource | undefined {
  const o = readObject(issues, path, v, SOURCE_FIELDS);
  if (!o) return undefined;
  const namespace = readAppNamespace(
    issues,
    join(path, "namespace"),
    o.namespace,
    () => checkDnsLabel(issues, join(path, "namespace"), o.namespace, { example: "shop", required: true }),
    (ns) =>
      `"${ns}" is a system namespace, and those (${SYSTEM_NAMESPACES.join(", ")}) are never in a GlobalNamespace, so they call no global service; name a mapped namespace, e.g. "shop"`,
  );
  const cluster = checkClusterPattern(issues, join(path, "cluster"), o.cluster, { example: "cluster1" });
  const accountsPath = join(path, "serviceAccounts");
  const accountList = readList(issues, accountsPath, o.serviceAccounts, { example: "[frontend]" });
  if (accountList?.length === 0)
    issues.add(
      accountsPath,
      "is empty, which would match no caller; name at least one service account, e.g. [frontend], or leave the field out to match the whole namespace",
    );
  const accounts = accountList?.map((a, i) =>
    checkDnsName(issues, join(accountsPath, i), a, { example: "frontend", required: true }),
  );
  if (accounts)
    checkUnique(issues, accountsPath, accounts, (a) => `service account ${a} is listed twice; list each once`);
  const service = checkServiceName(issues, join(path, "service"), o.service, { example: "frontend" });
  if (o.serviceAccounts !== undefined && o.service !== undefined)
    issues.add(
      path,
      "gives both serviceAccounts and service; give one of them: service stands for the service accounts of its pods",
    );
  if (namespace === undefined) return undefined;
  const serviceAccounts = accounts?.filter((a): a is string => a !== undefined);
  return {
    namespace,
    ...(cluster !== undefined && { cluster }),
    ...(serviceAccounts && { serviceAccounts }),
    ...(service !== undefined && { service }),
  };
}

function readTarget(issues: IssueList, path: string, v: unknown): PolicyTarget | undefined {
  const o = readObject(issues, path, v, TARGET_FIELDS);
  if (!o) return undefined;
  const service = checkServiceName(issues, join(path, "service"), o.service, { example: "catalog", required: true });
  const ports = readNonEmpty(issues, join(path, "ports"), o.ports, "[8082]", "port", (p, x) =>
    checkPort(issues, p, x, { example: 8082, required: true }),
  );
  const methods = readNonEmpty(issues, join(path, "methods"), o.methods, "[GET, HEAD]", "method", (p, x) =>
    checkChoice(issues, p, x, "an HTTP method", HTTP_METHODS, { required: true }),
  );
  const paths = readNonEmpty(issues, join(path, "paths"), o.paths, '["/api/*"]', "path", (p, x) =>
    checkPolicyPath(issues, p, x, { example: "/api/*", required: true }),
  );
  if (service === undefined) return undefined;
  return {
    service,
    ...(ports && { ports }),
    ...(methods && { methods }),
    ...(paths && { paths }),
  };
}

/**
 * An optional list that narrows what a policy matches: when given, at least one item, each once. An empty list
 * would match nothing; Istio reads it as "any", so either reading surprises someone.
 */
function readNonEmpty<T extends string | number>(
  issues: IssueList,
  path: string,
  v: unknown,
  example: string,
  noun: string,
  read: (path: string, item: unknown) => T | undefined,
): T[] | undefined {
  const list = readList(issues, path, v, { example });
  if (!list) return undefined;
  if (list.length === 0)
    issues.add(path, `is empty; list at least one ${noun}, e.g. ${example}, or leave the field out to match any`);
  const items = list.map((x, i) => read(join(path, i), x));
  checkUnique(issues, path, items, (x) => `${noun} ${x} is listed twice; list each ${noun} once`);
  return items.filter((x): x is T => x !== undefined);
}

/**
 * The objects of a spec and the fields each takes, exactly as the validator reads them, and the values of each
 * field with a fixed set. The JSON Schema (sdk/schema/globalnamespace.schema.json) is tested against these, so the
 * two cannot drift (test/cli/schema.test.ts).
 */
export const SPEC_OBJECTS = {
  GlobalNamespace: SPEC_FIELDS,
  Cluster: CLUSTER_FIELDS,
  Ingress: INGRESS_FIELDS,
  Gateways: GATEWAYS_FIELDS,
  MemberRule: RULE_FIELDS,
  Service: SERVICE_FIELDS,
  Port: PORT_FIELDS,
  AccessPolicy: POLICY_FIELDS,
  PolicySource: SOURCE_FIELDS,
  PolicyTarget: TARGET_FIELDS,
} as const;

export const SPEC_ENUMS = {
  "GlobalNamespace.mode": MESH_MODES,
  "GlobalNamespace.mtls": Object.values(MtlsMode),
  "Port.protocol": PORT_PROTOCOLS,
  "AccessPolicy.action": POLICY_ACTIONS,
  "PolicyTarget.methods": HTTP_METHODS,
} as const;
