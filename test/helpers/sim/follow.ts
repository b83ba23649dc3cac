/**
 * Follows one request hop by hop the way Istio's proxies would, over the compiled objects of every cluster, and says
 * where it ends: at a workload (`ok`), or refused by a proxy, with the reason and every hop on the way (SNI,
 * certificates presented and expected, policies evaluated).
 *
 * Hops: (1) the caller's namespace resolves the host (a ServiceEntry exported to it); (2) its sidecar routes (a mesh
 * VirtualService visible to it) and originates TLS (the DestinationRule it sees, else auto mTLS); (3) a gateway picks
 * a Gateway server by port and SNI and runs the handshake (the client checks the server's certificate against its
 * subjectAltNames, the server the client's); (4) the gateway's AuthorizationPolicies; (5) the VirtualService bound to
 * that Gateway routes the SNI to the next destination (a ServiceEntry's endpoints: a remote ingress; or a local
 * Service); (6) the destination workload: PeerAuthentication, then its AuthorizationPolicies with the peer's identity.
 *
 * East-west mode: the caller's sidecar picks an endpoint by Envoy priority (priority.ts) and opens mTLS with the
 * DestinationRule's SNI straight through the owner's east-west gateway, which routes by SNI without terminating
 * (passthrough.ts); the destination's sidecar then sees the caller's own certificate.
 */
import { MeshObject, objectKey } from "../../../sdk/src/mesh";
import { Destination, WorkloadEntry } from "../../../sdk/src/mesh/istio/types";
import { evaluate, policiesFor } from "./authz";
import { passthroughListener } from "./passthrough";
import { LbPolicy, rankEndpoints } from "./priority";
import { clientTls, spiffe, tlsFromRules } from "./tls";
import {
  CallResult,
  Caller,
  ClientTls,
  Hop,
  Peer,
  ProxyRole,
  Refused,
  RequestOptions,
  SimCluster,
  SimMesh,
  SimService,
  Stage,
} from "./types";
import {
  destinationRulesFor,
  gatewayRef,
  gatewayServers,
  hostMatches,
  meshVirtualServices,
  ofKind,
  peerAuthenticationMode,
  serverHostMatches,
  serviceEntriesFor,
  visibleTo,
} from "./visibility";

const CLUSTER_DNS_SUFFIX = ".svc.cluster.local";
const MAX_HOPS = 12;
const EAST_WEST_LABELS = { istio: "eastwestgateway" };
const TLS_MODE_LABEL = "security.istio.io/tlsMode";

type GatewayRole = "ingress" | "egress" | "east-west";

/** Where an attacker dials: a cluster's gateway, or an ingress or east-west address as other clusters reach it. */
export type DialTarget = { cluster: string; gateway?: GatewayRole; port?: number } | { address: string; port?: number };

interface Proxy {
  cluster: SimCluster;
  role: ProxyRole;
  namespace: string;
  labels: Record<string, string>;
  principal: string;
  name: string;
}

/** A connection arriving at a proxy. */
interface Conn {
  /** Who originated it (for a refusal by the client side of the handshake). */
  from: string;
  tls: ClientTls["mode"];
  sni?: string;
  /** The principal of the client certificate presented; absent without one. */
  clientPrincipal?: string;
  trusted: boolean;
  expectedServer: string[];
}

interface Run {
  hops: Hop[];
  forks: string[];
  priorities: string[][];
  forked: boolean;
  opts: RequestOptions;
}

type Target =
  | { kind: "gateway"; cluster: SimCluster; role: GatewayRole; port: number; address?: string }
  | { kind: "workload"; cluster: SimCluster; service: SimService; port: number; address?: string; sidecar: boolean };

/** A refusal on the way (thrown inside a run, returned as the result). */
class Refusal {
  constructor(
    readonly refusedAt: string,
    readonly stage: Stage,
    readonly reason: string,
  ) {}
}

export class MeshSimulator {
  private readonly root: string;

  constructor(private readonly mesh: SimMesh) {
    this.root = mesh.rootNamespace ?? "istio-system";
  }

  /** The principal (`<td>/ns/<ns>/sa/<sa>`) of a workload of a cluster. */
  principalOf(w: { cluster: string; namespace: string; serviceAccount: string }): string {
    return `${this.cluster(w.cluster).trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}`;
  }

