/**
 * A small hand-built mesh in the shapes issue 9's compiler emits (see /work/issue9-design.md, "Objects per cluster"),
 * for the simulator's own tests: GlobalNamespace `shop`, domain `shop.example`, service `cart` (8080 HTTP → pods'
 * 9080, 6379 TCP) in namespace `shop` of clusters c2 and c3; cluster c1 runs `frontend` and calls it. Each call
 * builds fresh objects, so a test can break one and watch the simulator refuse.
 */
import { API_NETWORKING, API_SECURITY, MeshObject } from "../../../sdk/src/mesh";
import { egressSubsetName, gatewayName, tunnelHost } from "../../../sdk/src/mesh/names";
import {
  AuthorizationPolicyObject,
  DestinationRuleObject,
  GatewayObject,
  ObjectMeta,
  PeerAuthenticationObject,
  ServiceEntryObject,
  VirtualServiceObject,
} from "../../../sdk/src/mesh/istio/types";
import { SimCluster, SimMesh, SimService } from "./types";

export const GNS = "shop";
export const NS = "shop";
export const GW = "istio-gateways";
export const HOST = "cart.shop.example";
export const HTTP_PORT = 8080;
export const TCP_PORT = 6379;
export const CART_FQDN = "cart.shop.svc.cluster.local";
export const INGRESS_LABELS = { istio: "ingressgateway" };
export const EGRESS_LABELS = { istio: "egressgateway" };
export const EGRESS_SERVICE = "istio-egressgateway.istio-gateways.svc.cluster.local";
export const CART_LABELS = { app: "cart" };
const PORTS = [
  { number: HTTP_PORT, name: "http-cart", protocol: "HTTP", targetPort: 9080 },
  { number: TCP_PORT, name: "tcp-redis", protocol: "TCP", targetPort: 6379 },
];
const TD = "cluster.local";

export const principalOf = (ns: string, sa: string) => `${TD}/ns/${ns}/sa/${sa}`;
export const ingressPrincipal = (c: string) => principalOf(GW, `istio-ingressgateway-${c}`);
export const egressPrincipal = (c: string) => principalOf(GW, `istio-egressgateway-${c}`);
export const uri = (p: string) => `spiffe://${p}`;
export const tunnel = (port: number) => tunnelHost(HOST, port);
export const ingressAddress = (c: string) => `${c}.ingress.example.net`;

function cluster(name: string, services: SimService[]): SimCluster {
  return {
    name,
    trustDomain: TD,
    gateways: {
      namespace: GW,
      ingressLabels: { ...INGRESS_LABELS, app: "istio-ingressgateway" },
      egressLabels: { ...EGRESS_LABELS, app: "istio-egressgateway" },
      egressService: EGRESS_SERVICE,
      egressPort: 443,
      ingressPrincipal: ingressPrincipal(name),
      egressPrincipal: egressPrincipal(name),
    },
    ingress: { address: ingressAddress(name), port: 443 },
    services,
  };
}

const cart: SimService = {
  name: "cart",
  namespace: NS,
  labels: { ...CART_LABELS, version: "v1" },
  serviceAccount: "cart",
  ports: PORTS.map((p) => ({ port: p.number, targetPort: p.targetPort, protocol: p.protocol })),
};
const frontend: SimService = {
  name: "frontend",
  namespace: NS,
  labels: { app: "frontend" },
  serviceAccount: "frontend",
  ports: [{ port: 80, targetPort: 8080, protocol: "HTTP" }],
};

function meta(name: string, namespace = GW): ObjectMeta {
  return {
    name,
    namespace,
    labels: {
      "app.kubernetes.io/managed-by": "globalmesh",
      "globalmesh.io/global-namespace": GNS,
      "globalmesh.io/service": "cart",
    },
    annotations: { "globalmesh.io/host": HOST },
  };
}

const base = `gns.${GNS}.cart`;
/** Gateway names are DNS labels (istiod refuses dots in a Gateway name and in a VirtualService's reference to one). */
export const EGRESS_GATEWAY = gatewayName(GNS, "cart", "egress");
export const INGRESS_GATEWAY = gatewayName(GNS, "cart", "ingress");
const VIP = "240.0.0.10";

