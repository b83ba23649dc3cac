/**
 * A small hand-built east-west mesh in the shapes the east-west compiler emits (sdk/src/mesh/compileEastWest.ts:
 * locality ranking, the local Service with its cluster's locality), for the simulator's own tests: GlobalNamespace `shop`, domain `shop.example`, service `cart` (8080 HTTP → pods' 9080,
 * 6379 TCP; service account `cart`) in namespace `shop` of c2 and c3; c1 and c2 run `frontend`. c2 also runs `vault`
 * in namespace `other`, outside the GlobalNamespace. Localities: c1 us-east/a, c2 us-east/b, c3 eu-west/a. Each call
 * builds fresh objects, so a test can change one and watch the simulator follow.
 */
import { API_NETWORKING, API_SECURITY, MeshObject } from "../../../sdk/src/mesh";
import {
  AuthorizationPolicyObject,
  DestinationRuleObject,
  GatewayObject,
  ObjectMeta,
  PeerAuthenticationObject,
  ServiceEntryObject,
  WorkloadEntry,
} from "../../../sdk/src/mesh/istio/types";
import { outboundSni } from "./passthrough";
import { SimCluster, SimMesh, SimService } from "./types";

export const NS = "shop";
export const GW = "istio-gateways";
export const HOST = "cart.shop.example";
export const HTTP_PORT = 8080;
export const TCP_PORT = 6379;
export const CART_FQDN = "cart.shop.svc.cluster.local";
export const VAULT_FQDN = "vault.other.svc.cluster.local";
export const EAST_WEST_LABELS = { istio: "eastwestgateway" };
export const PASSTHROUGH = "gns-shop-passthrough";
export const BASE = "gns.shop.cart";
export const CLUSTER_LABEL = "topology.istio.io/cluster";
const VIP = "240.0.0.10";
const PORTS = [
  { number: HTTP_PORT, name: "http-cart", protocol: "HTTP", targetPort: 9080 },
  { number: TCP_PORT, name: "tcp-redis", protocol: "TCP", targetPort: 6379 },
];
export const LOCALITY: Record<string, string> = { c1: "us-east/a", c2: "us-east/b", c3: "eu-west/a" };

export const principalOf = (ns: string, sa: string, td = "cluster.local") => `${td}/ns/${ns}/sa/${sa}`;
export const uri = (p: string) => `spiffe://${p}`;
export const sni = (port: number) => outboundSni(port, CART_FQDN);
export const eastWestAddress = (c: string) => `${c}.eastwest.example.net`;

const cart = (): SimService => ({
  name: "cart",
  namespace: NS,
  labels: { app: "cart", version: "v1" },
  serviceAccount: "cart",
  ports: PORTS.map((p) => ({ port: p.number, targetPort: p.targetPort, protocol: p.protocol })),
});
const frontend = (): SimService => ({
  name: "frontend",
  namespace: NS,
  labels: { app: "frontend" },
  serviceAccount: "frontend",
  ports: [{ port: 80, targetPort: 8080, protocol: "HTTP" }],
});
const vault = (): SimService => ({
  name: "vault",
  namespace: "other",
  labels: { app: "vault" },
  serviceAccount: "vault",
  ports: [{ port: 8200, targetPort: 8200, protocol: "HTTP" }],
});

function cluster(name: string, services: SimService[], trustDomain = "cluster.local"): SimCluster {
  return {
    name,
    trustDomain,
    locality: LOCALITY[name],
    gateways: {
      namespace: GW,
      ingressLabels: { istio: "ingressgateway" },
      egressLabels: { istio: "egressgateway" },
      egressService: "istio-egressgateway.istio-gateways.svc.cluster.local",
      ingressPrincipal: principalOf(GW, `istio-ingressgateway-${name}`, trustDomain),
      egressPrincipal: principalOf(GW, `istio-egressgateway-${name}`, trustDomain),
      eastWestLabels: { ...EAST_WEST_LABELS, "topology.istio.io/network": `${name}-net` },
      eastWestPrincipal: principalOf(GW, `istio-eastwestgateway-${name}`, trustDomain),
    },
    eastWest: { address: eastWestAddress(name), port: 15443 },
    services,
  };
}

function meta(name: string, namespace = GW): ObjectMeta {
  return {
    name,
    namespace,
    labels: { "app.kubernetes.io/managed-by": "globalmesh", "globalmesh.io/global-namespace": "shop" },
    annotations: { "globalmesh.io/host": HOST },
  };
}

const OWNERS = ["c2", "c3"];

/** A remote owner's east-west gateway: every port on 15443, its locality and cluster label. */
function remoteEndpoint(owner: string): WorkloadEntry {
  return {
    address: eastWestAddress(owner),
    ports: Object.fromEntries(PORTS.map((p) => [p.name, 15443])),
    locality: LOCALITY[owner],
    labels: { [CLUSTER_LABEL]: owner },
  };
}