  /** A workload's request to `host:port` by name, from its sidecar to wherever the objects send it. */
  call(from: Caller, host: string, port: number, opts: RequestOptions = {}): CallResult {
    const cluster = this.cluster(from.cluster);
    const proxy: Proxy = {
      cluster,
      role: "sidecar",
      namespace: from.namespace,
      labels: from.labels ?? {},
      principal: this.principalOf(from),
      name: `${cluster.name} sidecar ${from.namespace}/${from.serviceAccount}`,
    };
    return this.run(opts, (run) => {
      const hop = this.hop(run, proxy);
      const objects = this.objects(cluster.name);
      // (1) DNS: Kubernetes resolves the cluster's own Services; anything else needs a ServiceEntry the namespace sees.
      let protocol: string;
      const local = this.localService(cluster, host);
      if (local) {
        const sp = local.ports.find((p) => p.port === port);
        if (!sp) throw new Refusal(proxy.name, Stage.Route, `Service ${host} has no port ${port}`);
        protocol = sp.protocol;
        hop.notes.push(`${host} resolved by Kubernetes DNS`);
      } else {
        const [se, ...more] = serviceEntriesFor(objects, proxy.namespace, host);
        if (!se)
          throw new Refusal(
            proxy.name,
            Stage.Dns,
            `not resolvable: no ServiceEntry for ${host} is exported to namespace ${proxy.namespace}`,
          );
        if (more.length) hop.notes.push(`${more.length + 1} ServiceEntries for ${host}; the first is followed`);
        hop.objects.push(objectKey(se));
        const sp = se.spec.ports.find((p) => p.number === port);
        if (!sp) throw new Refusal(proxy.name, Stage.Route, `port ${port} is not declared by ${objectKey(se)}`);
        protocol = sp.protocol;
      }
      // (2) the sidecar's route.
      return this.send(run, proxy, hop, this.sidecarRoute(objects, proxy, hop, host, port, protocol));
    });
  }

  /** `call` once per endpoint where the host has several (owners in several clusters): each failover target. */
  callEach(from: Caller, host: string, port: number, opts: RequestOptions = {}): CallResult[] {
    const first = this.call(from, host, port, opts);
    if (first.forks.length === 0) return [first];
    return first.forks.map((via) => this.call(from, host, port, { ...opts, via }));
  }

  /**
   * A raw connection straight to a gateway (default: the ingress, on its cross-cluster port), evaluated from the
   * Gateway server on: what a workload skipping its egress gateway, or a gateway of a cluster outside the mesh, can
   * reach with a chosen SNI. `expectedServer`: the URI SANs the dialer insists on (default: any).
   */
  dial(
    peer: Peer,
    target: DialTarget,
    sni: string | undefined,
    opts: RequestOptions & { expectedServer?: string[] } = {},
  ) {
    const { cluster, role, port } = this.dialTarget(target);
    const conn: Conn =
      peer.principal !== undefined
        ? {
            from: `dialer ${peer.principal}`,
            tls: "ISTIO_MUTUAL",
            sni,
            clientPrincipal: peer.principal,
            trusted: peer.trusted ?? true,
            expectedServer: opts.expectedServer ?? [],
          }
        : {
            from: "dialer (no certificate)",
            tls: peer.tls,
            ...(peer.tls === "SIMPLE" && { sni }),
            trusted: false,
            expectedServer: opts.expectedServer ?? [],
          };
    return this.run(opts, (run) =>
      role === "east-west" ? this.atEastWest(run, cluster, port, conn) : this.atGateway(run, cluster, role, port, conn),
    );
  }

