import { gatewayEndpoint, localEndpoint, localFqdn, meta, namespaceObjects, operation } from "./compileShared";
import { isIpv6, parseIpv4 } from "./dns";
import { principal, spiffeUri } from "./gateways";
import { allowGrants, denyGrants, Grant, isRestricted } from "./grants";
import { authorizationPolicy, workloadRule } from "./istio/authorization";
import { eastWestRule, passthroughGateway } from "./istio/eastWest";
import { meshRoute } from "./istio/meshRoute";
import { serviceEntry } from "./istio/serviceEntry";
import { AuthorizationRule, AuthorizationSource, Destination } from "./istio/types";
import { GlobalService, MeshModel, ResolvedCluster, ResolvedPort } from "./model";
import { callingNamespaces, clusterMayCall } from "./scope";
import { sidecarObjects } from "./sidecars";
import { ownershipLabels, passthroughGatewayName, serviceObjectNames } from "./names";
import { MeshObject } from "./objects";

/**
 * The wiring compiler of east-west mode: the caller's sidecar opens one Istio mTLS session to a pod of the service,
 * through the owner's east-west gateway, which routes it by SNI without terminating it. For a global service S (host
 * H, namespace ns), in the gateways' namespace unless said:
 *
 * - A client cluster (does not run S): ServiceEntry H (S's virtual IP and real ports; endpoints: every cluster that
 *   runs S, as its east-west gateway's address (every port on its one port, 15443 by default) with its locality and
 *   the cluster label; no `network` field, which would make Istio look for a network gateway of its own and drop the
 *   endpoint) and DestinationRule H (ISTIO_MUTUAL, SNI `outbound_.<port>_._.<S>.<ns>.svc.cluster.local` that the
 *   remote gateway routes to the real Service, the pods' identities when known, nearest owner first by locality).
 *   That is all a client cluster holds per remote service: no VirtualService, no egress objects.
 * - The only cluster that runs S: tunnel mode's serving shape, ServiceEntry H and a mesh VirtualService to the local
 *   Service, so Envoy balances each request over S's pods (EDS of the Kubernetes Service).
 * - One of several clusters that run S: ServiceEntry H with the local Service (its cluster's locality) and the other
 *   owners' east-west gateways, and DestinationRule H as in a client cluster, so callers fail over to another owner.
 *   The local Service is a DNS endpoint (its ClusterIP): kube-proxy picks a pod per connection, not per request.
 * - A cluster that runs a service another member cluster may call: one AUTO_PASSTHROUGH Gateway for the whole
 *   GlobalNamespace on the east-west gateway, its hosts the Services of the namespaces that hold such services.
 * - A cluster that runs S: an ALLOW AuthorizationPolicy on S's pods naming the real callers (the member namespaces
 *   that may call S, per declared calls, of every member cluster by identity and this cluster's own ingress gateway,
 *   or only the policies' grants when S is restricted), and the DENY policies.
 * - Every cluster, mTLS STRICT: a PeerAuthentication in each mapped namespace.
 */
export function* eastWestClusterObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>): Generator<MeshObject<A>> {
  for (const service of mesh.services) yield* serviceObjects(mesh, cluster, service);
  yield* passthrough(mesh, cluster);
  yield* namespaceObjects(mesh, cluster);
  yield* sidecarObjects(mesh, cluster);
}

/** S's objects in one cluster: how its callers reach it, and (where it runs) who may call its pods. */
function serviceObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>, s: GlobalService): MeshObject<A>[] {
  const names = serviceObjectNames(mesh.name, s.name);
  const m = meta(mesh, s, names.main, cluster.gateways.namespace);
  const runsHere = s.clusters.includes(cluster.name);
  // Declared calls (scope.ts): a cluster none of whose namespaces may call S holds nothing for it.
  if (!runsHere && !clusterMayCall(cluster, s)) return [];
  const remote = mesh.clusters.filter((c) => c.name !== cluster.name && s.clusters.includes(c.name));
  const callers = callingNamespaces(cluster, s.name);
  const pods = runsHere ? podPolicies(mesh, cluster, s) : [];
  // No namespace here may call S: no entry (an empty exportTo would mean every namespace), only its pods' policies.
  if (callers.length === 0) return pods;
  if (remote.length === 0) {
    const toLocal = (p: ResolvedPort): Destination => ({ host: localFqdn(s), port: { number: p.number } });
    return [serviceEntry(m, s, [localEndpoint(s, cluster)], callers), meshRoute(m, s, toLocal, callers), ...pods];
  }
  const endpoints = [...(runsHere ? [localEndpoint(s, cluster)] : []), ...remote.map((o) => gatewayEndpoint(o, s))];
  return [
    serviceEntry(m, s, endpoints, callers, endpoints.every((e) => isIpAddress(e.address)) ? "STATIC" : "DNS"),
    eastWestRule(m, s, podIdentities(mesh, s), callers),
    ...pods,
  ];
}

/**
 * A ServiceEntry whose endpoints are all IP addresses is STATIC (EDS, no DNS lookups in the caller's Envoy); a name
 * (the local Service, a load balancer's hostname, or an address known only at deploy time, a Pulumi Output) needs DNS.
 */
