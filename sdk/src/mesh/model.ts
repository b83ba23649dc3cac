import { DiscoveredService } from "./discover";
import { excerpt, IssueList, printable } from "./errors";
import { join } from "./fields";
import {
  DEFAULT_TRUST_DOMAIN,
  EAST_WEST_GATEWAY_RELEASE,
  EAST_WEST_PORT,
  EGRESS_GATEWAY_RELEASE,
  GATEWAY_NAMESPACE,
  gatewaySelector,
  gatewayServiceAccount,
  gatewayServiceHost,
  INGRESS_GATEWAY_RELEASE,
  principal,
} from "./gateways";
import { matchesPattern, isExcluded, isMapped, isPattern, isSystemNamespace } from "./membership";
import { globalHost } from "./names";
import { resolvePolicies } from "./policies";
import { clusterMayCall, ResolvedSidecar, resolveScopes } from "./scope";
import { checkTunnelHttpRules } from "./tunnelLimits";
import { checkEastWest, localityWarnings, portWarnings } from "./eastWestLimits";
import { defaultPortName, protocolFromName } from "./ports";
import {
  ClusterSpec,
  GlobalNamespaceSpec,
  MemberRule,
  MeshMode,
  MtlsMode,
  PolicyAction,
  PortProtocol,
  PortSpec,
  ServiceSpec,
} from "./spec";
import { checkPortsUnique } from "./validate";
import { deriveVip } from "./vip";

/**
 * The resolved mesh: a validated spec with every default filled in, discovered services merged, cross-references
 * checked and virtual IPs assigned. Everything is sorted by name, so the order of lists in the spec never matters.
 */
export interface MeshModel<A = string> {
  name: string;
  domain: string;
  /** How clusters reach each other's services (the spec's `mode`, default `tunnel`). */
  mode: MeshMode;
  clusters: ResolvedCluster<A>[];
  members: MemberRule[];
  services: GlobalService[];
  mtls: MtlsMode;
  defaultDeny: boolean;
  /** Sorted by name. */
  policies: ResolvedPolicy[];
  /**
   * What the spec overrides in what the manifests say (a service's ports or selector), one sentence each naming both
   * values; left out when there is nothing to say. The CLI prints them to stderr.
   */
  warnings?: string[];
}

export interface ResolvedCluster<A = string> {
  name: string;
  /** The cluster's cross-cluster gateway: the ingress gateway (tunnel mode) or the east-west gateway (east-west). */
  ingress?: { address: A; port: number };
  locality?: string;
  network?: string;
  trustDomain: string;
  /**
   * The cluster's namespaces known to be in the GlobalNamespace (member rules' literal names, the namespaces of its
   * services, of its manifests and of `namespaces`), sorted: the objects are exported to these and no others.
   */
  namespaces: string[];
  gateways: {
    namespace: string;
    ingressSelector: Record<string, string>;
    egressSelector: Record<string, string>;
    egressService: string;
    /** Principals (`<trustDomain>/ns/<namespace>/sa/<account>`) of the gateways. */
    ingressPrincipal: string;
    egressPrincipal: string;
    /** Labels of the east-west gateway pods (east-west mode's passthrough Gateway selects them). */
    eastWestSelector: Record<string, string>;
    /**
     * Principal of the east-west gateway. It never terminates mTLS, so no policy names it; kept for tools that follow
     * requests hop by hop (the test simulator).
     */
    eastWestPrincipal: string;
  };
  /**
   * Per declared namespace (every global service it runs here declares `calls`), the global services it may call,
   * sorted; a namespace not listed may call anything. Absent when none is declared (see scope.ts).
   */
  calls?: Record<string, string[]>;
  /** Namespaces that get an Istio Sidecar (`sidecarScope`), sorted by namespace. Absent when none. */
  sidecars?: ResolvedSidecar[];
}

export interface ResolvedPort {
  number: number;
  name: string;
  protocol: PortProtocol;
  /** The port the pods listen on; what AuthorizationPolicies match. */
  targetPort: number;
}

/** An access policy with its references checked and its defaults filled in. */
export interface ResolvedPolicy {
  name: string;
  action: PolicyAction;
  from: ResolvedSource[];
  to: ResolvedTarget[];
}

