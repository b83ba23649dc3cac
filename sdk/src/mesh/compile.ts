import { eastWestClusterObjects } from "./compileEastWest";
import {
  gatewayEndpoint,
  ingressOf,
  localEndpoint,
  localFqdn,
  meta,
  namespaceObjects,
  operation,
  uniquelyNamed,
} from "./compileShared";
import { spiffeUri } from "./gateways";
import { allowGrants, denyGrants, Grant, hasHttpRules, isRestricted } from "./grants";
import { authorizationPolicy, tunnelPolicy, tunnelRule, workloadRule } from "./istio/authorization";
import { egressSubsets, ingressHop, remoteTls } from "./istio/destinationRules";
import { meshRoute } from "./istio/meshRoute";
import { serviceEntry } from "./istio/serviceEntry";
import { TunnelEnd, tunnelGateway, tunnelRoutes } from "./istio/tunnel";
import { AuthorizationRule, Destination } from "./istio/types";
import { GlobalService, MeshModel, ResolvedCluster, ResolvedPort } from "./model";
import { egressSubsetName, serviceObjectNames, tunnelHost } from "./names";
import { MeshObject } from "./objects";
import { callingNamespaces, clusterMayCall } from "./scope";
import { sidecarObjects } from "./sidecars";
import { MeshMode } from "./spec";

/** Port of the egress gateway Service that sidecars send cross-cluster traffic to (the istio/gateway chart's 443). */
export const EGRESS_GATEWAY_PORT = 443;

export interface CompiledMesh<A = string> {
  /** Cluster name → its objects, in a stable order. Every member cluster has an entry. */
  readonly objects: Map<string, MeshObject<A>[]>;
  /**
   * One cluster's objects, the same as `objects.get(cluster)`, without compiling (or keeping) the other clusters'.
   * Unknown cluster: none.
   */
  cluster(name: string): MeshObject<A>[];
  /**
   * One cluster's objects, in the same order, each compiled as it is read: what render streams, so that an object is
   * garbage once written. Unknown cluster: none.
   */
  stream(name: string): Iterable<MeshObject<A>>;
}

/**
 * A mesh compiled on demand: all clusters when `objects` is first read (then kept), or one cluster at a time through
 * `cluster` and `stream` (kept only if all were compiled already). The model must not change once this is made.
 */
export function compileMesh<A>(mesh: MeshModel<A>): CompiledMesh<A> {
  let all: Map<string, MeshObject<A>[]> | undefined;
  const stream = (name: string): Iterable<MeshObject<A>> => {
    const kept = all?.get(name);
    if (kept) return kept;
    const cluster = mesh.clusters.find((c) => c.name === name);
    return cluster ? clusterObjects(mesh, cluster) : [];
  };
  return {
    get objects() {
      return (all ??= new Map(mesh.clusters.map((c) => [c.name, [...clusterObjects(mesh, c)]])));
    },
    cluster: (name) => [...stream(name)],
    stream,
  };
}

/**
 * The wiring compiler: a pure function from a resolved mesh to the Istio objects each cluster needs. docs/wiring.md
 * draws the path and docs/security.md says what each object enforces. For a global service S, host H =
 * `<S>.<domain>`, tunnel name `<port>.H` per port:
 *
 * - In a cluster that does NOT run S (a client), in the gateways' namespace:
 *   - ServiceEntry H: S's virtual IP and real ports, endpoints = the owners' ingress gateways (their port 443).
 *   - VirtualService H (mesh): every port of H goes to the local egress gateway (port 443), subset of that port.
 *   - DestinationRule on the egress gateway Service: one subset per port, ISTIO_MUTUAL with the tunnel name as SNI,
 *     the local egress gateway's identity required at the other end.
 *   - Gateway (egress) admitting the tunnel names, a VirtualService per port (tunnel name → H:<port>), and an
 *     AuthorizationPolicy admitting each tunnel only from the callers the GlobalNamespace grants in this cluster.
 *   - DestinationRule H: to the owners' ingress gateways, ISTIO_MUTUAL, SNI = tunnel name, their identities
 *     required; locality preference and outlier detection per port when S runs in several clusters.
 * - In a cluster that runs S:
 *   - ServiceEntry H + VirtualService H (mesh): callers in the same cluster go straight to the local Service.
 *   - If another member cluster calls S: a Gateway (ingress) admitting only S's tunnel names from the callers'
 *     egress gateways, a VirtualService per port to `<S>.<ns>.svc.cluster.local:<port>`, a DestinationRule for that
 *     last hop (the caller's HTTP version), and an AuthorizationPolicy admitting each tunnel from the granted clusters.
 *   - When policies restrict S: AuthorizationPolicies on S's pods.
 * - Every cluster, mTLS STRICT: a PeerAuthentication in each mapped namespace.
 *
 * Everything is exported only to the namespaces that need it: the cluster's mapped namespaces and the gateways'.
 *
 * Declared calls (scope.ts) narrow this: a cluster none of whose namespaces may call S gets no client objects for S,
 * and S's objects are exported only to the namespaces that may call it, except the egress subsets: all services'
 * rules on the egress gateway Service share one exportTo, or Istio would not merge them. `sidecarScope` namespaces get
 * a Sidecar (sidecars.ts).
 * In east-west mode the objects are east-west's instead (compileEastWest.ts).
 */
function clusterObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>): Iterable<MeshObject<A>> {
  const objects =
    mesh.mode === MeshMode.EAST_WEST ? eastWestClusterObjects(mesh, cluster) : tunnelObjects(mesh, cluster);
  return uniquelyNamed(cluster.name, objects);
}

function* tunnelObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>): Generator<MeshObject<A>> {
  for (const service of mesh.services) {
    if (service.clusters.includes(cluster.name)) yield* servingObjects(mesh, cluster, service);
    else if (clusterMayCall(cluster, service)) yield* clientObjects(mesh, cluster, service);
  }
  yield* namespaceObjects(mesh, cluster);
  yield* sidecarObjects(mesh, cluster);
}

/** A cluster that does not run S: its callers go through the local egress gateway to the clusters that do. */
function clientObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>, s: GlobalService): MeshObject<A>[] {
  const names = serviceObjectNames(mesh.name, s.name);
  const gw = cluster.gateways;
  const m = (name: string) => meta(mesh, s, name, gw.namespace);
  const owners = mesh.clusters.filter((c) => s.clusters.includes(c.name));
  const egressService = {
    host: gw.egressService,
    port: EGRESS_GATEWAY_PORT,
    subsetName: (port: number) => egressSubsetName(mesh.name, s.name, port),
    identity: spiffeUri(gw.egressPrincipal),
  };
  const toEgress = (p: ResolvedPort): Destination => ({
    host: egressService.host,
    subset: egressService.subsetName(p.number),
    port: { number: egressService.port },
  });
  const egress: TunnelEnd = {
    gateway: m(names.egressGateway),
    route: (port) => m(names.egressRoute(port)),
    selector: gw.egressSelector,
    port: EGRESS_GATEWAY_PORT,
    namespace: gw.namespace,
  };
  const callers = callingNamespaces(cluster, s.name);
  const gatewayOnly = [gw.namespace];
  // Every service's subsets sit on the one egress gateway Service, in one namespace: Istio merges such rules only when
  // their exportTo is equal (pilot mergeDestinationRule), so these keep the cluster-wide audience whatever the scoping.
  const everyNamespace = [...cluster.namespaces, gw.namespace];
  const grants = allowGrants(mesh, s, cluster.name);
  // Denies the egress gateway can check: HTTP rules wait for the service's pods (the tunnel carries bytes).
  const denies = denyGrants(mesh, s).filter((g) => g.cluster === cluster.name && !hasHttpRules(g));
  // The order of this list is the order of the YAML documents.
  return [
    serviceEntry(
      m(names.main),
      s,
      owners.map((o) => gatewayEndpoint(o, s)),
      [...callers, gw.namespace],
    ),
    meshRoute(m(names.main), s, toEgress, callers),
    remoteTls(
      m(names.main),
      s,
      { identities: owners.map((o) => spiffeUri(o.gateways.ingressPrincipal)), nearestFirst: owners.length > 1 },
      gatewayOnly,
    ),
    tunnelGateway(egress, s),
    egressSubsets(m(names.egress), s, egressService, everyNamespace),
    ...tunnelRoutes(egress, s, (p): Destination => ({ host: s.host, port: { number: p.number } })),
    tunnelPolicy(
      m(names.egress),
      gw.egressSelector,
      grants.map((g) => tunnelRule(g.source, tunnels(s, g.ports))),
      tunnels(s),
    ),
    ...(denies.length > 0
      ? [
          authorizationPolicy(
            m(names.egressDeny),
            gw.egressSelector,
            "DENY",
            denies.map((g) => tunnelRule(g.source, tunnels(s, g.ports))),
          ),
        ]
      : []),
  ];
}