function isIpAddress(address: unknown): boolean {
  return typeof address === "string" && (parseIpv4(address) !== undefined || isIpv6(address));
}

/**
 * The URI SANs the callers require of S's pods: their service accounts in each owner's trust domain, when the
 * manifests show them for every cluster that runs S. Unknown for one owner: none, rather than a list that would
 * refuse that owner's pods.
 */
function podIdentities(mesh: MeshModel<unknown>, s: GlobalService): string[] | undefined {
  const accounts = s.serviceAccounts;
  if (!accounts) return undefined;
  const owners = mesh.clusters.filter((c) => s.clusters.includes(c.name));
  const identities = owners.flatMap((o) =>
    (accounts[o.name] ?? []).map((sa) => spiffeUri(principal(o.trustDomain, s.namespace, sa))),
  );
  return [...new Set(identities)].sort();
}

/**
 * On S's pods in a cluster that runs it: an ALLOW policy, always in this mode (every caller arrives as itself, so this
 * is where it is checked), and a DENY policy for the DENY grants. An unrestricted S admits every member namespace that
 * may call it (scope.ts) and this cluster's own ingress gateway (the north-south entry MeshCluster installs, which
 * carries no globalmesh wiring in this mode; tunnel mode writes no ALLOW for an unrestricted S, so it is admitted
 * there too); a restricted S admits its grants only. resolveMesh refuses east-west mode for a service whose pods' labels are unknown.
 */
function podPolicies<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>, s: GlobalService): MeshObject<A>[] {
  const selector = s.selector;
  if (!selector) throw new Error(`internal: ${s.name} runs in east-west mode, but its pods' labels are unknown`);
  const names = serviceObjectNames(mesh.name, s.name);
  // A service no member namespace may call (declared calls) admits the ingress gateway only: a source with an empty
  // principals list says nothing (the audit refuses it).
  const members = memberPrincipals(mesh, s);
  const allow: AuthorizationRule[] = isRestricted(mesh, s)
    ? allowGrants(mesh, s).map((g) => workloadRule(callerOf(mesh, g), operation(s, g)))
    : [
        ...(members.length > 0 ? [workloadRule({ principals: members })] : []),
        workloadRule({ principals: [cluster.gateways.ingressPrincipal] }),
      ];
  const deny = denyGrants(mesh, s).map((g) => workloadRule(callerOf(mesh, g), operation(s, g)));
  return [
    authorizationPolicy(meta(mesh, s, names.main, s.namespace), selector, "ALLOW", allow),
    ...(deny.length > 0 ? [authorizationPolicy(meta(mesh, s, names.deny, s.namespace), selector, "DENY", deny)] : []),
  ];
}

/**
 * Every workload of every member namespace that may call S (all of them unless calls are declared) of every member
 * cluster, by identity: `<trustDomain>/ns/<ns>/sa/*` (sorted, each once: clusters that share a trust domain and a
 * namespace share the principal).
 */
function memberPrincipals(mesh: MeshModel<unknown>, s: GlobalService): string[] {
  const all = mesh.clusters.flatMap((c) => callingNamespaces(c, s.name).map((ns) => principal(c.trustDomain, ns, "*")));
  return [...new Set(all)].sort();
}

/**
 * A grant's callers by identity: a whole namespace as every account of it in the caller's cluster's trust domain (a
 * `namespaces` source would match that namespace in every cluster), accounts as they are.
 */
function callerOf(mesh: MeshModel<unknown>, g: Grant): AuthorizationSource {
  if ("principals" in g.source) return g.source;
  const trustDomain = mesh.clusters.find((c) => c.name === g.cluster)?.trustDomain;
  if (trustDomain === undefined) throw new Error(`internal: grant for unknown cluster ${g.cluster}`);
  return { principals: g.source.namespaces.map((ns) => principal(trustDomain, ns, "*")) };
}

/**
 * The GlobalNamespace's passthrough server on this cluster's east-west gateway: the namespaces of the services that
 * run here and that another member cluster may call — exactly those whose ServiceEntry there lists this gateway
 * (every caller's entry lists every other owner). None: no Gateway, so nothing here is reachable by SNI.
 */
function passthrough<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>): MeshObject<A>[] {
  const calledFromElsewhere = (s: GlobalService) =>
    mesh.clusters.some((c) => c.name !== cluster.name && clusterMayCall(c, s));
  const namespaces = mesh.services
    .filter((s) => s.clusters.includes(cluster.name) && calledFromElsewhere(s))
    .map((s) => s.namespace);
  if (namespaces.length === 0) return [];
  const metadata = {
    name: passthroughGatewayName(mesh.name),
    namespace: cluster.gateways.namespace,
    labels: ownershipLabels(mesh.name),
    annotations: {
      "globalmesh.io/owner": `GlobalNamespace ${mesh.name}: the east-west gateway's passthrough for its namespaces`,
    },
  };
  return [passthroughGateway(metadata, cluster.gateways.eastWestSelector, namespaces)];
}
