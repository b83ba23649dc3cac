import { isDns1035Label, isDnsLabel, isDnsSubdomain, isHostOrIp, isLabelKey, isLabelValue, isLocality } from "./dns";
import { IssueList } from "./errors";
import { join, readArray, readObject, readPort, readString, readStringMap } from "./fields";
import { isPortProtocol, protocolFromName } from "./ports";
import { ClusterSpec, GlobalNamespaceSpec, MemberRule, PORT_PROTOCOLS, PortSpec, ServiceSpec, SYSTEM_NAMESPACES } from "./spec";
import { vipProblem } from "./vip";

/**
 * Field-level checks: shapes, grammars and ranges of every field, reported with the field path.
 * Cross-references (which cluster exists, which namespace is mapped, duplicates, address collisions) are checked
 * when the spec is resolved into a mesh model (`resolveMesh`), after discovery has added services.
 */
export interface ValidateOptions {
  /**
   * Tells values that will only be known later (a `pulumi.Output` ingress address) from bad ones. Such values are
   * passed through untouched.
   */
  isDeferred?: (value: unknown) => boolean;
}

/** Longest domain that leaves room for `<port>.<service>.` in a 253-character name. */
const MAX_DOMAIN_LENGTH = 253 - "65535.".length - 64;

export function validateSpec<A = string>(input: unknown, options: ValidateOptions = {}): GlobalNamespaceSpec<A> {
  const issues = new IssueList();
  const spec = readSpec(issues, input, options);
  issues.throwIfAny();
  return spec as GlobalNamespaceSpec<A>;
}

function readSpec(issues: IssueList, input: unknown, options: ValidateOptions): GlobalNamespaceSpec<unknown> | undefined {
  const o = readObject(issues, "", input, ["name", "domain", "clusters", "members", "services"]);
  if (!o) return undefined;
  const name = readString(issues, "name", o.name, true);
  if (name !== undefined && !isDnsLabel(name))
    issues.add("name", `"${name}" is not a DNS-1123 label; use lowercase letters, digits and '-', at most 63 characters`);
  const domain = readDomain(issues, o.domain);
  const clusters = (readArray(issues, "clusters", o.clusters, true) ?? []).map((c, i) => readCluster(issues, join("clusters", i), c, options));
  if (Array.isArray(o.clusters) && o.clusters.length === 0) issues.add("clusters", "lists no cluster; a GlobalNamespace needs at least one");
  const members = (readArray(issues, "members", o.members, true) ?? []).map((m, i) => readRule(issues, join("members", i), m));
  if (Array.isArray(o.members) && o.members.length === 0) issues.add("members", "lists no mapping rule; add e.g. { cluster: cluster1, namespace: default }");
  const services = readArray(issues, "services", o.services, false)?.map((s, i) => readService(issues, join("services", i), s));
  return {
    name: name ?? "",
    domain: domain ?? "",
    clusters: clusters.filter((c): c is ClusterSpec<unknown> => c !== undefined),
    members: members.filter((m): m is MemberRule => m !== undefined),
    ...(services && { services: services.filter((s): s is ServiceSpec => s !== undefined) }),
  };
}

function readDomain(issues: IssueList, v: unknown): string | undefined {
  const domain = readString(issues, "domain", v, true);
  if (domain === undefined) return undefined;
  if (!isDnsSubdomain(domain) || !domain.includes("."))
    issues.add("domain", `"${domain}" is not a DNS domain; use lowercase dot-separated labels, e.g. acme.example.com`);
  else if (domain.length > MAX_DOMAIN_LENGTH)
    issues.add("domain", `is ${domain.length} characters; at most ${MAX_DOMAIN_LENGTH} leave room for <port>.<service>. in front`);
  else if (domain === "cluster.local" || domain.endsWith(".cluster.local") || domain.endsWith(".svc"))
    issues.add("domain", `"${domain}" collides with Kubernetes' own service names; pick a domain of your own, e.g. acme.example.com`);
  else return domain;
  return undefined;
}

