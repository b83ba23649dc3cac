import { CLUSTER_DNS_SUFFIX } from "./gateways";
import { egressSubsets, remoteTls } from "./istio/destinationRules";
import { meshRoute } from "./istio/meshRoute";
import { serviceEntry } from "./istio/serviceEntry";
import { TunnelEnd, tunnelGateway, tunnelRoutes } from "./istio/tunnel";
import { Destination, ObjectMeta, WorkloadEntry } from "./istio/types";
import { GlobalService, MeshModel, ResolvedCluster, ResolvedPort } from "./model";
import { egressSubsetName, ownershipLabels, serviceObjectNames } from "./names";
import { MeshObject, objectKey } from "./objects";

/** Port of the egress gateway Service that sidecars send cross-cluster traffic to (the istio/gateway chart's 443). */
export const EGRESS_GATEWAY_PORT = 443;

export interface CompiledMesh<A = string> {
  /** Cluster name → its objects, in a stable order. Every member cluster has an entry. */
  objects: Map<string, MeshObject<A>[]>;
}

/**
 * The wiring compiler: a pure function from a resolved mesh to the Istio objects each cluster needs.
 *
 * For a global service S with host H = `<S>.<domain>`:
 *
 * - In a cluster that does NOT run S (a client):
 *   - ServiceEntry H: S's virtual IP and real ports, MESH_INTERNAL, endpoints = the ingress gateways of the clusters
 *     that run S, each port mapped to the ingress port (443).
 *   - VirtualService H (mesh): every port of H goes to the local egress gateway (port 443), subset of that port.
 *   - DestinationRule on the egress gateway Service: one subset per port, mTLS (ISTIO_MUTUAL) with SNI
 *     `<port>.H` — the port's tunnel name. Istio merges the subsets of all such rules for the same host.
 *   - Gateway (egress): admits the tunnel names of S with ISTIO_MUTUAL (only mesh workloads get in).
 *   - VirtualService per port (egress gateway): tunnel name → H:<port>.
 *   - DestinationRule H: to the remote ingress, ISTIO_MUTUAL (the shared root CA) with SNI = tunnel name; locality
 *     preference and outlier detection when S runs in more than one cluster.
 * - In a cluster that runs S:
 *   - ServiceEntry H + VirtualService H (mesh): callers in the same cluster resolve H to the same virtual IP and go
 *     straight to `<S>.<ns>.svc.cluster.local` (local instances first: a cluster that runs S never leaves it).
 *   - If another member cluster calls S: a Gateway (ingress) that admits only S's tunnel names with ISTIO_MUTUAL,
 *     and per port a VirtualService from the tunnel name to `<S>.<ns>.svc.cluster.local:<port>`.
 *
 * Gateways route by SNI only and never parse the application protocol, so HTTP, gRPC and raw TCP (Mongo, Redis)
 * cross the same way; sidecars keep L7 at both ends. The egress and ingress ends of a tunnel are the same shape
 * (`tunnelGateway` + `tunnelRoutes`), differing only in gateway, port, names and next hop.
 */
export function compileMesh<A>(mesh: MeshModel<A>): CompiledMesh<A> {
  const objects = new Map<string, MeshObject<A>[]>();
  for (const cluster of mesh.clusters) {
    const list: MeshObject<A>[] = [];
    for (const service of mesh.services) {
      if (service.clusters.includes(cluster.name)) {
        list.push(...servingObjects(mesh, cluster, service));
      } else {
        list.push(...clientObjects(mesh, cluster, service));
      }
    }
    assertUniqueNames(cluster.name, list);
    objects.set(cluster.name, list);
  }
  return { objects };
}