  private dialTarget(t: DialTarget): { cluster: SimCluster; role: GatewayRole; port: number } {
    if ("address" in t) {
      const eastWest = this.mesh.clusters.find((c) => c.eastWest?.address === t.address);
      if (eastWest) return { cluster: eastWest, role: "east-west", port: t.port ?? eastWest.eastWest?.port ?? 15443 };
      const cluster = this.mesh.clusters.find((c) => c.ingress?.address === t.address);
      if (!cluster) throw new Error(`simulator: no cluster has its ingress or east-west gateway at ${t.address}`);
      return { cluster, role: "ingress", port: t.port ?? cluster.ingress?.port ?? 443 };
    }
    const cluster = this.cluster(t.cluster);
    const role = t.gateway ?? (cluster.eastWest && !cluster.ingress ? "east-west" : "ingress");
    const port =
      t.port ??
      (role === "ingress"
        ? (cluster.ingress?.port ?? 443)
        : role === "east-west"
          ? (cluster.eastWest?.port ?? 15443)
          : (cluster.gateways.egressPort ?? 443));
    return { cluster, role, port };
  }

  private run(opts: RequestOptions, body: (run: Run) => CallResult): CallResult {
    const run: Run = { hops: [], forks: [], priorities: [], forked: false, opts };
    try {
      return body(run);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      const refused: Refused = {
        ok: false,
        refusedAt: e.refusedAt,
        stage: e.stage,
        reason: e.reason,
        hops: run.hops,
        forks: run.forks,
        priorities: run.priorities,
      };
      return refused;
    }
  }

  private hop(run: Run, proxy: Proxy, conn?: Conn): Hop {
    if (run.hops.length >= MAX_HOPS) throw new Refusal(proxy.name, Stage.Route, `more than ${MAX_HOPS} hops: a loop`);
    const hop: Hop = {
      cluster: proxy.cluster.name,
      role: proxy.role,
      proxy: proxy.name,
      ...(conn?.sni !== undefined && { sni: conn.sni }),
      ...(conn?.clientPrincipal !== undefined && { peerCertificate: spiffe(conn.clientPrincipal) }),
      certificate: spiffe(proxy.principal),
      policies: [],
      objects: [],
      notes: [],
    };
    run.hops.push(hop);
    return hop;
  }

  /** (2) The sidecar's route for host:port, in the section the port's protocol selects. */
  private sidecarRoute(
    objects: readonly MeshObject[],
    proxy: Proxy,
    hop: Hop,
    host: string,
    port: number,
    protocol: string,
  ): Destination {
    const [vs, ...more] = meshVirtualServices(objects, proxy.namespace, host);
    const toHost: Destination = { host, port: { number: port } };
    if (!vs) {
      hop.notes.push(`no VirtualService for ${host}: default route to the host`);
      return toHost;
    }
    if (more.length) hop.notes.push(`${more.length + 1} mesh VirtualServices for ${host}; the first applies`);
    hop.objects.push(objectKey(vs));
    const kind = routeKind(protocol);
    const section = (kind === "http" ? vs.spec.http : kind === "tls" ? vs.spec.tls : vs.spec.tcp) ?? [];
    const route = section.find(
      (r) =>
        !r.match?.length ||
        r.match.some(
          (m: { port?: number; sniHosts?: string[] }) =>
            (m.port === undefined || m.port === port) &&
            (kind !== "tls" || !m.sniHosts || m.sniHosts.some((h) => hostMatches(h, host))),
        ),
    );
    if (!route) {
      if (kind === "http")
        throw new Refusal(proxy.name, Stage.Route, `no route: ${objectKey(vs)} has no http route for port ${port}`);
      hop.notes.push(`${objectKey(vs)} has no ${kind} route for port ${port}: default route to the host`);
      return toHost;
    }
    if (route.route.length > 1) hop.notes.push(`${route.route.length} weighted destinations; the first is followed`);
    return route.route[0].destination;
  }

