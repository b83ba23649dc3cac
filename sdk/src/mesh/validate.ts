import {
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
import { IssueList } from "./errors";
import { isPlainObject, join } from "./fields";
import { protocolFromName } from "./ports";
import {
  ClusterSpec,
  GatewaysSpec,
  GlobalNamespaceSpec,
  IngressSpec,
  MemberRule,
  PORT_PROTOCOLS,
  PortSpec,
  ServiceSpec,
  SYSTEM_NAMESPACES,
} from "./spec";
import { vipProblem } from "./vip";

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

function readSpec(issues: IssueList, input: unknown): GlobalNamespaceSpec<unknown> | undefined {
  const o = readObject(issues, "", input, ["name", "domain", "clusters", "members", "services"]);
  if (!o) return undefined;
  const name = checkDnsLabel(issues, "name", o.name, { example: "acme-fitness", required: true });
  const domain = readDomain(issues, o.domain);
  const clusters = readItems(issues, "clusters", o.clusters, { example: CLUSTERS_EXAMPLE, required: true }, (path, c) =>
    readCluster(issues, path, c),
  );
  const members = readItems(issues, "members", o.members, { example: MEMBERS_EXAMPLE, required: true }, (path, m) =>
    readRule(issues, path, m),
  );
  const services = readItems(issues, "services", o.services, { example: SERVICES_EXAMPLE }, (path, s) =>
    readService(issues, path, s),
  );
  return {
    name: name ?? "",
    domain: domain ?? "",
    clusters: clusters ?? [],
    members: members ?? [],
    ...(services && { services }),
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

const checkDomain = fieldCheck(
  textGrammar("a DNS domain", "use lowercase labels joined by dots", (s) => isDnsSubdomain(s) && s.includes(".")),
);

function readDomain(issues: IssueList, v: unknown): string | undefined {
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
  else return domain;
  return undefined;
}

function readCluster(issues: IssueList, path: string, v: unknown): ClusterSpec<unknown> | undefined {
  const o = readObject(issues, path, v, ["name", "ingress", "locality", "network", "gateways"]);
  if (!o) return undefined;
  const name = checkDnsLabel(issues, join(path, "name"), o.name, { example: "cluster1", required: true });
  const ingress = o.ingress === undefined ? undefined : readIngress(issues, join(path, "ingress"), o.ingress);
  const locality = checkLocality(issues, join(path, "locality"), o.locality);
  const network = checkNetwork(issues, join(path, "network"), o.network);
  const gateways = o.gateways === undefined ? undefined : readGateways(issues, join(path, "gateways"), o.gateways);
  return {
    name: name ?? "",
    ...(ingress && { ingress }),
    ...(locality !== undefined && { locality }),
    ...(network !== undefined && { network }),
    ...(gateways && { gateways }),
  };
}

const checkIngressAddress = fieldCheck(
  textGrammar("an IP address or DNS name", "give the ingress gateway's load-balancer IP or hostname", isHostOrIp),
);

function readIngress(issues: IssueList, path: string, v: unknown): IngressSpec<unknown> | undefined {
  const o = readObject(issues, path, v, ["address", "port"]);
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

function readGateways(issues: IssueList, path: string, v: unknown): GatewaysSpec | undefined {
  const o = readObject(issues, path, v, ["namespace", "ingressSelector", "egressSelector", "egressService"]);
  if (!o) return undefined;
  const namespace = checkDnsLabel(issues, join(path, "namespace"), o.namespace, { example: "istio-system" });
  const ingressSelector = readSelector(issues, join(path, "ingressSelector"), o.ingressSelector, {
    istio: "ingressgateway",
  });
  const egressSelector = readSelector(issues, join(path, "egressSelector"), o.egressSelector, {
    istio: "egressgateway",
  });
  const egressService = checkDnsName(issues, join(path, "egressService"), o.egressService, {
    example: "istio-egressgateway.istio-system.svc.cluster.local",
  });
  return {
    ...(namespace && { namespace }),
    ...(ingressSelector && { ingressSelector }),
    ...(egressSelector && { egressSelector }),
    ...(egressService && { egressService }),
  };
}

function readSelector(
  issues: IssueList,
  path: string,
  v: unknown,
  example: Record<string, string>,
): Record<string, string> | undefined {
  const selector = readLabels(issues, path, v, example);
  if (isPlainObject(v) && Object.keys(v).length === 0)
    issues.add(
      path,
      `is empty, so it would select every workload; give at least one label, e.g. { istio: ${example.istio} }`,
    );
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
  const o = readObject(issues, path, v, ["cluster", "namespace"]);
  if (!o) return undefined;
  const cluster = checkClusterPattern(issues, join(path, "cluster"), o.cluster, {
    example: "cluster1",
    required: true,
  });
  const namespace = checkNamespacePattern(issues, join(path, "namespace"), o.namespace, {
    example: "default",
    required: true,
  });
  if (namespace !== undefined && SYSTEM_NAMESPACES.includes(namespace))
    issues.add(
      join(path, "namespace"),
      `"${namespace}" is a system namespace, and those (${SYSTEM_NAMESPACES.join(", ")}) never join a GlobalNamespace; map an application namespace, e.g. "default"`,
    );
  return cluster !== undefined && namespace !== undefined ? { cluster, namespace } : undefined;
}

function readService(issues: IssueList, path: string, v: unknown): ServiceSpec | undefined {
  const o = readObject(issues, path, v, ["name", "namespace", "clusters", "ports", "address"]);
  if (!o) return undefined;
  const name = checkServiceName(issues, join(path, "name"), o.name, { example: "catalog", required: true });
  const namespace = checkDnsLabel(issues, join(path, "namespace"), o.namespace, { example: "default", required: true });
  const clustersPath = join(path, "clusters");
  const clusters = readList(issues, clustersPath, o.clusters, { example: "[cluster1]" })?.map(
    (c, i) => checkDnsLabel(issues, join(clustersPath, i), c, { example: "cluster1", required: true }) ?? "",
  );
  const ports = readPorts(issues, join(path, "ports"), o.ports);
  const address = checkText(issues, join(path, "address"), o.address, vipProblem, { example: "241.0.0.10" });
  return {
    name: name ?? "",
    namespace: namespace ?? "",
    ...(clusters && { clusters }),
    ...(ports && { ports }),
    ...(address !== undefined && { address }),
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
  const o = readObject(issues, path, v, ["number", "name", "protocol"]);
  if (!o) return undefined;
  const number = checkPort(issues, join(path, "number"), o.number, { example: 8082, required: true });
  const name = checkDnsLabel(issues, join(path, "name"), o.name, { example: "http-catalog" });
  const protocol = checkOneOf(issues, join(path, "protocol"), o.protocol, "an Istio protocol", PORT_PROTOCOLS);
  if (number === undefined) return undefined;
  return { number, ...(name !== undefined && { name }), ...(protocol !== undefined && { protocol }) };
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