/** A cluster that does not run S: its callers go through the local egress gateway to the clusters that do. */
function clientObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>, s: GlobalService): MeshObject<A>[] {
  const names = serviceObjectNames(mesh.name, s.name);
  const gw = cluster.gateways;
  const m = (name: string) => meta(mesh, cluster, s, name);
  const owners = mesh.clusters.filter((c) => s.clusters.includes(c.name));
  const egressService = {
    host: gw.egressService,
    port: EGRESS_GATEWAY_PORT,
    subsetName: (port: number) => egressSubsetName(mesh.name, s.name, port),
  };
  const toEgress = (p: ResolvedPort): Destination => ({
    host: egressService.host,
    subset: egressService.subsetName(p.number),
    port: { number: egressService.port },
  });
  const egress: TunnelEnd = {
    gateway: m(names.egress),
    route: (port) => m(names.egressRoute(port)),
    selector: gw.egressSelector,
    port: EGRESS_GATEWAY_PORT,
  };
  // The order of this list is the order of the YAML documents.
  return [
    serviceEntry(
      m(names.main),
      s,
      owners.map((o) => ingressEndpoint(o, s)),
    ),
    meshRoute(m(names.main), s, toEgress),
    remoteTls(m(names.main), s, { nearestFirst: owners.length > 1 }),
    tunnelGateway(egress, s),
    egressSubsets(m(names.egress), s, egressService),
    ...tunnelRoutes(egress, s, (p): Destination => ({ host: s.host, port: { number: p.number } })),
  ];
}

/** A cluster that runs S: its own callers stay local; callers elsewhere arrive through its ingress gateway. */
function servingObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>, s: GlobalService): MeshObject<A>[] {
  const names = serviceObjectNames(mesh.name, s.name);
  const gw = cluster.gateways;
  const m = (name: string) => meta(mesh, cluster, s, name);
  const toLocal = (p: ResolvedPort): Destination => ({ host: localFqdn(s), port: { number: p.number } });
  const resolveLocally: MeshObject<A>[] = [
    serviceEntry(m(names.main), s, [localEndpoint(s)]),
    meshRoute(m(names.main), s, toLocal),
  ];
  const calledFromElsewhere = mesh.clusters.some((c) => !s.clusters.includes(c.name));
  if (!calledFromElsewhere) return resolveLocally;

  const ingress: TunnelEnd = {
    gateway: m(names.ingress),
    route: (port) => m(names.ingressRoute(port)),
    selector: gw.ingressSelector,
    port: ingressOf(cluster).port,
  };
  return [...resolveLocally, tunnelGateway(ingress, s), ...tunnelRoutes(ingress, s, toLocal)];
}

/** An owner's ingress gateway: every port of the service arrives on the gateway's one cross-cluster port. */
function ingressEndpoint<A>(owner: ResolvedCluster<A>, s: GlobalService): WorkloadEntry<A> {
  const ingress = ingressOf(owner);
  return {
    address: ingress.address,
    ports: Object.fromEntries(s.ports.map((p) => [p.name, ingress.port])),
    ...(owner.locality && ({ locality: owner.locality } satisfies Pick<WorkloadEntry, "locality">)),
    labels: { "topology.istio.io/cluster": owner.name },
  };
}

/**
 * The ingress gateway of a cluster that other member clusters call. resolveMesh guarantees one there (checkIngress
 * rejects the spec otherwise), so a missing one is a MeshModel that did not come from resolveMesh.
 */
function ingressOf<A>(cluster: ResolvedCluster<A>): NonNullable<ResolvedCluster<A>["ingress"]> {
  if (!cluster.ingress) throw new Error(`internal: cluster ${cluster.name} serves other clusters but has no ingress`);
  return cluster.ingress;
}

/** The service's own Service; the tlsMode label makes sidecars send Istio mTLS to it, as to any meshed pod. */
function localEndpoint<A>(s: GlobalService): WorkloadEntry<A> {
  return {
    address: localFqdn(s),
    ports: Object.fromEntries(s.ports.map((p) => [p.name, p.number])),
    labels: { "security.istio.io/tlsMode": "istio" },
  };
}

function localFqdn(s: GlobalService): string {
  return `${s.name}.${s.namespace}.${CLUSTER_DNS_SUFFIX}`;
}

function meta(mesh: MeshModel<unknown>, cluster: ResolvedCluster<unknown>, s: GlobalService, name: string): ObjectMeta {
  return {
    name,
    namespace: cluster.gateways.namespace,
    labels: ownershipLabels(mesh.name, s.name),
    annotations: { "globalmesh.io/host": s.host },
  };
}

function assertUniqueNames(cluster: string, objects: MeshObject<unknown>[]): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const key = objectKey(o);
    if (seen.has(key)) throw new Error(`internal: two objects named ${key} in cluster ${cluster}`);
    seen.add(key);
  }
}