/** Callers: a mapped namespace, in the clusters where it is mapped and the source applies, maybe narrowed to accounts. */
export interface ResolvedSource {
  namespace: string;
  /** Member clusters the source applies in (sorted); the namespace is mapped in each. */
  clusters: string[];
  /** Service accounts (from `serviceAccounts`, or a `service`'s pods); absent: the whole namespace. */
  serviceAccounts?: string[];
}

export interface ResolvedTarget {
  service: string;
  /** The service's ports it covers (real port numbers), sorted; all of them when the policy names none. */
  ports: number[];
  /** True when the policy named ports (so the rule must say which). */
  portsNamed: boolean;
  methods?: string[];
  paths?: string[];
}

export interface GlobalService {
  name: string;
  namespace: string;
  /** `<name>.<domain>` */
  host: string;
  /** Virtual IP of the host in every member cluster. */
  address: string;
  /** True when the spec pinned the address. */
  pinned: boolean;
  /** Clusters that run it, sorted. */
  clusters: string[];
  ports: ResolvedPort[];
  /** Labels of its pods, when known (the spec's `selector` or the Service's). */
  selector?: Record<string, string>;
  /**
   * Per cluster that runs it, the service accounts of its pods (sorted), when the manifests show them for every such
   * cluster and the spec keeps the manifests' selector: its pods' identities, which east-west callers check.
   */
  serviceAccounts?: Record<string, string[]>;
  /** The global services it declares it calls, sorted; absent when undeclared (it may call anything). */
  calls?: string[];
}

export const DEFAULT_INGRESS_PORT = 443;

/** The cross-cluster port when the spec gives none: the ingress gateway's 443, or the east-west gateway's 15443. */
export function defaultIngressPort(mode: MeshMode): number {
  return mode === MeshMode.EAST_WEST ? EAST_WEST_PORT : DEFAULT_INGRESS_PORT;
}
export const DEFAULT_GATEWAY_NAMESPACE = GATEWAY_NAMESPACE;

/** What discovery learnt from the manifests, beyond the spec. */
export interface DiscoveredFacts {
  services?: readonly DiscoveredService[];
  /** Per cluster, the mapped namespaces its manifests show. */
  namespaces?: Readonly<Record<string, readonly string[]>>;
}

