import { DEFAULT_INGRESS_PORT, EGRESS_GATEWAY_PORT } from "../mesh";

/**
 * The Helm values MeshCluster gives the official Istio charts, typed for the keys globalmesh sets. Every interface
 * also admits any other value of its chart (`[key: string]: unknown`), so callers can override or add anything
 * through `MeshClusterArgs.istio.values` except the keys listed in `OWNED_VALUES`.
 */

/** Values of the `istio/base` chart (CRDs and cluster roles). */
export interface BaseValues {
  /** Istiod revision the default validating webhook points at; globalmesh installs the unnamed revision. */
  defaultRevision: string;
  [key: string]: unknown;
}

/** Mesh-wide proxy settings (`meshConfig.defaultConfig`). */
export interface ProxyDefaults {
  /** Environment of every sidecar. globalmesh turns on DNS capture so pods resolve `<service>.<domain>` to its VIP. */
  proxyMetadata: Record<string, string>;
  [key: string]: unknown;
}

/** Values of the `istio/istiod` chart. */
export interface IstiodValues {
  global: {
    /** Mesh ID, the same in every cluster of the mesh (from MeshTrust). */
    meshID: string;
    multiCluster: {
      /** This cluster's name in the mesh. */
      clusterName: string;
      [key: string]: unknown;
    };
    /** This cluster's Istio network. */
    network: string;
    [key: string]: unknown;
  };
  meshConfig: {
    /** SPIFFE trust domain of workload identities (from MeshTrust). */
    trustDomain: string;
    defaultConfig: ProxyDefaults;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** One port of a gateway's Service. */
export interface GatewayServicePort {
  /** Port name; Istio reads the protocol from its prefix. */
  name: string;
  /** Service port (what Gateway servers and DestinationRules name). */
  port: number;
  /** Port of the gateway pod. */
  targetPort: number;
  protocol: "TCP";
}

/** Values of the `istio/gateway` chart. */
export interface GatewayValues {
  serviceAccount: {
    /**
     * The gateway's service account, `<release>-<cluster>`: its identity, one per cluster (the chart's default, the
     * release name, would be the same in every cluster).
     */
    name: string;
    [key: string]: unknown;
  };
  service: {
    /** `LoadBalancer` for the ingress gateway (other clusters reach it), `ClusterIP` for the egress gateway. */
    type: "LoadBalancer" | "ClusterIP" | "NodePort";
    /** The Service's ports. An override replaces the whole list. */
    ports: GatewayServicePort[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** What istiod must know about the cluster and the mesh. */
export interface ClusterIdentity {
  clusterName: string;
  network: string;
  meshId: string;
  trustDomain: string;
}

/** Chart value paths that MeshCluster derives from its own args; overriding them would break the mesh or its outputs. */
export const OWNED_VALUES = {
  istiod: {
    "global.meshID": "it is the mesh's ID; set meshId (MeshTrust's meshId)",
    "global.multiCluster.clusterName": "it is the cluster's clusterName",
    "global.network": "set network on the MeshCluster",
    "meshConfig.trustDomain": "set trustDomain (MeshTrust's trustDomain)",
  },
  gateway: {
    name: "the gateway's labels and Service names derive from its release name, and the wiring selects them",
    "labels.app": "the wiring selects gateways by the labels the chart derives from the release name",
    "labels.istio": "the wiring selects gateways by the labels the chart derives from the release name",
    "serviceAccount.name":
      "each cluster's gateway has a service account of its own (`<release>-<cluster>`), its identity in authorization policies and TLS checks",
  },
} as const;

// Port names as in the chart's defaults, so Istio's protocol selection sees what it sees in a stock install.
const STATUS_PORT: GatewayServicePort = { name: "status-port", port: 15021, targetPort: 15021, protocol: "TCP" };

export function baseValues(): BaseValues {
  return { defaultRevision: "default" };
}

export function istiodValues(c: ClusterIdentity): IstiodValues {
  return {
    global: { meshID: c.meshId, multiCluster: { clusterName: c.clusterName }, network: c.network },
    meshConfig: {
      trustDomain: c.trustDomain,
      // DNS capture makes the sidecar answer for ServiceEntry hosts (the global names); auto-allocation gives
      // address-less ServiceEntries a VIP (the wiring pins its own, so this only helps other entries).
      defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true", ISTIO_META_DNS_AUTO_ALLOCATE: "true" } },
    },
  };
}

/** The ingress gateway: a load balancer whose 443 carries the cross-cluster mTLS tunnels. */
export function ingressGatewayValues(serviceAccount: string): GatewayValues {
  return {
    serviceAccount: { name: serviceAccount },
    service: {
      type: "LoadBalancer",
      ports: [
        STATUS_PORT,
        { name: "https", port: DEFAULT_INGRESS_PORT, targetPort: DEFAULT_INGRESS_PORT, protocol: "TCP" },
      ],
    },
  };
}

/** The egress gateway: in-cluster only; sidecars send cross-cluster traffic to its 443. */
export function egressGatewayValues(serviceAccount: string): GatewayValues {
  return {
    serviceAccount: { name: serviceAccount },
    service: {
      type: "ClusterIP",
      ports: [
        STATUS_PORT,
        { name: "https", port: EGRESS_GATEWAY_PORT, targetPort: EGRESS_GATEWAY_PORT, protocol: "TCP" },
      ],
    },
  };
}