  /** Sends from `proxy` to a route's destination: picks the endpoint, originates TLS, arrives at the next proxy. */
  private send(run: Run, proxy: Proxy, hop: Hop, dest: Destination): CallResult {
    const port = dest.port?.number;
    if (port === undefined) throw new Error(`simulator: destination ${dest.host} without a port is not modelled`);
    const target = this.classify(run, proxy, dest.host, port);
    const serviceNamespace = target.serviceNamespace;
    const rules = destinationRulesFor(this.objects(proxy.cluster.name), proxy, dest.host, serviceNamespace, this.root);
    const lookup = tlsFromRules(rules, dest.subset, port);
    if (!lookup.subsetFound)
      throw new Refusal(
        proxy.name,
        Stage.Route,
        `no subset ${dest.subset} of ${dest.host} in the DestinationRules ${proxy.namespace} sees`,
      );
    const tls = clientTls(
      lookup,
      { host: dest.host, port, subset: dest.subset },
      target.next.kind === "workload" && target.next.sidecar,
    );
    if (tls.mode === "MUTUAL")
      throw new Error(`simulator: MUTUAL (own certificates) from ${proxy.name} is not modelled`);
    if (lookup.from) hop.objects.push(lookup.from);
    hop.to = {
      host: dest.host,
      port,
      ...(dest.subset !== undefined && { subset: dest.subset }),
      ...(target.next.address !== undefined && { address: target.next.address }),
      tls,
    };
    const conn: Conn = {
      from: proxy.name,
      tls: tls.mode,
      ...(tls.mode !== "DISABLE" && tls.sni !== undefined && { sni: tls.sni }),
      ...(tls.mode === "ISTIO_MUTUAL" && { clientPrincipal: proxy.principal }),
      trusted: true,
      expectedServer: tls.expectedServer,
    };
    return this.deliver(run, target.next, conn);
  }

  private deliver(run: Run, next: Target, conn: Conn): CallResult {
    if (next.kind === "workload") return this.atWorkload(run, next.cluster, next.service, next.port, conn);
    return next.role === "east-west"
      ? this.atEastWest(run, next.cluster, next.port, conn)
      : this.atGateway(run, next.cluster, next.role, next.port, conn);
  }

  /** What a destination host:port is, seen from `proxy`: a gateway, a local workload, or a ServiceEntry's endpoint. */
  /** `mtlsOnly`: behind an AUTO_PASSTHROUGH chain istiod keeps only endpoints labelled for Istio mTLS. */
  private classify(
    run: Run,
    proxy: Proxy,
    host: string,
    port: number,
    mtlsOnly = false,
  ): { next: Target; serviceNamespace?: string } {
    const c = proxy.cluster;
    if (host === c.gateways.egressService)
      return { next: { kind: "gateway", cluster: c, role: "egress", port }, serviceNamespace: namespaceOfFqdn(host) };
    const local = this.localService(c, host);
    if (local)
      return {
        next: { kind: "workload", cluster: c, service: local, port, sidecar: true },
        serviceNamespace: local.namespace,
      };
    const [se] = serviceEntriesFor(this.objects(c.name), proxy.namespace, host);
    if (!se)
      throw new Refusal(
        proxy.name,
        Stage.Route,
        `destination ${host} unknown here: no ServiceEntry for it is exported to ${proxy.namespace} (no cluster)`,
      );
    const sp = se.spec.ports.find((p) => p.number === port);
    if (!sp) throw new Refusal(proxy.name, Stage.Route, `port ${port} is not declared by ${objectKey(se)}`);
    const endpoints = se.spec.endpoints.filter((e) => !mtlsOnly || e.labels?.[TLS_MODE_LABEL] === "istio");
    if (!endpoints.length)
      throw new Refusal(
        proxy.name,
        Stage.Route,
        `${objectKey(se)} has no endpoints${mtlsOnly ? " labelled for Istio mTLS (passthrough keeps no other)" : ""}`,
      );
    const owners = endpoints.map((e) => this.endpointCluster(e));
    const rules = destinationRulesFor(this.objects(c.name), proxy, host, se.metadata.namespace, this.root);
    const ranking = rankEndpoints(endpoints, se.spec.resolution, lbPolicyAt(rules, port), {
      cluster: c.name,
      locality: c.locality,
      labels: proxy.labels,
    });
    let ep = endpoints[this.pick(proxy, objectKey(se), owners, ranking.priorities, ranking.ejects, run.opts.down)];
    if (endpoints.length > 1) {
      if (!run.forked) {
        run.forked = true;
        run.forks = owners;
        const levels = Math.max(...ranking.priorities) + 1;
        run.priorities = Array.from({ length: levels }, (_, level) =>
          owners.filter((_, i) => ranking.priorities[i] === level),
        );
        run.hops.at(-1)?.notes.push(...ranking.notes);
      }
      if (run.opts.via !== undefined) {
        const i = owners.indexOf(run.opts.via);
        if (i < 0)
          throw new Error(`simulator: via ${run.opts.via}: ${objectKey(se)} has endpoints in ${owners.join(", ")}`);
        ep = endpoints[i];
      }
    }
    const epPort = ep.ports[sp.name] ?? port;
    const address = String(ep.address);
    const withAddress = `${address}:${epPort}`;
    if (address === c.gateways.egressService)
      return {
        next: { kind: "gateway", cluster: c, role: "egress", port: epPort, address: withAddress },
        serviceNamespace: se.metadata.namespace,
      };
    const eastWest = this.mesh.clusters.find((x) => x.eastWest?.address === address);
    if (eastWest)
      return {
        next: { kind: "gateway", cluster: eastWest, role: "east-west", port: epPort, address: withAddress },
        serviceNamespace: se.metadata.namespace,
      };
    const remote = this.mesh.clusters.find((x) => x.ingress?.address === address);
    if (remote)
      return {
        next: { kind: "gateway", cluster: remote, role: "ingress", port: epPort, address: withAddress },
        serviceNamespace: se.metadata.namespace,
      };
    const svc = this.localService(c, address);
    if (svc)
      return {
        next: {
          kind: "workload",
          cluster: c,
          service: svc,
          port: epPort,
          address: withAddress,
          sidecar: ep.labels?.[TLS_MODE_LABEL] === "istio",
        },
        serviceNamespace: se.metadata.namespace,
      };
    throw new Refusal(
      proxy.name,
      Stage.Route,
      `endpoint ${address} of ${objectKey(se)} is neither a cluster's ingress nor a Service of ${c.name}`,
    );
  }