function localEndpoint(here: string): WorkloadEntry {
  return {
    address: CART_FQDN,
    ports: Object.fromEntries(PORTS.map((p) => [p.name, p.number])),
    locality: LOCALITY[here],
    labels: { [CLUSTER_LABEL]: here, "security.istio.io/tlsMode": "istio" },
  };
}

export function serviceEntry(here: string, endpoints = ownerEndpoints(here)): ServiceEntryObject {
  return {
    apiVersion: API_NETWORKING,
    kind: "ServiceEntry",
    metadata: meta(BASE),
    spec: {
      hosts: [HOST],
      addresses: [VIP],
      ports: PORTS.map(({ number, name, protocol }) => ({ number, name, protocol })),
      location: "MESH_INTERNAL",
      resolution: "DNS",
      exportTo: [NS],
      endpoints,
    },
  };
}

/** Every other owner's east-west gateway, and the local Service where cart runs. */
export function ownerEndpoints(here: string): WorkloadEntry[] {
  return [
    ...(OWNERS.includes(here) ? [localEndpoint(here)] : []),
    ...OWNERS.filter((o) => o !== here).map(remoteEndpoint),
  ];
}

export function destinationRule(td: (c: string) => string = () => "cluster.local"): DestinationRuleObject {
  const cartIdentities = [...new Set(OWNERS.map((o) => uri(principalOf(NS, "cart", td(o)))))];
  return {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata: meta(BASE),
    spec: {
      host: HOST,
      exportTo: [NS],
      trafficPolicy: {
        portLevelSettings: PORTS.map((p) => ({
          port: { number: p.number },
          loadBalancer: { localityLbSetting: { enabled: true } },
          outlierDetection: {
            consecutiveGatewayErrors: 5,
            interval: "10s",
            baseEjectionTime: "30s",
            maxEjectionPercent: 100,
          },
          tls: { mode: "ISTIO_MUTUAL", sni: sni(p.number), subjectAltNames: cartIdentities },
        })),
      },
    },
  };
}

export function passthroughGateway(hosts = [`*.${NS}.svc.cluster.local`], name = PASSTHROUGH): GatewayObject {
  return {
    apiVersion: API_NETWORKING,
    kind: "Gateway",
    metadata: meta(name),
    spec: {
      selector: EAST_WEST_LABELS,
      servers: [
        { port: { number: 15443, name: "tls-passthrough", protocol: "TLS" }, hosts, tls: { mode: "AUTO_PASSTHROUGH" } },
      ],
    },
  };
}

/** cart's pods admit every workload of the mapped namespace, by identity (the caller's own certificate). */
export function allowMembers(principals = [principalOf(NS, "*")]): AuthorizationPolicyObject {
  return {
    apiVersion: API_SECURITY,
    kind: "AuthorizationPolicy",
    metadata: meta(BASE, NS),
    spec: {
      selector: { matchLabels: { app: "cart" } },
      action: "ALLOW",
      rules: [{ from: [{ source: { principals } }] }],
    },
  };
}

function mtls(): PeerAuthenticationObject {
  return {
    apiVersion: API_SECURITY,
    kind: "PeerAuthentication",
    metadata: meta("gns.shop.mtls", NS),
    spec: { mtls: { mode: "STRICT" } },
  };
}

const MEMBERS = ["c1", "c2", "c3"];

/** The objects of a cluster: two per remote service in c1; in owners also the passthrough and cart's policy. */
export function objectsFor(here: string, td: (c: string) => string = () => "cluster.local"): MeshObject[] {
  const owner = OWNERS.includes(here);
  const members = [...new Set(MEMBERS.map((c) => principalOf(NS, "*", td(c))))];
  return [
    serviceEntry(here),
    destinationRule(td),
    ...(owner ? [passthroughGateway(), allowMembers(members)] : []),
    mtls(),
  ];
}

/** The whole mesh; `trustDomains` gives each cluster its own (`<cluster>.example`) instead of `cluster.local`. */
export function eastWestMesh(opts: { trustDomains?: boolean } = {}): SimMesh {
  const td = (c: string) => (opts.trustDomains ? `${c}.example` : "cluster.local");
  return {
    clusters: [
      cluster("c1", [frontend()], td("c1")),
      cluster("c2", [cart(), frontend(), vault()], td("c2")),
      cluster("c3", [cart()], td("c3")),
    ],
    objects: new Map(MEMBERS.map((c) => [c, objectsFor(c, td)])),
  };
}

export function objectsOf(mesh: SimMesh, cluster: string): MeshObject[] {
  const list = mesh.objects.get(cluster);
  if (!list) throw new Error(`no objects for ${cluster}`);
  return list as MeshObject[];
}

export function named<K extends MeshObject["kind"]>(
  objects: MeshObject[],
  kind: K,
  name: string,
): Extract<MeshObject, { kind: K }> {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o as Extract<MeshObject, { kind: K }>;
}