export function resolveMesh<A>(spec: GlobalNamespaceSpec<A>, discovered: DiscoveredFacts = {}): MeshModel<A> {
  const issues = new IssueList();
  const clusterNames = checkClusters(issues, spec.clusters);
  checkRules(issues, spec.members, clusterNames);
  const services = mergeServices(issues, spec, discovered.services ?? [], clusterNames);
  checkAddresses(issues, services);
  checkTrustDomains(issues, spec.clusters);
  const clusters = spec.clusters.map((c, i) =>
    resolveCluster(issues, join("clusters", i), c, spec, services, discovered.namespaces?.[c.name] ?? []),
  );
  const resolvedServices = services.map((s) => s.service).sort(byName);
  resolveScopes(issues, { spec, clusters, services: resolvedServices });
  // After scoping: a cluster whose services no other cluster may call needs no address.
  checkIngress(issues, spec.clusters, clusters, resolvedServices, spec.mode ?? MeshMode.TUNNEL);
  const policies = resolvePolicies(issues, spec.policies ?? [], clusters, resolvedServices, discovered.services ?? []);
  checkRestrictedServices(issues, spec, services, policies);
  const mode = spec.mode ?? MeshMode.TUNNEL;
  const servicePaths = new Map(services.map((s) => [s.service.name, s.path]));
  if (mode === MeshMode.EAST_WEST) checkEastWest(issues, resolvedServices, servicePaths, clusters, spec.policies ?? []);
  const model: MeshModel<A> = {
    name: spec.name,
    domain: spec.domain,
    mode,
    clusters: clusters.sort(byName),
    members: [...spec.members].sort((a, b) =>
      `${a.cluster}/${a.namespace}`.localeCompare(`${b.cluster}/${b.namespace}`),
    ),
    services: resolvedServices,
    mtls: spec.mtls ?? MtlsMode.STRICT,
    defaultDeny: spec.defaultDeny ?? false,
    policies,
  };
  const warnings = services.flatMap((s) => s.overrides);
  if (mode === MeshMode.EAST_WEST) {
    const clusterPaths = new Map(spec.clusters.map((c, i) => [c.name, join("clusters", i)]));
    warnings.push(...portWarnings(spec.clusters), ...localityWarnings(resolvedServices, model.clusters, clusterPaths));
  }
  if (warnings.length > 0) model.warnings = warnings;
  // In east-west mode every caller reaches the pods as itself, so tunnel mode's limits on HTTP rules do not apply.
  if (issues.empty && mode === MeshMode.TUNNEL)
    checkTunnelHttpRules(issues, model, new Map((spec.policies ?? []).map((p, i) => [p.name, join("policies", i)])));
  issues.throwIfAny();
  return model;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function resolveCluster<A>(
  issues: IssueList,
  path: string,
  c: ClusterSpec<A>,
  spec: GlobalNamespaceSpec<A>,
  services: ServiceWithPath[],
  seen: readonly string[],
): ResolvedCluster<A> {
  const namespace = c.gateways?.namespace ?? DEFAULT_GATEWAY_NAMESPACE;
  const trustDomain = c.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  const ingressAccount = c.gateways?.ingressServiceAccount ?? gatewayServiceAccount(INGRESS_GATEWAY_RELEASE, c.name);
  const egressAccount = c.gateways?.egressServiceAccount ?? gatewayServiceAccount(EGRESS_GATEWAY_RELEASE, c.name);
  const eastWestAccount =
    c.gateways?.eastWestServiceAccount ?? gatewayServiceAccount(EAST_WEST_GATEWAY_RELEASE, c.name);
  const port = defaultIngressPort(spec.mode ?? MeshMode.TUNNEL);
  return {
    name: c.name,
    ...(c.ingress && { ingress: { address: c.ingress.address, port: c.ingress.port ?? port } }),
    ...(c.locality && { locality: c.locality }),
    ...(c.network && { network: c.network }),
    trustDomain,
    namespaces: mappedNamespaces(issues, path, c, spec, services, seen),
    gateways: {
      namespace,
      ingressSelector: c.gateways?.ingressSelector ?? gatewaySelector(INGRESS_GATEWAY_RELEASE),
      egressSelector: c.gateways?.egressSelector ?? gatewaySelector(EGRESS_GATEWAY_RELEASE),
      egressService: c.gateways?.egressService ?? gatewayServiceHost(EGRESS_GATEWAY_RELEASE, namespace),
      ingressPrincipal: principal(trustDomain, namespace, ingressAccount),
      egressPrincipal: principal(trustDomain, namespace, egressAccount),
      eastWestSelector: c.gateways?.eastWestSelector ?? gatewaySelector(EAST_WEST_GATEWAY_RELEASE),
      eastWestPrincipal: principal(trustDomain, namespace, eastWestAccount),
    },
  };
}

/**
 * The cluster's namespaces known to be in the GlobalNamespace: the audience of its objects (exportTo). A namespace
 * that only a pattern maps and nothing shows is unknown, and so neither resolves nor reaches a global name.
 */
function mappedNamespaces<A>(
  issues: IssueList,
  path: string,
  c: ClusterSpec<A>,
  spec: GlobalNamespaceSpec<A>,
  services: ServiceWithPath[],
  seen: readonly string[],
): string[] {
  const gatewayNamespace = c.gateways?.namespace ?? DEFAULT_GATEWAY_NAMESPACE;
  const known = new Set<string>();
  for (const r of spec.members)
    if (matchesPattern(r.cluster, c.name) && !isPattern(r.namespace) && !isSystemNamespace(r.namespace))
      known.add(r.namespace);
  for (const s of services) if (s.service.clusters.includes(c.name)) known.add(s.service.namespace);
  for (const ns of seen) if (isMapped(spec.members, c.name, ns)) known.add(ns);
  (c.namespaces ?? []).forEach((ns, i) => {
    if (ns === gatewayNamespace)
      issues.add(
        join(join(path, "namespaces"), i),
        `${ns} is the cluster's gateways' namespace, which never joins a GlobalNamespace; drop it here`,
      );
    else if (isMapped(spec.members, c.name, ns)) known.add(ns);
    else
      issues.add(
        join(join(path, "namespaces"), i),
        `namespace ${ns} is not mapped by any member rule for cluster ${c.name}; add { cluster: ${c.name}, namespace: ${ns} } to members, or drop it here`,
      );
  });
  known.delete(gatewayNamespace);
  // A cluster no rule matches at all is reported by checkRules.
  const ruled = spec.members.some((r) => matchesPattern(r.cluster, c.name));
  if (known.size === 0 && services.length > 0 && ruled)
    issues.add(
      path,
      `no namespace of cluster ${c.name} is known to be in the GlobalNamespace (its member rules are patterns and no service or manifest shows one), so no workload there could use a global name; list the namespaces that call in ${join(path, "namespaces")}, e.g. [shop]`,
    );
  return [...known].sort();
}

/**
 * A service an ALLOW policy (or defaultDeny) restricts gets an AuthorizationPolicy on its pods: their labels must be
 * known, and so must the pod ports a policy names.
 */
function checkRestrictedServices<A>(
  issues: IssueList,
  spec: GlobalNamespaceSpec<A>,
  services: ServiceWithPath[],
  policies: ResolvedPolicy[],
): void {
  for (const { service, path, unresolvedTargetPorts } of services) {
    const targets = policies.flatMap((p) => p.to.filter((t) => t.service === service.name).map((t) => ({ p, t })));
    // Any policy on the service, or defaultDeny, may write a policy on its pods.
    if (spec.defaultDeny !== true && targets.length === 0) continue;
    if (!service.selector)
      issues.add(
        path,
        `access policies apply to ${service.name}, so its pods get an AuthorizationPolicy, but their labels are unknown; pass the manifests of a cluster that runs it, or give its selector, e.g. selector: { app: ${service.name} }`,
      );
    for (const { p, t } of targets) {
      if (!t.portsNamed) continue;
      for (const port of t.ports) {
        const name = unresolvedTargetPorts[port];
        if (name !== undefined)
          issues.add(
            path,
            `policy ${p.name} names port ${port} of ${service.name}, whose targetPort "${name}" no workload in the manifests declares; pass the workload's manifests, or give the port's targetPort as a number`,
          );
      }
    }
  }
}

function checkClusters<A>(issues: IssueList, clusters: ClusterSpec<A>[]): Set<string> {
  const names = new Set<string>();
  clusters.forEach((c, i) => {
    if (names.has(c.name))
      issues.add(
        join(join("clusters", i), "name"),
        `cluster "${c.name}" is listed twice; list each cluster once (cluster names must be unique)`,
      );
    names.add(c.name);
  });
  return names;
}

function checkRules(issues: IssueList, rules: MemberRule[], clusters: Set<string>): void {
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const path = join("members", i);
    const key = `${r.cluster}/${r.namespace}`;
    if (seen.has(key))
      issues.add(
        path,
        `rule { cluster: ${r.cluster}, namespace: ${r.namespace} } is listed twice; drop one of the two`,
      );
    seen.add(key);
    if (![...clusters].some((c) => matchesPattern(r.cluster, c)))
      issues.add(
        join(path, "cluster"),
        r.cluster.endsWith("*")
          ? `pattern "${r.cluster}" matches no cluster; clusters are: ${[...clusters].join(", ")}`
          : `unknown cluster "${r.cluster}"; add it to clusters or use one of: ${[...clusters].join(", ")}`,
      );
  });
  for (const c of clusters) {
    if (!rules.some((r) => matchesPattern(r.cluster, c)))
      issues.add(
        "members",
        `no rule maps a namespace of cluster "${c}"; add e.g. { cluster: ${c}, namespace: default } or remove the cluster`,
      );
  }
}