/** Objects of c1, which calls cart in c2 and c3 through its egress gateway. */
export function clientObjects(mapped: string[] = [NS]): MeshObject[] {
  const se: ServiceEntryObject = {
    apiVersion: API_NETWORKING,
    kind: "ServiceEntry",
    metadata: meta(base),
    spec: {
      hosts: [HOST],
      addresses: [VIP],
      ports: PORTS.map(({ number, name, protocol }) => ({ number, name, protocol })),
      location: "MESH_INTERNAL",
      resolution: "DNS",
      exportTo: [...mapped, GW],
      endpoints: ["c2", "c3"].map((c) => ({
        address: ingressAddress(c),
        ports: { "http-cart": 443, "tcp-redis": 443 },
        labels: { "topology.istio.io/cluster": c },
      })),
    },
  };
  const toEgress = (p: number) => ({
    host: EGRESS_SERVICE,
    subset: egressSubsetName(GNS, "cart", p),
    port: { number: 443 },
  });
  const vs: VirtualServiceObject = {
    apiVersion: API_NETWORKING,
    kind: "VirtualService",
    metadata: meta(base),
    spec: {
      hosts: [HOST],
      exportTo: mapped,
      http: [{ match: [{ port: HTTP_PORT }], route: [{ destination: toEgress(HTTP_PORT) }] }],
      tcp: [{ match: [{ port: TCP_PORT }], route: [{ destination: toEgress(TCP_PORT) }] }],
    },
  };
  const remote: DestinationRuleObject = {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata: meta(base),
    spec: {
      host: HOST,
      exportTo: [GW],
      trafficPolicy: {
        portLevelSettings: PORTS.map((p) => ({
          port: { number: p.number },
          loadBalancer: { simple: "LEAST_REQUEST", localityLbSetting: { enabled: true } },
          outlierDetection: {
            consecutiveGatewayErrors: 5,
            interval: "10s",
            baseEjectionTime: "30s",
            maxEjectionPercent: 100,
          },
          connectionPool: { tcp: { tcpKeepalive: { time: "300s", interval: "60s", probes: 3 } } },
          tls: {
            mode: "ISTIO_MUTUAL",
            sni: tunnel(p.number),
            subjectAltNames: [uri(ingressPrincipal("c2")), uri(ingressPrincipal("c3"))],
          },
        })),
      },
    },
  };
  const gateway: GatewayObject = {
    apiVersion: API_NETWORKING,
    kind: "Gateway",
    metadata: meta(EGRESS_GATEWAY),
    spec: {
      selector: EGRESS_LABELS,
      servers: PORTS.map((p) => ({
        port: { number: 443, name: `tls-${p.number}`, protocol: "TLS" },
        hosts: [tunnel(p.number)],
        tls: { mode: "ISTIO_MUTUAL" },
      })),
    },
  };
  const subsets: DestinationRuleObject = {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata: meta(`${base}.egress`),
    spec: {
      host: EGRESS_SERVICE,
      exportTo: mapped,
      subsets: PORTS.map((p) => ({
        name: egressSubsetName(GNS, "cart", p.number),
        trafficPolicy: {
          portLevelSettings: [
            {
              port: { number: 443 },
              tls: { mode: "ISTIO_MUTUAL", sni: tunnel(p.number), subjectAltNames: [uri(egressPrincipal("c1"))] },
              ...(p.protocol === "HTTP" && { connectionPool: { http: { useClientProtocol: true } } }),
            },
          ],
        },
      })),
    },
  };
  const routes = PORTS.map((p): VirtualServiceObject => ({
    apiVersion: API_NETWORKING,
    kind: "VirtualService",
    metadata: meta(`${base}.egress.${p.number}`),
    spec: {
      hosts: [tunnel(p.number)],
      gateways: [`${GW}/${EGRESS_GATEWAY}`],
      exportTo: [GW],
      tcp: [
        {
          match: [{ gateways: [`${GW}/${EGRESS_GATEWAY}`], port: 443 }],
          route: [{ destination: { host: HOST, port: { number: p.number } } }],
        },
      ],
    },
  }));
  const allow: AuthorizationPolicyObject = {
    apiVersion: API_SECURITY,
    kind: "AuthorizationPolicy",
    metadata: meta(`${base}.egress`),
    spec: {
      selector: { matchLabels: EGRESS_LABELS },
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { namespaces: mapped } }],
          when: [{ key: "connection.sni", values: PORTS.map((p) => tunnel(p.number)) }],
        },
      ],
    },
  };
  return [se, vs, remote, gateway, subsets, ...routes, allow, ...mtls(mapped)];
}