function readCluster(issues: IssueList, path: string, v: unknown, options: ValidateOptions): ClusterSpec<unknown> | undefined {
  const o = readObject(issues, path, v, ["name", "ingress", "locality", "network", "gateways"]);
  if (!o) return undefined;
  const name = readString(issues, join(path, "name"), o.name, true);
  if (name !== undefined && !isDnsLabel(name))
    issues.add(join(path, "name"), `"${name}" is not a DNS-1123 label; use lowercase letters, digits and '-'`);
  const cluster: ClusterSpec<unknown> = { name: name ?? "" };
  if (o.ingress !== undefined) {
    const ingressPath = join(path, "ingress");
    const ing = readObject(issues, ingressPath, o.ingress, ["address", "port"]);
    if (ing) {
      const address = readAddress(issues, join(ingressPath, "address"), ing.address, options);
      const port = readPort(issues, join(ingressPath, "port"), ing.port, false);
      cluster.ingress = { address, ...(port !== undefined && { port }) };
    }
  }
  const locality = readString(issues, join(path, "locality"), o.locality, false);
  if (locality !== undefined) {
    if (!isLocality(locality))
      issues.add(join(path, "locality"), `"${locality}" is not an Istio locality; use region[/zone[/subzone]], e.g. us-east-2/us-east-2a`);
    else cluster.locality = locality;
  }
  const network = readString(issues, join(path, "network"), o.network, false);
  if (network !== undefined) {
    if (!isDnsLabel(network)) issues.add(join(path, "network"), `"${network}" is not a DNS-1123 label`);
    else cluster.network = network;
  }
  if (o.gateways !== undefined) {
    const gPath = join(path, "gateways");
    const g = readObject(issues, gPath, o.gateways, ["namespace", "ingressSelector", "egressSelector", "egressService"]);
    if (g) {
      const namespace = readString(issues, join(gPath, "namespace"), g.namespace, false);
      if (namespace !== undefined && !isDnsLabel(namespace)) issues.add(join(gPath, "namespace"), `"${namespace}" is not a DNS-1123 label`);
      const egressService = readString(issues, join(gPath, "egressService"), g.egressService, false);
      if (egressService !== undefined && !isDnsSubdomain(egressService))
        issues.add(join(gPath, "egressService"), `"${egressService}" is not a DNS name; use e.g. istio-egressgateway.istio-system.svc.cluster.local`);
      const ingressSelector = readSelector(issues, join(gPath, "ingressSelector"), g.ingressSelector);
      const egressSelector = readSelector(issues, join(gPath, "egressSelector"), g.egressSelector);
      cluster.gateways = {
        ...(namespace && { namespace }),
        ...(ingressSelector && { ingressSelector }),
        ...(egressSelector && { egressSelector }),
        ...(egressService && { egressService }),
      };
    }
  }
  return cluster;
}

function readSelector(issues: IssueList, path: string, v: unknown): Record<string, string> | undefined {
  const selector = readStringMap(issues, path, v);
  if (selector && Object.keys(selector).length === 0) issues.add(path, "is empty; it would select every workload; give at least one label");
  for (const [key, value] of Object.entries(selector ?? {})) {
    if (!isLabelKey(key)) issues.add(join(path, key), `"${key}" is not a Kubernetes label key ([prefix/]name, name: letters, digits, '-', '_', '.'; at most 63)`);
    if (!isLabelValue(value)) issues.add(join(path, key), `"${value}" is not a Kubernetes label value (letters, digits, '-', '_', '.'; at most 63)`);
  }
  return selector;
}

function readAddress(issues: IssueList, path: string, v: unknown, options: ValidateOptions): unknown {
  if (options.isDeferred?.(v)) return v;
  const address = readString(issues, path, v, true);
  if (address !== undefined && !isHostOrIp(address))
    issues.add(path, `"${address}" is neither an IP address nor a DNS name; give the ingress gateway's load-balancer IP or hostname`);
  return address;
}

function readRule(issues: IssueList, path: string, v: unknown): MemberRule | undefined {
  const o = readObject(issues, path, v, ["cluster", "namespace"]);
  if (!o) return undefined;
  const cluster = readString(issues, join(path, "cluster"), o.cluster, true);
  const namespace = readString(issues, join(path, "namespace"), o.namespace, true);
  if (cluster !== undefined && !isPattern(cluster, isDnsLabel))
    issues.add(join(path, "cluster"), `"${cluster}" is neither a cluster name nor a prefix pattern like "cluster*"`);
  if (namespace !== undefined) {
    if (!isPattern(namespace, isDnsLabel))
      issues.add(join(path, "namespace"), `"${namespace}" is neither a namespace name nor a prefix pattern like "shop-*"`);
    else if (SYSTEM_NAMESPACES.includes(namespace))
      issues.add(join(path, "namespace"), `${namespace} is a system namespace and cannot join a GlobalNamespace (system namespaces: ${SYSTEM_NAMESPACES.join(", ")})`);
  }
  return cluster !== undefined && namespace !== undefined ? { cluster, namespace } : undefined;
}