interface ServiceWithPath {
  service: GlobalService;
  path: string;
  /** Ports whose pod port is a name the manifests do not resolve: port → name. */
  unresolvedTargetPorts: Record<number, string>;
  /** The spec's values that replace what the manifests declare. */
  overrides: string[];
}

/** A service as the spec lists it, and where. */
interface ListedService {
  s: ServiceSpec;
  path: string;
}

/** One global service name with its spec entry (`e`), its discovered Service (`d`), or both: never neither. */
type ServiceSources =
  { name: string; e: ListedService; d?: DiscoveredService } | { name: string; e?: undefined; d: DiscoveredService };

/** Explicit services, plus discovered ones; a service both listed and discovered runs in the union of clusters. */
function mergeServices<A>(
  issues: IssueList,
  spec: GlobalNamespaceSpec<A>,
  discovered: readonly DiscoveredService[],
  clusters: Set<string>,
): ServiceWithPath[] {
  const explicit = new Map<string, ListedService>();
  (spec.services ?? []).forEach((s, i) => {
    const path = join("services", i);
    const first = explicit.get(s.name);
    if (first)
      issues.add(
        join(path, "name"),
        `service "${s.name}" is listed twice (also ${first.path}); list it once: global names must be unique`,
      );
    else explicit.set(s.name, { s, path });
  });
  const found = new Map(discovered.map((d) => [d.name, d]));
  const out: ServiceWithPath[] = [];
  for (const { name, e, d } of sourcesByName(explicit, found)) {
    const path = e ? e.path : d.origin;
    if (e && d && e.s.namespace !== d.namespace) {
      issues.add(
        join(path, "namespace"),
        `is ${e.s.namespace}, but the manifests have Service ${name} in namespace ${d.namespace} (${d.origin})`,
      );
      continue;
    }
    const namespace = e ? e.s.namespace : d.namespace;
    const runsIn = [...new Set([...(e?.s.clusters ?? []), ...(d?.clusters ?? [])])].sort();
    const ports = e?.s.ports ?? d?.ports ?? [];
    if (runsIn.length === 0)
      issues.add(
        join(path, "clusters"),
        `service ${name} runs in no cluster; list its clusters or pass the manifests of a cluster that runs it`,
      );
    if (ports.length === 0)
      issues.add(
        join(path, "ports"),
        `service ${name} has no ports; list them or pass manifests that define the Service`,
      );
    if (e?.s.clusters && new Set(e.s.clusters).size !== e.s.clusters.length)
      issues.add(join(path, "clusters"), "lists a cluster twice; list each cluster that runs the service once");
    for (const c of runsIn) {
      if (!clusters.has(c))
        issues.add(join(path, "clusters"), `unknown cluster "${c}"; known clusters: ${[...clusters].join(", ")}`);
      else if (
        (spec.clusters.find((x) => x.name === c)?.gateways?.namespace ?? DEFAULT_GATEWAY_NAMESPACE) === namespace
      )
        issues.add(
          join(path, "namespace"),
          `${namespace} is the gateways' namespace of cluster ${c}, which never joins a GlobalNamespace; move the service to an application namespace`,
        );
      else if (isSystemNamespace(namespace))
        issues.add(
          join(path, "namespace"),
          `${namespace} is a system namespace, and those never join a GlobalNamespace; move the service to an application namespace, e.g. "default"`,
        );
      else if (!isMapped(spec.members, c, namespace))
        issues.add(
          path,
          `namespace ${namespace} of cluster ${c} is not in the GlobalNamespace; add the member rule { cluster: ${c}, namespace: ${namespace} } or move the service`,
        );
    }
    if (e) {
      for (const c of runsIn)
        if (isExcluded(spec.members, c, namespace, name))
          issues.add(
            e.path,
            `service ${name} is listed, but the member rule for ${c}/${namespace} excludes it (excludeServices); drop one of the two`,
          );
    }
    const resolvedPorts = ports
      .map((p): ResolvedPort => {
        const protocol = p.protocol ?? protocolFromName(p.name) ?? "TCP";
        return {
          number: p.number,
          name: p.name ?? defaultPortName(protocol, p.number),
          protocol,
          targetPort: p.targetPort ?? d?.ports.find((q) => q.number === p.number)?.targetPort ?? p.number,
        };
      })
      .sort((a, b) => a.number - b.number);
    const selector = e?.s.selector ?? d?.selector;
    const serviceAccounts = podAccounts(runsIn, d, e?.s.selector);
    checkPortsUnique(issues, join(path, "ports"), resolvedPorts);
    const host = globalHost(name, spec.domain);
    out.push({
      path,
      unresolvedTargetPorts: e?.s.ports ? {} : (d?.unresolvedTargetPorts ?? {}),
      overrides: e && d ? overridesOf(name, e.path, e.s, d) : [],
      service: {
        name,
        namespace,
        host,
        address: e?.s.address ?? deriveVip(spec.name, host),
        pinned: e?.s.address !== undefined,
        clusters: runsIn,
        ports: resolvedPorts,
        ...(selector && Object.keys(selector).length > 0 && { selector }),
        ...(serviceAccounts && { serviceAccounts }),
      },
    });
  }
  return out;
}