  /**
   * The endpoint Envoy sends to: the first of the best priority, leaving out the clusters `down` names when outlier
   * detection ejects them; without it, a failing endpoint of the best priority keeps its share and the request fails.
   */
  private pick(
    proxy: Proxy,
    entry: string,
    owners: string[],
    priorities: number[],
    ejects: boolean,
    down: readonly string[] = [],
  ): number {
    const best = priorities.indexOf(0);
    if (!down.includes(owners[best])) return best;
    if (!ejects)
      throw new Refusal(
        proxy.name,
        Stage.Route,
        `endpoint in ${owners[best]} of ${entry} is down, and no outlierDetection ejects it`,
      );
    const up = priorities.map((p, i) => ({ p, i })).filter(({ i }) => !down.includes(owners[i]));
    if (!up.length) throw new Refusal(proxy.name, Stage.Route, `every endpoint of ${entry} is down`);
    return up.reduce((a, b) => (b.p < a.p ? b : a)).i;
  }

  private endpointCluster(e: WorkloadEntry): string {
    const address = String(e.address);
    return (
      this.mesh.clusters.find((c) => c.ingress?.address === address || c.eastWest?.address === address)?.name ??
      e.labels?.["topology.istio.io/cluster"] ??
      address
    );
  }

  /** (3)–(5) A gateway: server by port and SNI, handshake, AuthorizationPolicies, bound VirtualService. */
  private atGateway(run: Run, cluster: SimCluster, role: "ingress" | "egress", port: number, conn: Conn): CallResult {
    if (cluster.eastWest && !cluster.ingress && role === "ingress")
      throw new Error(`simulator: ${cluster.name} has an east-west gateway and no ingress gateway`);
    const g = cluster.gateways;
    const proxy: Proxy = {
      cluster,
      role: role === "ingress" ? "ingress-gateway" : "egress-gateway",
      namespace: g.namespace,
      labels: role === "ingress" ? g.ingressLabels : g.egressLabels,
      principal: role === "ingress" ? g.ingressPrincipal : g.egressPrincipal,
      name: `${cluster.name} ${role} gateway`,
    };
    const hop = this.hop(run, proxy, conn);
    const objects = this.objects(cluster.name);

    // (3) the Gateway server for the port and SNI, and the handshake.
    const servers = gatewayServers(objects, proxy.labels, port);
    if (!servers.length)
      throw new Refusal(proxy.name, Stage.Server, `no Gateway server on port ${port} selects the ${role} gateway`);
    if (conn.tls === "DISABLE" && servers.every(({ server }) => server.tls))
      throw new Refusal(proxy.name, Stage.ServerTls, `plain text, but every server on port ${port} requires TLS`);
    const found = servers.find(({ server }) => server.hosts.some((h) => serverHostMatches(h, conn.sni)));
    if (!found)
      throw new Refusal(proxy.name, Stage.Server, `no server for SNI ${conn.sni ?? "(none)"} on port ${port}`);
    const { gateway, server } = found;
    hop.objects.push(objectKey(gateway));
    const mode = server.tls?.mode;
    if (mode !== "ISTIO_MUTUAL" && mode !== "SIMPLE")
      throw new Error(
        `simulator: Gateway server TLS mode ${mode ?? "(none)"} on ${objectKey(gateway)} is not modelled`,
      );
    // The server sends its certificate first: the client checks it against its subjectAltNames.
    checkServerCertificate(conn, spiffe(proxy.principal));
    let peer: string | undefined;
    if (mode === "ISTIO_MUTUAL") {
      const expected = server.tls.subjectAltNames ?? [];
      hop.expectedPeer = expected;
      if (conn.clientPrincipal === undefined)
        throw new Refusal(proxy.name, Stage.ServerTls, "no client certificate: the ISTIO_MUTUAL server requires one");
      if (!conn.trusted)
        throw new Refusal(proxy.name, Stage.ServerTls, "client certificate not signed by the mesh's root");
      const presented = spiffe(conn.clientPrincipal);
      if (expected.length && !expected.includes(presented))
        throw new Refusal(
          proxy.name,
          Stage.ServerTls,
          `client certificate ${presented} is not in the server's subjectAltNames [${expected.join(", ")}]`,
        );
      peer = conn.clientPrincipal;
      hop.mtls = true;
    } else {
      hop.mtls = false;
      delete hop.peerCertificate; // a SIMPLE server does not ask for one
    }

    // (4) the gateway's AuthorizationPolicies (a TCP hop: the gateway routes the tunnel by SNI).
    const decision = evaluate(policiesFor(objects, proxy.namespace, proxy.labels, this.root), {
      principal: peer,
      sni: conn.sni,
      port,
    });
    hop.policies = decision.policies;
    if (!decision.allowed) throw new Refusal(proxy.name, Stage.Authz, decision.reason);

    // (5) the VirtualService bound to this Gateway, for the SNI.
    const ref = `${gateway.metadata.namespace}/${gateway.metadata.name}`;
    const sni = conn.sni;
    for (const vs of ofKind(objects, "VirtualService")) {
      const vsNs = vs.metadata.namespace;
      if (!(vs.spec.gateways ?? []).some((r) => gatewayRef(r, vsNs) === ref)) continue;
      if (!visibleTo(vs, proxy.namespace)) continue;
      if (!vs.spec.hosts.some((h) => (sni === undefined ? h === "*" : hostMatches(h, sni)))) continue;
      const route = (vs.spec.tcp ?? []).find(
        (r) =>
          !r.match?.length ||
          r.match.some(
            (m) =>
              (!m.gateways?.length || m.gateways.some((r2) => gatewayRef(r2, vsNs) === ref)) &&
              (m.port === undefined || m.port === port),
          ),
      );
      if (!route) continue;
      hop.objects.push(objectKey(vs));
      if (route.route.length > 1) hop.notes.push(`${route.route.length} weighted destinations; the first is followed`);
      return this.send(run, proxy, hop, route.route[0].destination);
    }
    throw new Refusal(
      proxy.name,
      Stage.Route,
      `no route: no VirtualService bound to ${ref} and visible to ${proxy.namespace} routes SNI ${sni ?? "(none)"} on port ${port}`,
    );
  }