/** A name, or a prefix followed by `*` (the prefix itself need not be a whole label: `shop-*`). */
function isPattern(s: string, isName: (s: string) => boolean): boolean {
  if (s === "*") return true;
  if (s.endsWith("*")) return /^[a-z0-9][-a-z0-9]*$/.test(s.slice(0, -1)) && s.length <= 64;
  return isName(s);
}

function readService(issues: IssueList, path: string, v: unknown): ServiceSpec | undefined {
  const o = readObject(issues, path, v, ["name", "namespace", "clusters", "ports", "address"]);
  if (!o) return undefined;
  const name = readString(issues, join(path, "name"), o.name, true);
  if (name !== undefined && !isDns1035Label(name))
    issues.add(join(path, "name"), `"${name}" is not a valid Service name (DNS-1035 label: starts with a letter; lowercase letters, digits, '-')`);
  const namespace = readString(issues, join(path, "namespace"), o.namespace, true);
  if (namespace !== undefined && !isDnsLabel(namespace)) issues.add(join(path, "namespace"), `"${namespace}" is not a DNS-1123 label`);
  const service: ServiceSpec = { name: name ?? "", namespace: namespace ?? "" };
  const clusters = readArray(issues, join(path, "clusters"), o.clusters, false);
  if (clusters) service.clusters = clusters.map((c, i) => readString(issues, join(join(path, "clusters"), i), c, true) ?? "");
  const ports = readArray(issues, join(path, "ports"), o.ports, false);
  if (ports) {
    if (ports.length === 0) issues.add(join(path, "ports"), "is empty; list at least one port or leave the field out to discover them");
    service.ports = ports.map((p, i) => readPortSpec(issues, join(join(path, "ports"), i), p)).filter((p): p is PortSpec => !!p);
    checkPortSet(issues, join(path, "ports"), service.ports);
  }
  const address = readString(issues, join(path, "address"), o.address, false);
  if (address !== undefined) {
    const problem = vipProblem(address);
    if (problem) issues.add(join(path, "address"), problem);
    else service.address = address;
  }
  return service;
}

function readPortSpec(issues: IssueList, path: string, v: unknown): PortSpec | undefined {
  const o = readObject(issues, path, v, ["number", "name", "protocol"]);
  if (!o) return undefined;
  const number = readPort(issues, join(path, "number"), o.number, true);
  const name = readString(issues, join(path, "name"), o.name, false);
  if (name !== undefined && !isDnsLabel(name))
    issues.add(join(path, "name"), `"${name}" is not a valid port name; use lowercase letters, digits and '-', e.g. http-catalog`);
  const protocol = readString(issues, join(path, "protocol"), o.protocol, false);
  if (protocol !== undefined && !isPortProtocol(protocol))
    issues.add(join(path, "protocol"), `"${protocol}" is not an Istio protocol; use one of ${PORT_PROTOCOLS.join(", ")}`);
  if (number === undefined) return undefined;
  return {
    number,
    ...(name !== undefined && { name }),
    ...(protocol !== undefined && isPortProtocol(protocol) && { protocol }),
  };
}

/** Port numbers and names must be unique within a service; a name's implied protocol must agree with `protocol`. */
function checkPortSet(issues: IssueList, path: string, ports: PortSpec[]): void {
  checkPortsUnique(issues, path, ports);
  ports.forEach((p, i) => {
    const implied = protocolFromName(p.name);
    if (p.protocol && implied && implied !== p.protocol)
      issues.add(join(join(path, i), "protocol"), `${p.protocol} contradicts the port name "${p.name}", which declares ${implied} to Istio; rename the port or fix the protocol`);
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
    if (numbers.has(p.number)) issues.add(join(join(path, i), "number"), `port ${p.number} is listed twice`);
    numbers.add(p.number);
    if (p.name !== undefined) {
      if (names.has(p.name)) issues.add(join(join(path, i), "name"), `port name "${p.name}" is used twice; name each port explicitly`);
      names.add(p.name);
    }
  });
}