/** Objects of an owner (c2, c3): local route, and the ingress end of the tunnel for callers in c1. */
export function ownerObjects(mapped: string[] = [NS]): MeshObject[] {
  const se: ServiceEntryObject = {
    apiVersion: API_NETWORKING,
    kind: "ServiceEntry",
    metadata: meta(base),
    spec: {
      hosts: [HOST],
      addresses: [VIP],
      ports: PORTS.map(({ number, name, protocol }) => ({ number, name, protocol })),
      location: "MESH_INTERNAL",
      resolution: "DNS",
      exportTo: mapped,
      endpoints: [
        {
          address: CART_FQDN,
          ports: Object.fromEntries(PORTS.map((p) => [p.name, p.number])),
          labels: { "security.istio.io/tlsMode": "istio" },
        },
      ],
    },
  };
  const local = (p: number) => ({ host: CART_FQDN, port: { number: p } });
  const vs: VirtualServiceObject = {
    apiVersion: API_NETWORKING,
    kind: "VirtualService",
    metadata: meta(base),
    spec: {
      hosts: [HOST],
      exportTo: mapped,
      http: [{ match: [{ port: HTTP_PORT }], route: [{ destination: local(HTTP_PORT) }] }],
      tcp: [{ match: [{ port: TCP_PORT }], route: [{ destination: local(TCP_PORT) }] }],
    },
  };
  const gateway: GatewayObject = {
    apiVersion: API_NETWORKING,
    kind: "Gateway",
    metadata: meta(INGRESS_GATEWAY),
    spec: {
      selector: INGRESS_LABELS,
      servers: PORTS.map((p) => ({
        port: { number: 443, name: `tls-${p.number}`, protocol: "TLS" },
        hosts: [tunnel(p.number)],
        tls: { mode: "ISTIO_MUTUAL", subjectAltNames: [uri(egressPrincipal("c1"))] },
      })),
    },
  };
  const routes = PORTS.map((p): VirtualServiceObject => ({
    apiVersion: API_NETWORKING,
    kind: "VirtualService",
    metadata: meta(`${base}.ingress.${p.number}`),
    spec: {
      hosts: [tunnel(p.number)],
      gateways: [`${GW}/${INGRESS_GATEWAY}`],
      exportTo: [GW],
      tcp: [
        { match: [{ gateways: [`${GW}/${INGRESS_GATEWAY}`], port: 443 }], route: [{ destination: local(p.number) }] },
      ],
    },
  }));
  const protocol: DestinationRuleObject = {
    apiVersion: API_NETWORKING,
    kind: "DestinationRule",
    metadata: meta(`${base}.ingress`),
    spec: {
      host: CART_FQDN,
      workloadSelector: { matchLabels: INGRESS_LABELS },
      exportTo: [GW],
      trafficPolicy: {
        portLevelSettings: PORTS.map((p) => ({
          port: { number: p.number },
          tls: { mode: "ISTIO_MUTUAL" },
          ...(p.protocol === "HTTP" && { connectionPool: { http: { useClientProtocol: true } } }),
        })),
      },
    },
  };
  const allow: AuthorizationPolicyObject = {
    apiVersion: API_SECURITY,
    kind: "AuthorizationPolicy",
    metadata: meta(`${base}.ingress`),
    spec: {
      selector: { matchLabels: INGRESS_LABELS },
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { principals: [egressPrincipal("c1")] } }],
          when: [{ key: "connection.sni", values: PORTS.map((p) => tunnel(p.number)) }],
        },
      ],
    },
  };
  return [se, vs, gateway, ...routes, protocol, allow, ...mtls(mapped)];
}

function mtls(mapped: string[]): PeerAuthenticationObject[] {
  return mapped.map((ns) => ({
    apiVersion: API_SECURITY,
    kind: "PeerAuthentication",
    metadata: {
      name: `gns.${GNS}.mtls`,
      namespace: ns,
      labels: { "app.kubernetes.io/managed-by": "globalmesh", "globalmesh.io/global-namespace": GNS },
      annotations: {},
    },
    spec: { mtls: { mode: "STRICT" } },
  }));
}

/** The whole hand-built mesh: c1 (frontend, calls cart), c2 and c3 (run cart and frontend). */
export function handBuiltMesh(): SimMesh {
  return {
    clusters: [cluster("c1", [frontend]), cluster("c2", [cart, frontend]), cluster("c3", [cart])],
    objects: new Map([
      ["c1", clientObjects()],
      ["c2", ownerObjects()],
      ["c3", ownerObjects()],
    ]),
  };
}

/** The objects of a cluster of a hand-built mesh, for a test to change in place. */
export function objectsOf(mesh: SimMesh, cluster: string): MeshObject[] {
  const list = mesh.objects.get(cluster);
  if (!list) throw new Error(`no objects for ${cluster}`);
  return list as MeshObject[];
}

/** The object of a kind and name in a list (a test's handle to change it). */
export function named<K extends MeshObject["kind"]>(
  objects: MeshObject[],
  kind: K,
  name: string,
): Extract<MeshObject, { kind: K }> {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o as Extract<MeshObject, { kind: K }>;
}