/** A cluster that runs S: its own callers stay local; callers elsewhere arrive through its ingress gateway. */
function servingObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>, s: GlobalService): MeshObject<A>[] {
  const names = serviceObjectNames(mesh.name, s.name);
  const gw = cluster.gateways;
  const m = (name: string) => meta(mesh, s, name, gw.namespace);
  const toLocal = (p: ResolvedPort): Destination => ({ host: localFqdn(s), port: { number: p.number } });
  // Only for the namespaces that may call S (every mapped one unless calls are declared); the ingress routes go to the
  // Service itself and need neither object.
  const callers = callingNamespaces(cluster, s.name);
  const resolveLocally: MeshObject<A>[] =
    callers.length > 0
      ? [serviceEntry(m(names.main), s, [localEndpoint(s)], callers), meshRoute(m(names.main), s, toLocal, callers)]
      : [];
  const clients = mesh.clusters.filter((c) => !s.clusters.includes(c.name) && clusterMayCall(c, s));
  const remoteGrants = allowGrants(mesh, s).filter((g) => !s.clusters.includes(g.cluster));
  const podPolicies = workloadPolicies(mesh, cluster, s, remoteGrants);
  if (clients.length === 0) return [...resolveLocally, ...podPolicies];

  const ingress: TunnelEnd = {
    gateway: m(names.ingressGateway),
    route: (port) => m(names.ingressRoute(port)),
    selector: gw.ingressSelector,
    port: ingressOf(cluster).port,
    namespace: gw.namespace,
    callers: clients.map((c) => spiffeUri(c.gateways.egressPrincipal)),
  };
  // Per calling cluster, the tunnels any of its callers is granted.
  const admitted = clients.flatMap((c) => {
    const granted = remoteGrants.filter((g) => g.cluster === c.name).flatMap((g) => g.ports);
    const ports = [...new Set(granted)].sort((a, b) => a - b);
    return ports.length > 0 ? [tunnelRule({ principals: [c.gateways.egressPrincipal] }, tunnels(s, ports))] : [];
  });
  return [
    ...resolveLocally,
    tunnelGateway(ingress, s),
    ...tunnelRoutes(ingress, s, toLocal),
    ingressHop(m(names.ingress), s, localFqdn(s), { selector: gw.ingressSelector, namespace: gw.namespace }),
    tunnelPolicy(m(names.ingress), gw.ingressSelector, admitted, tunnels(s)),
    ...podPolicies,
  ];
}

/**
 * Policies on S's pods in a cluster that runs it. Restricted S: an ALLOW for the local grants (by the caller's own
 * identity) and for the remote ones (all of which arrive as this cluster's ingress gateway, so only their HTTP rules
 * and ports can be checked here). DENY policies: local callers by identity, remote callers' HTTP rules at the
 * ingress gateway's identity (their other denies are enforced at their own egress gateway).
 */
function workloadPolicies<A>(
  mesh: MeshModel<A>,
  cluster: ResolvedCluster<A>,
  s: GlobalService,
  remoteGrants: Grant[],
): MeshObject<A>[] {
  const names = serviceObjectNames(mesh.name, s.name);
  const m = (name: string) => meta(mesh, s, name, s.namespace);
  const ingress = { principals: [cluster.gateways.ingressPrincipal] };
  const rulesFor = (grants: Grant[], remote: Grant[]): AuthorizationRule[] => [
    ...grants.filter((g) => g.cluster === cluster.name).map((g) => workloadRule(g.source, operation(s, g))),
    ...remote.map((g) => workloadRule(ingress, operation(s, g))),
  ];
  const out: MeshObject<A>[] = [];
  // resolveMesh refuses policies on a service whose pods' labels are unknown; an empty selector would select the
  // whole namespace.
  const selector = s.selector;
  if (!selector && (isRestricted(mesh, s) || denyGrants(mesh, s).length > 0))
    throw new Error(`internal: access policies apply to ${s.name}, whose pod labels are unknown`);
  if (!selector) return out;
  if (isRestricted(mesh, s))
    out.push(authorizationPolicy(m(names.main), selector, "ALLOW", rulesFor(allowGrants(mesh, s), remoteGrants)));
  const denies = denyGrants(mesh, s);
  const remoteHttpDenies = denies.filter((g) => !s.clusters.includes(g.cluster) && hasHttpRules(g));
  const denyRules = rulesFor(denies, remoteHttpDenies);
  if (denyRules.length > 0) out.push(authorizationPolicy(m(names.deny), selector, "DENY", denyRules));
  return out;
}

/** The tunnel names of S's ports (all of them by default). */
function tunnels(s: GlobalService, ports: number[] = s.ports.map((p) => p.number)): string[] {
  return ports.map((p) => tunnelHost(s.host, p));
}