/**
 * The service accounts of a service's pods per cluster that runs it, from the manifests: only when every such cluster's
 * manifests show its workloads, and the spec's selector (if any) is the manifests' (they were found by that one).
 */
function podAccounts(
  runsIn: string[],
  d: DiscoveredService | undefined,
  listedSelector: Record<string, string> | undefined,
): Record<string, string[]> | undefined {
  if (!d?.selector || (listedSelector && labels(listedSelector) !== labels(d.selector))) return undefined;
  const known = runsIn.map((c): [string, string[]] => [c, d.serviceAccounts[c] ?? []]);
  return known.every(([, accounts]) => accounts.length > 0) ? Object.fromEntries(known) : undefined;
}

/**
 * A listed service's ports and selector replace the manifests' (the spec wins). Said when they differ: a port the
 * manifests declare that the spec drops or declares otherwise, or another selector.
 */
function overridesOf(
  name: string,
  path: string,
  listed: { ports?: readonly PortSpec[]; selector?: Record<string, string> },
  found: DiscoveredService,
): string[] {
  const out: string[] = [];
  const port = (p: PortSpec) =>
    [`${p.number}`, p.name && `name ${p.name}`, p.protocol && `protocol ${p.protocol}`].filter(Boolean).join(" ");
  const ports = (list: readonly PortSpec[]) => list.map(port).join(", ") || "none";
  if (listed.ports) {
    const differs = (p: PortSpec, q: PortSpec | undefined) =>
      !q ||
      (p.name !== undefined && q.name !== undefined && p.name !== q.name) ||
      (p.protocol !== undefined && q.protocol !== undefined && p.protocol !== q.protocol);
    const changed =
      found.ports.some((q) =>
        differs(
          q,
          listed.ports?.find((p) => p.number === q.number),
        ),
      ) ||
      listed.ports.some((p) =>
        differs(
          p,
          found.ports.find((q) => q.number === p.number),
        ),
      );
    if (changed)
      out.push(
        `${path}.ports: service ${name}'s ports in the spec (${ports(listed.ports)}) override the ports the manifests declare (${ports(found.ports)}; ${found.origin}); the spec's are used — drop ports: from the spec to use the manifests'`,
      );
  }
  if (
    listed.selector &&
    found.selector &&
    JSON.stringify(sorted(listed.selector)) !== JSON.stringify(sorted(found.selector))
  )
    out.push(
      `${path}.selector: service ${name}'s selector in the spec (${labels(listed.selector)}) overrides the manifests' (${labels(found.selector)}; ${found.origin}); the spec's is used — drop selector: from the spec to use the manifests'`,
    );
  // Values from the manifests reach a terminal: no control characters, no megabyte label.
  return out.map((w) => excerpt(printable(w)));
}

