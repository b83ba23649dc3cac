import { checkDnsLabel, checkPort, checkServiceName } from "./checks";
import { IssueList } from "./errors";
import { isPlainObject, join, Plain } from "./fields";
import { isExcluded, isSystemNamespace, matchesPattern } from "./membership";
import { portProtocol } from "./ports";
import { EXPORT_LABEL, MemberRule, PortSpec } from "./spec";

/**
 * Service discovery from Kubernetes manifests, as TSM does it: every `Service` in a namespace that a mapping rule
 * selects joins the GlobalNamespace, except the ones that must never be exported (the API server's `kubernetes`
 * Service, Services of system namespaces, Services labelled `globalmesh.io/export: "false"` and those a member rule
 * excludes). The same Service name in the same namespace of several clusters is one global service running in all
 * of them. Discovered ports are checked like the spec's; the workloads a Service selects give its pods' service
 * accounts (the identities access policies name) and resolve a named `targetPort`.
 */

/** The objects of one cluster's manifests. `source` names where they came from, for messages. */
export interface ClusterManifests {
  cluster: string;
  source: string;
  objects: unknown[];
  /** Namespace of objects that name none (what `kubectl apply -n` would use). Default `default`. */
  defaultNamespace?: string;
}

export interface DiscoveredService {
  name: string;
  namespace: string;
  clusters: string[];
  /** `targetPort` set when the Service's is a number, or a name a selected workload's container port resolves. */
  ports: PortSpec[];
  /** The Service's `selector`. */
  selector?: Record<string, string>;
  /** Per cluster, the service accounts of the workloads the selector picks (`default` when a pod names none), sorted. */
  serviceAccounts: Record<string, string[]>;
  /** Service ports whose named `targetPort` no workload in the manifests resolves: port number → the name. */
  unresolvedTargetPorts?: Record<number, string>;
  /** Where it was found, e.g. `cluster2: manifests/cluster2.yaml Service default/catalog`. */
  origin: string;
}

/**
 * A Service that a rule selects but that cannot take part, and why; with `port`, one port of a Service that joins
 * with its other ports (a UDP or SCTP port, which Istio does not carry).
 */
export interface SkippedService {
  cluster: string;
  service: string;
  /** Set when only this port is left out. */
  port?: number;
  reason: string;
}

export interface Discovery {
  services: DiscoveredService[];
  skipped: SkippedService[];
  /** Per cluster, the mapped namespaces its manifests show (objects' namespaces and Namespace objects), sorted. */
  namespaces: Record<string, string[]>;
}

/** The API server's Service, in every cluster: never a global service. */
const API_SERVER_SERVICE = { namespace: "default", name: "kubernetes" };

/** Kinds whose pod template a Service may select, and where the template is. */
const podTemplate = (spec: Plain): unknown => spec.template;
const WORKLOAD_KINDS = new Map<string, { apiVersion: string; template: (spec: Plain) => unknown }>([
  ["Deployment", { apiVersion: "apps/v1", template: podTemplate }],
  ["StatefulSet", { apiVersion: "apps/v1", template: podTemplate }],
  ["DaemonSet", { apiVersion: "apps/v1", template: podTemplate }],
  ["ReplicaSet", { apiVersion: "apps/v1", template: podTemplate }],
  ["Job", { apiVersion: "batch/v1", template: podTemplate }],
  [
    "CronJob",
    {
      apiVersion: "batch/v1",
      template: (s) =>
        isPlainObject(s.jobTemplate) && isPlainObject(s.jobTemplate.spec) ? s.jobTemplate.spec.template : undefined,
    },
  ],
]);

/** Kinds that live in no namespace: an object of these names none, and `defaultNamespace` does not apply. */
const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "PriorityClass",
  "IngressClass",
  "RuntimeClass",
  "APIService",
  "CSIDriver",
  "VolumeSnapshotClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "CertificateSigningRequest",
  "ClusterIssuer",
]);

/** The pods a workload runs, as far as selection goes. */
interface Workload {
  namespace: string;
  labels: Record<string, string>;
  serviceAccount: string;
  /** Container port name → number. */
  ports: Map<string, number>;
}

/** A Service port before its named targetPort is resolved. */
interface ServicePort extends PortSpec {
  /** The Service's named targetPort, to resolve through the selected workloads. */
  targetPortName?: string;
}

/** One cluster's view of a Service, before the clusters are merged. */
interface Found {
  cluster: string;
  name: string;
  namespace: string;
  ports: ServicePort[];
  selector?: Record<string, string>;
  workloads: Workload[];
  where: string;
}