  /** (6) The destination workload's sidecar: PeerAuthentication, then its AuthorizationPolicies. */
  private atWorkload(run: Run, cluster: SimCluster, svc: SimService, port: number, conn: Conn): CallResult {
    const proxy: Proxy = {
      cluster,
      role: "workload",
      namespace: svc.namespace,
      labels: svc.labels,
      principal: `${cluster.trustDomain}/ns/${svc.namespace}/sa/${svc.serviceAccount}`,
      name: `${cluster.name} workload ${svc.name}.${svc.namespace}`,
    };
    const hop = this.hop(run, proxy, conn);
    const objects = this.objects(cluster.name);
    const sp = svc.ports.find((p) => p.port === port);
    if (!sp) throw new Refusal(proxy.name, Stage.Route, `Service ${svc.name}.${svc.namespace} has no port ${port}`);
    if (conn.tls !== "DISABLE") checkServerCertificate(conn, spiffe(proxy.principal));
    const pa = peerAuthenticationMode(objects, svc.namespace, svc.labels, this.root);
    if (pa.from) hop.objects.push(pa.from);
    let peer: string | undefined;
    if (conn.tls === "DISABLE") {
      hop.mtls = false;
      if (pa.mode === "STRICT")
        throw new Refusal(proxy.name, Stage.Mtls, `plain text refused: ${pa.from ?? "PeerAuthentication"} is STRICT`);
    } else if (conn.tls === "ISTIO_MUTUAL") {
      if (pa.mode === "DISABLE")
        throw new Refusal(proxy.name, Stage.Mtls, `mTLS sent, but ${pa.from ?? "PeerAuthentication"} is DISABLE`);
      if (!conn.trusted)
        throw new Refusal(proxy.name, Stage.ServerTls, "client certificate not signed by the mesh's root");
      peer = conn.clientPrincipal;
      hop.mtls = true;
    } else if (conn.tls === "SIMPLE") {
      // Only reachable through a passthrough gateway: the sidecar's mTLS filter chain requires a client certificate.
      throw new Refusal(proxy.name, Stage.ServerTls, "no client certificate: the sidecar's mTLS chain requires one");
    } else {
      throw new Error(`simulator: ${conn.tls} to a workload's sidecar is not modelled`);
    }
    const http = isHttpFamily(sp.protocol)
      ? { method: run.opts.method ?? "GET", path: run.opts.path ?? "/" }
      : undefined;
    const decision = evaluate(policiesFor(objects, svc.namespace, svc.labels, this.root), {
      principal: peer,
      sni: conn.sni,
      port: sp.targetPort,
      ...(http && { http }),
    });
    hop.policies = decision.policies;
    if (!decision.allowed) throw new Refusal(proxy.name, Stage.Authz, decision.reason);
    return {
      ok: true,
      reached: { cluster: cluster.name, fqdn: `${svc.name}.${svc.namespace}${CLUSTER_DNS_SUFFIX}`, port },
      hops: run.hops,
      forks: run.forks,
      priorities: run.priorities,
    };
  }

