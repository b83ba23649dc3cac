import { MeshObject } from "../../sdk/src/mesh";
import { Destination } from "../../sdk/src/mesh/istio/types";

/**
 * Follows the wiring the way the proxies would, over the compiled objects, so tests can ask "where does a request
 * from cluster X to host:port end up" instead of comparing YAML.
 */
type OfKind<K extends MeshObject["kind"]> = Extract<MeshObject, { kind: K }>;

/** The objects of one kind, typed as that kind, that satisfy `pred`. */
export function find<K extends MeshObject["kind"]>(
  objects: MeshObject[],
  kind: K,
  pred: (o: OfKind<K>) => boolean = () => true,
): OfKind<K>[] {
  return objects.filter((o): o is OfKind<K> => o.kind === kind).filter(pred);
}

/** The mesh (sidecar) route for host:port in a cluster: the destination of the VirtualService without gateways. */
export function meshDestination(objects: MeshObject[], host: string, port: number): Destination {
  const vs = find(objects, "VirtualService", (o) => o.spec.hosts.includes(host) && !o.spec.gateways);
  if (vs.length !== 1) throw new Error(`expected one mesh VirtualService for ${host}, found ${vs.length}`);
  const { http = [], tcp = [], tls = [] } = vs[0].spec;
  const route = [...http, ...tcp, ...tls].find((r) => r.match.some((m) => m.port === port));
  if (!route) throw new Error(`no mesh route for ${host}:${port}`);
  return route.route[0].destination;
}

/** The SNI a proxy sets when it sends to `host` (optionally a subset) on `port` (DestinationRule lookup). */
export function sniFor(objects: MeshObject[], host: string, port: number, subset?: string): string | undefined {
  for (const dr of find(objects, "DestinationRule", (o) => o.spec.host === host)) {
    const policy = subset ? dr.spec.subsets?.find((s) => s.name === subset)?.trafficPolicy : dr.spec.trafficPolicy;
    const level = policy?.portLevelSettings.find((l) => l.port.number === port);
    if (level?.tls) {
      expectMutual(level.tls);
      return level.tls.sni;
    }
  }
  return undefined;
}

function expectMutual(tls: { mode: string }): void {
  if (tls.mode !== "ISTIO_MUTUAL") throw new Error(`tls mode ${tls.mode}, expected ISTIO_MUTUAL`);
}

/**
 * A gateway (selected by `selector`) receiving TLS with `sni` on `port`: the server that admits it (must be
 * ISTIO_MUTUAL) and the TCP route of the VirtualService bound to it for that SNI.
 */
export function gatewayRoute(
  objects: MeshObject[],
  selector: Record<string, string>,
  port: number,
  sni: string,
): Destination {
  const servers = find(objects, "Gateway", (o) => JSON.stringify(o.spec.selector) === JSON.stringify(selector)).flatMap(
    (gateway) =>
      gateway.spec.servers
        .filter((s) => s.port.number === port && s.hosts.includes(sni))
        .map((server) => ({ gateway, server })),
  );
  if (servers.length !== 1) throw new Error(`expected one gateway server for ${sni}:${port}, found ${servers.length}`);
  const { gateway, server } = servers[0];
  expectMutual(server.tls);
  const ref = `${gateway.metadata.namespace}/${gateway.metadata.name}`;
  const bound = find(
    objects,
    "VirtualService",
    (o) => (o.spec.gateways ?? []).includes(ref) && o.spec.hosts.includes(sni),
  );
  if (bound.length !== 1)
    throw new Error(`expected one VirtualService bound to ${ref} for ${sni}, found ${bound.length}`);
  const route = bound[0].spec.tcp?.find((r) => r.match.some((m) => m.port === port && m.gateways?.includes(ref)));
  if (!route) throw new Error(`no TCP route on ${ref} for ${sni}:${port}`);
  return route.route[0].destination;
}