export function discoverServices(rules: readonly MemberRule[], manifests: readonly ClusterManifests[]): Discovery {
  const issues = new IssueList();
  const skipped: SkippedService[] = [];
  const namespaces = new Map<string, Set<string>>();
  const found: Found[] = [];
  for (const m of manifests) {
    const seen = namespaces.get(m.cluster) ?? new Set<string>();
    namespaces.set(m.cluster, seen);
    const badNamespaces = new Set<string>();
    /** The object's namespace if the cluster maps it (reported once when it is not a DNS label), else undefined. */
    const mappedNamespace = (obj: Plain & { metadata: Plain }, where: string): string | undefined => {
      const ns = namespaceOf(obj, m.defaultNamespace);
      if (ns === undefined || isSystemNamespace(ns) || !selects(rules, m.cluster, ns)) return undefined;
      if (badNamespaces.has(ns)) return undefined;
      if (checkDnsLabel(issues, where, ns, { example: "default" }) === undefined) {
        badNamespaces.add(ns);
        return undefined;
      }
      seen.add(ns);
      return ns;
    };
    const workloads: Workload[] = [];
    const services: (Plain & { metadata: Plain })[] = [];
    for (const obj of m.objects) {
      if (!hasMetadata(obj)) continue;
      const kind = typeof obj.kind === "string" ? obj.kind : "object";
      const field = kind === "Namespace" ? "metadata.name" : "metadata.namespace";
      const where = `${m.cluster}: ${m.source} ${kind} ${describe(obj, m.defaultNamespace)} ${field}`;
      const ns = mappedNamespace(obj, where);
      if (isService(obj)) services.push(obj);
      else if (ns !== undefined) workloads.push(...workloadsOf(obj, ns));
    }
    for (const obj of services) {
      const name = obj.metadata.name as string;
      const namespace = namespaceOf(obj, m.defaultNamespace) ?? "default";
      if (!selects(rules, m.cluster, namespace)) continue;
      const where = `${m.cluster}: ${m.source} Service ${namespace}/${name}`;
      const skip = (reason: string) => skipped.push({ cluster: m.cluster, service: `${namespace}/${name}`, reason });
      const exclusion = exclusionOf(rules, m.cluster, namespace, name, obj.metadata);
      if (exclusion) {
        skip(exclusion);
        continue;
      }
      if (badNamespaces.has(namespace)) continue;
      if (checkServiceName(issues, where, name, { example: "catalog" }) === undefined) continue;
      const spec = isPlainObject(obj.spec) ? obj.spec : {};
      if (spec.type === "ExternalName") {
        skip("type ExternalName has no workloads to route to");
        continue;
      }
      const { ports, dropped } = servicePorts(issues, where, spec.ports);
      if (ports === undefined) continue;
      if (ports.length === 0) {
        skip(
          dropped.length ? `only ${dropped.map((d) => d.label).join(", ")}, which Istio does not carry` : "no ports",
        );
        continue;
      }
      for (const d of dropped)
        skipped.push({
          cluster: m.cluster,
          service: `${namespace}/${name}`,
          port: d.number,
          reason: `${d.label} is not carried by Istio (it proxies TCP only); the service joins with its other ports`,
        });
      const selector = selectorOf(spec.selector);
      const picked = selector ? workloads.filter((w) => w.namespace === namespace && selectsPod(selector, w)) : [];
      found.push({
        cluster: m.cluster,
        name,
        namespace,
        ports,
        ...(selector && { selector }),
        workloads: picked,
        where,
      });
    }
  }
  const services = merge(issues, found);
  issues.throwIfAny();
  return {
    services: services.sort((a, b) => a.name.localeCompare(b.name)),
    skipped,
    namespaces: Object.fromEntries([...namespaces].map(([c, set]) => [c, [...set].sort()])),
  };
}

/** Does a rule select this namespace of this cluster (system namespaces aside, which `exclusionOf` reports)? */
function selects(rules: readonly MemberRule[], cluster: string, namespace: string): boolean {
  return rules.some((r) => matchesPattern(r.cluster, cluster) && matchesPattern(r.namespace, namespace));
}

/** Why a Service a rule selects is never exported, or undefined. */
function exclusionOf(
  rules: readonly MemberRule[],
  cluster: string,
  namespace: string,
  name: string,
  metadata: Plain,
): string | undefined {
  if (isSystemNamespace(namespace))
    return `namespace ${namespace} is a system namespace, and those never join a GlobalNamespace`;
  if (namespace === API_SERVER_SERVICE.namespace && name === API_SERVER_SERVICE.name)
    return "the Kubernetes API server's Service is never exported";
  const labels = isPlainObject(metadata.labels) ? metadata.labels : {};
  if (labels[EXPORT_LABEL] === "false") return `labelled ${EXPORT_LABEL}: "false"`;
  if (isExcluded(rules, cluster, namespace, name)) return "a member rule excludes it (excludeServices)";
  return undefined;
}