function sorted(r: Record<string, string>): [string, string][] {
  return Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function labels(r: Record<string, string>): string {
  return sorted(r)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

/** Every service name, listed ones in spec order first, then the discovered ones the spec does not list. */
function sourcesByName(explicit: Map<string, ListedService>, found: Map<string, DiscoveredService>): ServiceSources[] {
  const listed = [...explicit].map(([name, e]) => ({ name, e, d: found.get(name) }));
  const discoveredOnly = [...found].filter(([name]) => !explicit.has(name)).map(([name, d]) => ({ name, d }));
  return [...listed, ...discoveredOnly];
}

/** Virtual IPs must be unique in the GlobalNamespace. A derived collision asks for a pin; it never shifts an address. */
function checkAddresses(issues: IssueList, services: ServiceWithPath[]): void {
  const byAddress = new Map<string, ServiceWithPath>();
  for (const s of [...services].sort((a, b) => byName(a.service, b.service))) {
    const other = byAddress.get(s.service.address);
    if (!other) {
      byAddress.set(s.service.address, s);
      continue;
    }
    const [a, b] = [other.service, s.service];
    if (a.pinned && b.pinned)
      issues.add(
        join(s.path, "address"),
        `${b.address} is pinned for both ${a.name} and ${b.name}; each service needs its own address`,
      );
    else if (a.pinned || b.pinned) {
      const [pinned, derived] = a.pinned ? [a, b] : [b, a];
      issues.add(
        join(pinned === a ? other.path : s.path, "address"),
        `${pinned.address}, pinned for ${pinned.name}, is the derived address of ${derived.name}; pin another address`,
      );
    } else
      issues.add(
        s.path,
        `the derived addresses of ${a.name} and ${b.name} collide (${a.address}); pin one of them with "address:" to any free class E address, e.g. 241.0.0.10`,
      );
  }
}

/**
 * Istio reads a policy principal in `cluster.local` as "this cluster's own trust domain" (pilot rewrites it), so once
 * clusters differ in trust domain, one left at the default names another cluster's gateways wrongly: refused.
 */
function checkTrustDomains<A>(issues: IssueList, clusters: ClusterSpec<A>[]): void {
  const domains = new Set(clusters.map((c) => c.trustDomain ?? DEFAULT_TRUST_DOMAIN));
  if (domains.size < 2 || !domains.has(DEFAULT_TRUST_DOMAIN)) return;
  clusters.forEach((c, i) => {
    if ((c.trustDomain ?? DEFAULT_TRUST_DOMAIN) === DEFAULT_TRUST_DOMAIN)
      issues.add(
        join(join("clusters", i), "trustDomain"),
        `is ${DEFAULT_TRUST_DOMAIN} while other clusters have their own trust domain; Istio reads ${DEFAULT_TRUST_DOMAIN} in a policy as the local cluster's domain, so give every cluster its own trust domain (e.g. ${c.name}.acme.internal) or leave them all at the default`,
      );
  });
}

/**
 * The address check again, once the calls the manifests show are added (scope.ts addFoundCalls): a found call can
 * make a cluster with no address one that other clusters call. Throws SpecError naming `clusters[i].ingress`.
 */
export function checkFoundCallAddresses<A>(spec: GlobalNamespaceSpec<A>, model: MeshModel<A>): void {
  const issues = new IssueList();
  checkIngress(issues, spec.clusters, model.clusters, model.services, model.mode);
  issues.throwIfAny();
}

/**
 * A cluster that runs a service some other member cluster may call (declared calls, scope.ts) must say where its
 * cross-cluster gateway is: the ingress gateway, or in east-west mode the east-west gateway.
 */
function checkIngress<A>(
  issues: IssueList,
  specs: ClusterSpec<A>[],
  clusters: ResolvedCluster<A>[],
  services: GlobalService[],
  mode: MeshMode,
): void {
  // In east-west mode every caller's ServiceEntry lists the other owners too (failover), so any other member cluster
  // that may call a service that runs here sends to it; the passthrough Gateway (compileEastWest.ts) agrees.
  const calledFrom = (s: GlobalService, o: ResolvedCluster<A>) =>
    (mode === MeshMode.EAST_WEST || !s.clusters.includes(o.name)) && clusterMayCall(o, s);
  specs.forEach((c, i) => {
    if (c.ingress) return;
    const exported = services.filter(
      (s) => s.clusters.includes(c.name) && clusters.some((o) => o.name !== c.name && calledFrom(s, o)),
    );
    if (exported.length > 0)
      issues.add(
        join(join("clusters", i), "ingress"),
        mode === MeshMode.EAST_WEST
          ? `cluster ${c.name} runs ${exported.map((s) => s.name).join(", ")}, called from other clusters, so it needs its east-west gateway's address (load-balancer IP or hostname): ingress.address in a spec file; with the GlobalNamespace component, the cluster's eastWest, a MeshCluster's eastWest output (installed with eastWest: true)`
          : `cluster ${c.name} runs ${exported.map((s) => s.name).join(", ")}, called from other clusters, so it needs ingress.address (its ingress gateway's load-balancer IP or hostname)`,
      );
  });
}
