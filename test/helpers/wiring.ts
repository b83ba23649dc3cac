import { MeshObject } from "../../sdk/src/mesh";

/**
 * Follows the wiring the way the proxies would, over the compiled objects, so tests can ask "where does a request
 * from cluster X to host:port end up" instead of comparing YAML.
 */
export interface Hop {
  cluster: string;
  via: string;
}

export function find(objects: MeshObject[], kind: string, pred: (o: MeshObject) => boolean = () => true): MeshObject[] {
  return objects.filter((o) => o.kind === kind && pred(o));
}

/** The mesh (sidecar) route for host:port in a cluster: the destination of the VirtualService without gateways. */
export function meshDestination(objects: MeshObject[], host: string, port: number): any {
  const vs = find(objects, "VirtualService", (o) => (o.spec.hosts as string[]).includes(host) && !o.spec.gateways);
  if (vs.length !== 1) throw new Error(`expected one mesh VirtualService for ${host}, found ${vs.length}`);
  const sections = ["http", "tcp", "tls"].flatMap((k) => ((vs[0].spec[k] as any[]) ?? []));
  const route = sections.find((r) => r.match.some((m: any) => m.port === port));
  if (!route) throw new Error(`no mesh route for ${host}:${port}`);
  return route.route[0].destination;
}

/** The SNI a proxy sets when it sends to `host` (optionally a subset) on `port` (DestinationRule lookup). */
export function sniFor(objects: MeshObject[], host: string, port: number, subset?: string): string | undefined {
  for (const dr of find(objects, "DestinationRule", (o) => o.spec.host === host)) {
    const policy = subset ? (dr.spec.subsets as any[] | undefined)?.find((s) => s.name === subset)?.trafficPolicy : dr.spec.trafficPolicy;
    const level = policy?.portLevelSettings?.find((l: any) => l.port.number === port);
    if (level?.tls) {
      expectMutual(level.tls);
      return level.tls.sni;
    }
  }
  return undefined;
}

function expectMutual(tls: any): void {
  if (tls.mode !== "ISTIO_MUTUAL") throw new Error(`tls mode ${tls.mode}, expected ISTIO_MUTUAL`);
}

/**
 * A gateway (selected by `selector`) receiving TLS with `sni` on `port`: the server that admits it (must be
 * ISTIO_MUTUAL) and the TCP route of the VirtualService bound to it for that SNI.
 */
export function gatewayRoute(objects: MeshObject[], selector: Record<string, string>, port: number, sni: string): any {
  const servers = find(objects, "Gateway", (o) => JSON.stringify(o.spec.selector) === JSON.stringify(selector)).flatMap((g) =>
    (g.spec.servers as any[]).filter((s) => s.port.number === port && s.hosts.includes(sni)).map((s) => ({ gateway: g, server: s })),
  );
  if (servers.length !== 1) throw new Error(`expected one gateway server for ${sni}:${port}, found ${servers.length}`);
  const { gateway, server } = servers[0];
  expectMutual(server.tls);
  const ref = `${gateway.metadata.namespace}/${gateway.metadata.name}`;
  const bound = find(objects, "VirtualService", (o) => ((o.spec.gateways as string[]) ?? []).includes(ref) && (o.spec.hosts as string[]).includes(sni));
  if (bound.length !== 1) throw new Error(`expected one VirtualService bound to ${ref} for ${sni}, found ${bound.length}`);
  const route = (bound[0].spec.tcp as any[]).find((r) => r.match.some((m: any) => m.port === port && m.gateways.includes(ref)));
  return route.route[0].destination;
}