  /**
   * An east-west gateway: the `AUTO_PASSTHROUGH` filter chain for the SNI (passthrough.ts), then on to the
   * Service's pods (or a ServiceEntry's endpoints) with the client's TLS session unopened: no certificate is
   * checked and no AuthorizationPolicy applies here.
   */
  private atEastWest(run: Run, cluster: SimCluster, port: number, conn: Conn): CallResult {
    const g = cluster.gateways;
    const labels = g.eastWestLabels ?? EAST_WEST_LABELS;
    const proxy: Proxy = {
      cluster,
      role: "east-west-gateway",
      namespace: g.namespace,
      labels,
      principal:
        g.eastWestPrincipal ?? `${cluster.trustDomain}/ns/${g.namespace}/sa/istio-eastwestgateway-${cluster.name}`,
      name: `${cluster.name} east-west gateway`,
    };
    const hop = this.hop(run, proxy, conn);
    delete hop.peerCertificate; // inside the client's TLS session, which the gateway does not open
    delete hop.certificate;
    hop.passthrough = true;
    const listener = passthroughListener(this.objects(cluster.name), cluster, labels, port, this.root);
    hop.notes.push(...listener.notes);
    if (!listener.servers)
      throw new Refusal(proxy.name, Stage.Server, `no Gateway server on port ${port} selects the east-west gateway`);
    if (listener.rejected) throw new Refusal(proxy.name, Stage.Server, listener.rejected);
    if (conn.tls === "DISABLE")
      throw new Refusal(proxy.name, Stage.Server, `plain text: the AUTO_PASSTHROUGH chains on ${port} match TLS only`);
    const chain = conn.sni === undefined ? undefined : listener.chains.get(conn.sni);
    if (!chain)
      throw new Refusal(
        proxy.name,
        Stage.Server,
        `no filter chain for SNI ${conn.sni ?? "(none)"} on port ${port}: AUTO_PASSTHROUGH routes only ` +
          `outbound_.<port>_.<subset>_.<host> of the Services its servers' hosts cover`,
      );
    hop.objects.push(chain.gateway);
    hop.notes.push(
      "AUTO_PASSTHROUGH chain: no TLS terminated, no AuthorizationPolicy applied (pilot builds it without RBAC)",
    );
    const passthrough: ClientTls = {
      mode: conn.tls,
      ...(conn.sni !== undefined && { sni: conn.sni }),
      expectedServer: conn.expectedServer,
      from: "the client's session, passed through",
    };
    const target = chain.target;
    if (chain.subset)
      hop.notes.push(`subset ${chain.subset}: its labels are not modelled, every pod of the host counts`);
    if (target.kind === "service") {
      if (target.service.sidecar === false)
        throw new Refusal(
          proxy.name,
          Stage.Route,
          `no endpoint for ${chain.sni}: istiod keeps only pods with a sidecar behind a passthrough chain`,
        );
      hop.to = { host: target.fqdn, port: chain.port, ...(chain.subset && { subset: chain.subset }), tls: passthrough };
      return this.atWorkload(run, cluster, target.service, chain.port, conn);
    }
    // A ServiceEntry under a (wide) host: the gateway sends the session on to that entry's endpoints.
    const next = this.classify(run, proxy, target.host, chain.port, true);
    hop.objects.push(objectKey(target.entry));
    hop.to = {
      host: target.host,
      port: chain.port,
      ...(next.next.address !== undefined && { address: next.next.address }),
      tls: passthrough,
    };
    return this.deliver(run, next.next, conn);
  }

