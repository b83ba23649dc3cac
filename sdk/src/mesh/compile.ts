import { CLUSTER_DNS_SUFFIX } from "./gateways";
import { GlobalService, MeshModel, ResolvedCluster, ResolvedPort } from "./model";
import { egressSubsetName, ownershipLabels, serviceObjectNames, tunnelHost } from "./names";
import { MeshObject, objectKey } from "./objects";
import { routeKind } from "./ports";

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
 * cross the same way; sidecars keep L7 at both ends.
 */
export const API_NETWORKING = "networking.istio.io/v1" as const;
/** Port of the egress gateway Service that sidecars send cross-cluster traffic to (the istio/gateway chart's 443). */
export const EGRESS_GATEWAY_PORT = 443;

export interface CompiledMesh<A = string> {
  /** Cluster name → its objects, in a stable order. Every member cluster has an entry. */
  objects: Map<string, MeshObject<A>[]>;
}

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

function localFqdn(s: GlobalService): string {
  return `${s.name}.${s.namespace}.${CLUSTER_DNS_SUFFIX}`;
}

function meta(mesh: MeshModel<unknown>, cluster: ResolvedCluster<unknown>, s: GlobalService, name: string): MeshObject["metadata"] {
  return {
    name,
    namespace: cluster.gateways.namespace,
    labels: ownershipLabels(mesh.name, s.name),
    annotations: { "globalmesh.io/host": s.host },
  };
}

function serviceEntryPorts(s: GlobalService) {
  return s.ports.map((p) => ({ number: p.number, name: p.name, protocol: p.protocol }));
}

/** A mesh route for one port of H, in the VirtualService section its protocol needs. */
function meshRoutes(s: GlobalService, destination: (p: ResolvedPort) => Record<string, unknown>): Record<string, unknown> {
  const routes: Record<string, unknown[]> = {};
  for (const p of s.ports) {
    const kind = routeKind(p.protocol);
    const match = kind === "tls" ? { port: p.number, sniHosts: [s.host] } : { port: p.number };
    (routes[kind] ??= []).push({ match: [match], route: [{ destination: destination(p) }] });
  }
  return routes;
}

function clientObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>, s: GlobalService): MeshObject<A>[] {
  const names = serviceObjectNames(mesh.name, s.name);
  const gw = cluster.gateways;
  const owners = mesh.clusters.filter((c) => s.clusters.includes(c.name));
  const egressGateway = `${gw.namespace}/${names.egress}`;
  const subset = (p: ResolvedPort) => egressSubsetName(mesh.name, s.name, p.number);
  const m = (name: string) => meta(mesh, cluster, s, name);

  const serviceEntry: MeshObject<A> = {
    apiVersion: API_NETWORKING,
    kind: "ServiceEntry",
    metadata: m(names.main),
    spec: {
      hosts: [s.host],
      addresses: [s.address],
      ports: serviceEntryPorts(s),
      location: "MESH_INTERNAL",
      resolution: "DNS",
      exportTo: ["*"],
      endpoints: owners.map((o) => ({
        address: o.ingress!.address,
        ports: Object.fromEntries(s.ports.map((p) => [p.name, o.ingress!.port])),
        ...(o.locality && { locality: o.locality }),
        labels: { "topology.istio.io/cluster": o.name },
      })),
    },
  };
  const meshRoute: MeshObject<A> = {
    apiVersion: API_NETWORKING,
    kind: "VirtualService",
    metadata: m(names.main),
    spec: {
      hosts: [s.host],
      exportTo: ["*"],
      ...meshRoutes(s, (p) => ({ host: gw.egressService, subset: subset(p), port: { number: EGRESS_GATEWAY_PORT } })),
    },
  };
  const egressSubsets: MeshObject<A> = {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata: m(names.egress),
    spec: {
      host: gw.egressService,
      exportTo: ["*"],
      subsets: s.ports.map((p) => ({
        name: subset(p),
        trafficPolicy: {
          portLevelSettings: [
            {
              port: { number: EGRESS_GATEWAY_PORT },
              tls: { mode: "ISTIO_MUTUAL", sni: tunnelHost(s.host, p.number) },
              // The egress Service's port is not HTTP/2, so a sidecar would speak HTTP/1.1 to it; gRPC needs the
              // caller's own protocol carried through the tunnel.
              ...(routeKind(p.protocol) === "http" && { connectionPool: { http: { useClientProtocol: true } } }),
            },
          ],
        },
      })),
    },
  };
  const egressGatewayObject: MeshObject<A> = {
    apiVersion: API_NETWORKING,
    kind: "Gateway",
    metadata: m(names.egress),
    spec: {
      selector: gw.egressSelector,
      servers: s.ports.map((p) => ({
        port: { number: EGRESS_GATEWAY_PORT, name: `tls-${p.number}`, protocol: "TLS" },
        hosts: [tunnelHost(s.host, p.number)],
        tls: { mode: "ISTIO_MUTUAL" },
      })),
    },
  };
  const egressRoutes: MeshObject<A>[] = s.ports.map((p) => ({
    apiVersion: API_NETWORKING,
    kind: "VirtualService",
    metadata: m(names.egressRoute(p.number)),
    spec: {
      hosts: [tunnelHost(s.host, p.number)],
      gateways: [egressGateway],
      exportTo: ["*"],
      tcp: [
        {
          match: [{ gateways: [egressGateway], port: EGRESS_GATEWAY_PORT }],
          route: [{ destination: { host: s.host, port: { number: p.number } } }],
        },
      ],
    },
  }));
  const multiCluster = owners.length > 1;
  const remoteTls: MeshObject<A> = {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata: m(names.main),
    spec: {
      host: s.host,
      exportTo: ["*"],
      trafficPolicy: {
        ...(multiCluster && {
          loadBalancer: { simple: "LEAST_REQUEST", localityLbSetting: { enabled: true } },
          outlierDetection: { consecutiveGatewayErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 100 },
        }),
        portLevelSettings: s.ports.map((p) => ({
          port: { number: p.number },
          tls: { mode: "ISTIO_MUTUAL", sni: tunnelHost(s.host, p.number) },
        })),
      },
    },
  };
  return [serviceEntry, meshRoute, remoteTls, egressGatewayObject, egressSubsets, ...egressRoutes];
}

function servingObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>, s: GlobalService): MeshObject<A>[] {
  const names = serviceObjectNames(mesh.name, s.name);
  const gw = cluster.gateways;
  const m = (name: string) => meta(mesh, cluster, s, name);
  const local = localFqdn(s);

  const serviceEntry: MeshObject<A> = {
    apiVersion: API_NETWORKING,
    kind: "ServiceEntry",
    metadata: m(names.main),
    spec: {
      hosts: [s.host],
      addresses: [s.address],
      ports: serviceEntryPorts(s),
      location: "MESH_INTERNAL",
      resolution: "DNS",
      exportTo: ["*"],
      endpoints: [
        {
          address: local,
          ports: Object.fromEntries(s.ports.map((p) => [p.name, p.number])),
          labels: { "security.istio.io/tlsMode": "istio" },
        },
      ],
    },
  };
  const meshRoute: MeshObject<A> = {
    apiVersion: API_NETWORKING,
    kind: "VirtualService",
    metadata: m(names.main),
    spec: { hosts: [s.host], exportTo: ["*"], ...meshRoutes(s, (p) => ({ host: local, port: { number: p.number } })) },
  };
  const calledFromElsewhere = mesh.clusters.some((c) => !s.clusters.includes(c.name));
  if (!calledFromElsewhere) return [serviceEntry, meshRoute];

  const ingressPort = cluster.ingress!.port;
  const ingressGateway = `${gw.namespace}/${names.ingress}`;
  const gateway: MeshObject<A> = {
    apiVersion: API_NETWORKING,
    kind: "Gateway",
    metadata: m(names.ingress),
    spec: {
      selector: gw.ingressSelector,
      servers: s.ports.map((p) => ({
        port: { number: ingressPort, name: `tls-${p.number}`, protocol: "TLS" },
        hosts: [tunnelHost(s.host, p.number)],
        tls: { mode: "ISTIO_MUTUAL" },
      })),
    },
  };
  const ingressRoutes: MeshObject<A>[] = s.ports.map((p) => ({
    apiVersion: API_NETWORKING,
    kind: "VirtualService",
    metadata: m(names.ingressRoute(p.number)),
    spec: {
      hosts: [tunnelHost(s.host, p.number)],
      gateways: [ingressGateway],
      exportTo: ["*"],
      tcp: [
        {
          match: [{ gateways: [ingressGateway], port: ingressPort }],
          route: [{ destination: { host: local, port: { number: p.number } } }],
        },
      ],
    },
  }));
  return [serviceEntry, meshRoute, gateway, ...ingressRoutes];
}

function assertUniqueNames(cluster: string, objects: MeshObject<unknown>[]): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const key = objectKey(o);
    if (seen.has(key)) throw new Error(`internal: two objects named ${key} in cluster ${cluster}`);
    seen.add(key);
  }
}