/** Merges each Service's clusters into one global service per name. */
function merge(issues: IssueList, found: Found[]): DiscoveredService[] {
  const byName = new Map<string, Found[]>();
  for (const f of found) {
    const same = byName.get(f.name);
    if (!same) {
      byName.set(f.name, [f]);
      continue;
    }
    const first = same[0];
    if (first.namespace !== f.namespace)
      issues.add(
        f.where,
        `a global name maps to one namespace, but "${f.name}" is also in namespace ${first.namespace} (${first.where}); rename one Service or narrow the member rules`,
      );
    else if (same.some((s) => s.cluster === f.cluster))
      issues.add(
        f.where,
        `Service ${f.namespace}/${f.name} appears twice in the manifests of ${f.cluster}; keep one of the two`,
      );
    else if (portKey(first.ports) !== portKey(f.ports))
      issues.add(
        f.where,
        `ports ${portKey(f.ports)} differ from ${portKey(first.ports)} in ${first.where}; a global service has one set of ports`,
      );
    else if (selectorKey(first.selector) !== selectorKey(f.selector))
      issues.add(
        f.where,
        `selector ${selectorKey(f.selector)} differs from ${selectorKey(first.selector)} in ${first.where}; access policies select a global service's pods by one set of labels, so give its pods the same labels in every cluster`,
      );
    else same.push(f);
  }
  return [...byName.values()].map((all) => toService(issues, all));
}

/** One global service from its Services in one or more clusters (which agree on namespace and ports). */
function toService(issues: IssueList, all: Found[]): DiscoveredService {
  const [first] = all;
  const workloads = all.flatMap((f) => f.workloads);
  const unresolved: Record<number, string> = {};
  const ports = first.ports.map(({ targetPortName, ...port }): PortSpec => {
    if (targetPortName === undefined) return port;
    const numbers = [...new Set(workloads.flatMap((w) => w.ports.get(targetPortName) ?? []))];
    if (numbers.length === 1) return { ...port, targetPort: numbers[0] };
    if (numbers.length > 1)
      issues.add(
        first.where,
        `port ${port.number}'s targetPort "${targetPortName}" is container port ${numbers.sort((a, b) => a - b).join(" in some pods and ")} in others; a global service has one pod port per port, so give the containers one number`,
      );
    else unresolved[port.number] = targetPortName;
    return port;
  });
  const selector = all.find((f) => f.selector)?.selector;
  return {
    name: first.name,
    namespace: first.namespace,
    clusters: all.map((f) => f.cluster),
    ports,
    ...(selector && { selector }),
    serviceAccounts: Object.fromEntries(
      all.map((f) => [f.cluster, [...new Set(f.workloads.map((w) => w.serviceAccount))].sort()]),
    ),
    ...(Object.keys(unresolved).length > 0 && { unresolvedTargetPorts: unresolved }),
    origin: first.where,
  };
}

function hasMetadata(obj: unknown): obj is Plain & { metadata: Plain } {
  return isPlainObject(obj) && isPlainObject(obj.metadata);
}

function isService(obj: Plain & { metadata: Plain }): boolean {
  return obj.kind === "Service" && obj.apiVersion === "v1" && typeof obj.metadata.name === "string";
}

/** The namespace an object lives in (a Namespace object: itself); undefined for other cluster-scoped kinds. */
function namespaceOf(obj: Plain & { metadata: Plain }, defaultNamespace = "default"): string | undefined {
  if (obj.kind === "Namespace")
    return obj.apiVersion === "v1" && typeof obj.metadata.name === "string" ? obj.metadata.name : undefined;
  if (typeof obj.kind === "string" && CLUSTER_SCOPED_KINDS.has(obj.kind)) return undefined;
  return typeof obj.metadata.namespace === "string" ? obj.metadata.namespace : defaultNamespace;
}

/** `ns/name`, or `name` for a Namespace, for messages. */
function describe(obj: Plain & { metadata: Plain }, defaultNamespace?: string): string {
  const name = typeof obj.metadata.name === "string" ? obj.metadata.name : "(unnamed)";
  return obj.kind === "Namespace" ? name : `${namespaceOf(obj, defaultNamespace) ?? ""}/${name}`;
}

/** The pods a workload object runs (none for other kinds). */
function workloadsOf(obj: Plain & { metadata: Plain }, namespace: string): Workload[] {
  if (obj.kind === "Pod" && obj.apiVersion === "v1") {
    const pod = podOf(obj.metadata, obj.spec, namespace);
    return pod ? [pod] : [];
  }
  const kind = typeof obj.kind === "string" ? WORKLOAD_KINDS.get(obj.kind) : undefined;
  if (!kind || obj.apiVersion !== kind.apiVersion) return [];
  const template = isPlainObject(obj.spec) ? kind.template(obj.spec) : undefined;
  if (!isPlainObject(template)) return [];
  const pod = podOf(template.metadata, template.spec, namespace);
  return pod ? [pod] : [];
}