  private cluster(name: string): SimCluster {
    const c = this.mesh.clusters.find((x) => x.name === name);
    if (!c) throw new Error(`simulator: unknown cluster ${name}`);
    return c;
  }

  private objects(cluster: string): readonly MeshObject[] {
    return this.mesh.objects.get(cluster) ?? [];
  }

  private localService(cluster: SimCluster, host: string): SimService | undefined {
    return cluster.services.find((s) => host === `${s.name}.${s.namespace}${CLUSTER_DNS_SUFFIX}`);
  }
}

/** The client side of a handshake: the server's certificate must be among the client's subjectAltNames, if any. */
function checkServerCertificate(conn: Conn, serverCertificate: string): void {
  if (conn.expectedServer.length && !conn.expectedServer.includes(serverCertificate))
    throw new Refusal(
      conn.from,
      Stage.ClientTls,
      `server certificate ${serverCertificate} is not in the client's subjectAltNames [${conn.expectedServer.join(", ")}]`,
    );
}

/** How a sidecar routes a port (istio.io "Protocol Selection"): HTTP routes, TLS routes by SNI, or TCP routes. */
function routeKind(protocol: string): "http" | "tls" | "tcp" {
  const p = protocol.toUpperCase();
  if (isHttpFamily(p)) return "http";
  if (p === "HTTPS" || p === "TLS") return "tls";
  return "tcp";
}

function isHttpFamily(protocol: string): boolean {
  return ["HTTP", "HTTP2", "GRPC", "GRPC-WEB"].includes(protocol.toUpperCase());
}

/** The port's load-balancing settings from the merged rules: the port-level entry replaces the whole policy. */
function lbPolicyAt(rules: readonly { spec: { trafficPolicy?: unknown } }[], port: number): LbPolicy | undefined {
  const top = rules.find((r) => r.spec.trafficPolicy)?.spec.trafficPolicy as
    (LbPolicy & { portLevelSettings?: (LbPolicy & { port: { number: number } })[] }) | undefined;
  return top?.portLevelSettings?.find((l) => l.port.number === port) ?? top;
}

function namespaceOfFqdn(host: string): string | undefined {
  return host.endsWith(CLUSTER_DNS_SUFFIX) ? host.slice(0, -CLUSTER_DNS_SUFFIX.length).split(".")[1] : undefined;
}