function podOf(metadata: unknown, spec: unknown, namespace: string): Workload | undefined {
  if (!isPlainObject(spec)) return undefined;
  const labels = isPlainObject(metadata) && isPlainObject(metadata.labels) ? stringsOf(metadata.labels) : {};
  const account = nonEmptyString(spec.serviceAccountName) ?? nonEmptyString(spec.serviceAccount) ?? "default";
  const ports = new Map<string, number>();
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) {
    if (!isPlainObject(c) || !Array.isArray(c.ports)) continue;
    for (const p of c.ports)
      if (isPlainObject(p) && typeof p.name === "string" && Number.isInteger(p.containerPort))
        ports.set(p.name, p.containerPort as number);
  }
  return { namespace, labels, serviceAccount: account, ports };
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function stringsOf(o: Plain): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** A Service's selector; none (or an empty one) selects no pod: Kubernetes then manages no endpoints. */
function selectorOf(v: unknown): Record<string, string> | undefined {
  if (!isPlainObject(v)) return undefined;
  const selector = stringsOf(v);
  return Object.keys(selector).length > 0 ? selector : undefined;
}

function selectsPod(selector: Record<string, string>, w: Workload): boolean {
  return Object.entries(selector).every(([k, v]) => w.labels[k] === v);
}

/**
 * Kubernetes ServicePorts → global service ports, checked like the spec's: `port` a whole number 1–65535, the name a
 * DNS label. UDP and SCTP ports are dropped (Istio proxies TCP only) and returned in `dropped`. `ports` is undefined
 * when a port is wrong.
 */
function servicePorts(
  issues: IssueList,
  where: string,
  raw: unknown,
): { ports: ServicePort[] | undefined; dropped: { number: number; label: string }[] } {
  const ports: ServicePort[] = [];
  const dropped: { number: number; label: string }[] = [];
  let bad = false;
  (Array.isArray(raw) ? raw : []).forEach((p: unknown, i) => {
    const path = `${where} ports[${i}]`;
    if (!isPlainObject(p)) {
      issues.add(path, "is not a mapping; give a ServicePort, e.g. { name: http, port: 8080 }");
      bad = true;
      return;
    }
    const number = checkPort(issues, join(path, "port"), p.port, { example: 8080, required: true });
    const name = checkDnsLabel(issues, join(path, "name"), p.name, { example: "http" });
    const target = targetPortOf(issues, join(path, "targetPort"), p.targetPort);
    if (number === undefined || (p.name !== undefined && name === undefined) || target === null) {
      bad = true;
      return;
    }
    const l4 = typeof p.protocol === "string" ? p.protocol : "TCP";
    if (l4 !== "TCP") {
      dropped.push({ number, label: `${l4} port ${number}` });
      return;
    }
    const appProtocol = typeof p.appProtocol === "string" ? p.appProtocol : undefined;
    const protocol = portProtocol({ number, ...(name && { name }), ...(appProtocol && { appProtocol }), protocol: l4 });
    ports.push({
      number,
      ...(name && { name }),
      protocol,
      ...(typeof target === "number" && { targetPort: target }),
      ...(typeof target === "string" && { targetPortName: target }),
    });
  });
  return { ports: bad ? undefined : ports.sort((a, b) => a.number - b.number), dropped };
}

/** A ServicePort's targetPort: a number 1–65535 or a container port's name; undefined when absent, null when wrong. */
function targetPortOf(issues: IssueList, path: string, v: unknown): number | string | undefined | null {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string" && /^[0-9]+$/.test(v)) {
    issues.add(path, `"${v}" is a port number in quotes; write it without quotes, e.g. 8080`);
    return null;
  }
  if (typeof v === "string") return checkDnsLabel(issues, path, v, { example: "http" }) ?? null;
  return checkPort(issues, path, v, { example: 8080 }) ?? null;
}

function selectorKey(selector: Record<string, string> | undefined): string {
  const entries = Object.entries(selector ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(", ")} }`;
}

/** A Service's ports as compared across clusters: number, protocol and, when it is another port, the pod port. */
function portKey(ports: ServicePort[]): string {
  return ports
    .map((p) => {
      const target = p.targetPortName ?? p.targetPort ?? p.number;
      return `${p.number}/${p.protocol}${target === p.number ? "" : `→${target}`}`;
    })
    .join(",");
}
