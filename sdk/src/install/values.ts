import { DEFAULT_INGRESS_PORT, EGRESS_GATEWAY_PORT, gatewaySelector } from "../mesh";
import { MULTIROOT_ENV } from "./certs";
import { EAST_WEST_PORT, EAST_WEST_STATUS_PORT } from "./defaults";
import { valueAt } from "./merge";

/**
 * The Helm values MeshCluster gives the official Istio charts, typed for the keys globalmesh sets. Every interface
 * also admits any other value of its chart (`[key: string]: unknown`), so callers can override or add anything
 * through `MeshClusterArgs.istio.values` except the keys listed in `OWNED_VALUES`. test/install/chartValues.test.ts
 * checks every key set here against the chart's values.yaml of the default Istio version.
 */

/** Values of the `istio/base` chart (CRDs and cluster roles). */
export interface BaseValues {
  /** The revision the default validating webhook (`istiod-default-validator`) calls: the injection tag's. */
  defaultRevision: string;
  [key: string]: unknown;
}

/** Mesh-wide proxy settings (`meshConfig.defaultConfig`). */
export interface ProxyDefaults {
  /** Environment of every sidecar. globalmesh turns on DNS capture so pods resolve `<service>.<domain>` to its VIP. */
  proxyMetadata: Record<string, string>;
  [key: string]: unknown;
}

/** `topologySpreadConstraints` entry, as the charts pass it to the pod spec. */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: "ScheduleAnyway" | "DoNotSchedule";
  labelSelector: { matchLabels: Record<string, string> };
}

/** Values of the `istio/istiod` chart. */
export interface IstiodValues {
  /** The chart's revision: "" for the default revision, else its name (names istiod-<revision> and its webhooks). */
  revision: string;
  /** Replicas when autoscaling is off. */
  replicaCount: number;
  /** The autoscaler's floor: the chart enables an HPA by default, whose floor (1) would undo `replicaCount`. */
  autoscaleMin: number;
  autoscaleMax: number;
  /** The PodDisruptionBudget the chart renders when more than one replica runs. */
  pdb: { minAvailable: number; [key: string]: unknown };
  topologySpreadConstraints: SpreadConstraint[];
  /** Environment of istiod. */
  env: Record<string, string>;
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
    /** Registry of the pilot and proxy images, when not the chart's. */
    hub?: string;
    defaultPodDisruptionBudget: { enabled: boolean; [key: string]: unknown };
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
  /**
   * The revision whose injector gives the gateway its proxy; "" for the default one. The chart labels the pods
   * `istio.io/rev=<revision>` only when it is not "", so the default revision's injector picks them up by the
   * `sidecar.istio.io/inject` label alone.
   */
  revision: string;
  serviceAccount: {
    /**
     * The gateway's service account, `<release>-<cluster>`: its identity, one per cluster (the chart's default, the
     * release name, would be the same in every cluster).
     */
    name: string;
    [key: string]: unknown;
  };
  replicaCount: number;
  autoscaling: { minReplicas: number; maxReplicas: number; [key: string]: unknown };
  /** `{ minAvailable: 1 }` with two replicas or more, else `{}` (none: a budget of one pod would block node drains). */
  podDisruptionBudget: { minAvailable?: number; [key: string]: unknown };
  topologySpreadConstraints: SpreadConstraint[];
  service: {
    /** `LoadBalancer` for the ingress and east-west gateways (other clusters reach them), `ClusterIP` for egress. */
    type: "LoadBalancer" | "ClusterIP" | "NodePort";
    /** The Service's ports. An override replaces the whole list. */
    ports: GatewayServicePort[];
    /** The cluster's load-balancer annotations (`ClusterConnection.loadBalancerAnnotations`). */
    annotations?: Record<string, string>;
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

/** Replicas and spread, checked (`MeshClusterArgs.availability`). */
export interface AvailabilityPlan {
  istiodReplicas: number;
  gatewayReplicas: number;
  spreadAcrossZones: boolean;
}

/** How one release of a chart is placed: which revision it belongs to, how many pods, from which registry. */
export interface ReleaseShape {
  /** The chart's `revision` value: "" for the default revision. */
  chartRevision: string;
  /** The revision's `istio.io/rev` label value: `default` for the default revision (RevisionPlan.label). */
  label: string;
  replicas: number;
  spreadAcrossZones: boolean;
}

/**
 * Chart value paths that MeshCluster derives from its own args; overriding them would break the mesh or its outputs.
 * The istiod chart also copies everything under `pilot` over the top level (templates/zzy_descope_legacy.yaml), so
 * `pilot.<path>` is owned too (`ownedPaths`).
 */
export const OWNED_VALUES = {
  base: {
    defaultRevision: "the default validating webhook follows the injection tag; set istio.injectionRevision",
  },
  istiod: {
    "global.meshID": "it is the mesh's ID; set meshId (MeshTrust's meshId)",
    "global.multiCluster.clusterName": "it is the cluster's clusterName",
    "global.network": "set network on the MeshCluster",
    "meshConfig.trustDomain": "set trustDomain (MeshTrust's trustDomain)",
    revision: "it is the revision's name; set istio.revisions",
    revisionTags: "MeshCluster owns the injection tag; set istio.injectionRevision to move it",
    "global.hub": "the images of every revision come from istio.hub; set that",
    [`env.${MULTIROOT_ENV.name}`]: "without it istiod ignores a new root in cacerts, and a CA rotation breaks mTLS",
  },
  gateway: {
    name: "the gateway's labels and Service names derive from its release name, and the wiring selects them",
    "labels.app": "the wiring selects gateways by the labels the chart derives from the release name",
    "labels.istio": "the wiring selects gateways by the labels the chart derives from the release name",
    "serviceAccount.name":
      "each cluster's gateway has a service account of its own (`<release>-<cluster>`), its identity in authorization policies and TLS checks",
    revision: "the gateways follow istio.gatewayRevision; set that",
  },
} as const;

/** The paths a chart's owned value can be given at: as it is and, in the istiod chart, under `pilot`. */
export function ownedPaths(chart: keyof typeof OWNED_VALUES, key: string): string[] {
  return chart === "istiod" ? [key, `pilot.${key}`] : [key];
}

/**
 * A value of the istiod chart as the chart reads it, `pilot.<path>` winning over `<path>` (zzy_descope_legacy.yaml);
 * undefined when neither is set.
 */
export function istiodChartValue(values: unknown, path: string): unknown {
  return valueAt(values, `pilot.${path}`) ?? valueAt(values, path);
}

/**
 * istiod's environment, set on every revision:
 * - `ISTIO_MULTIROOT_MESH` (`MULTIROOT_ENV`): istiod applies a new root in `cacerts` only with it (and a bundle of
 *   both roots), so a CA rotation needs no restart and no reinstall (see certs.ts).
 * - `PILOT_ENABLE_IP_AUTOALLOCATE`: DNS auto-allocation v2, istiod's controller that gives address-less ServiceEntries
 *   a VIP in 240.240.0.0/16 (which the wiring's VIPs avoid). It replaces the sidecars' deprecated
 *   `ISTIO_META_DNS_AUTO_ALLOCATE`; on by default since 1.25, set so a default flip cannot change the mesh silently.
 */
export const ISTIOD_ENV: Record<string, string> = {
  [MULTIROOT_ENV.name]: MULTIROOT_ENV.value,
  PILOT_ENABLE_IP_AUTOALLOCATE: "true",
};

/** The chart's autoscaler ceiling (5), raised when more replicas are asked for. */
const AUTOSCALE_MAX = 5;
const ZONE = "topology.kubernetes.io/zone";

// Port names as in the chart's defaults, so Istio's protocol selection sees what it sees in a stock install.
const STATUS_PORT: GatewayServicePort = { name: "status-port", port: 15021, targetPort: 15021, protocol: "TCP" };

/** `defaultRevision`: the revision istio-base's default validating webhook calls. */
export function baseValues(defaultRevision: string): BaseValues {
  return { defaultRevision };
}

/** Zone spread of the pods `matchLabels` select: ScheduleAnyway, so a single-zone (or kind) cluster still schedules. */
function zoneSpread(on: boolean, matchLabels: Record<string, string>): SpreadConstraint[] {
  return on
    ? [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels } }]
    : [];
}

export function istiodValues(c: ClusterIdentity, shape: ReleaseShape, hub?: string): IstiodValues {
  const n = shape.replicas;
  return {
    revision: shape.chartRevision,
    replicaCount: n,
    autoscaleMin: n,
    autoscaleMax: Math.max(n, AUTOSCALE_MAX),
    pdb: { minAvailable: 1 },
    // istiod's pod labels (chart deployment.yaml): the revision's, "default" for the unnamed one.
    topologySpreadConstraints: zoneSpread(shape.spreadAcrossZones, { app: "istiod", "istio.io/rev": shape.label }),
    env: { ...ISTIOD_ENV },
    global: {
      meshID: c.meshId,
      multiCluster: { clusterName: c.clusterName },
      network: c.network,
      ...(hub !== undefined && { hub }),
      // The chart renders the budget only above one replica (pdb.yaml), so this switch may stay on at one.
      defaultPodDisruptionBudget: { enabled: true },
    },
    meshConfig: {
      trustDomain: c.trustDomain,
      // DNS capture makes the sidecar answer for ServiceEntry hosts (the global names) with their VIPs.
      defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true" } },
    },
  };
}

/** What every gateway shares: its revision, identity, replicas, budget and spread. */
function gatewayBase(release: string, serviceAccount: string, shape: ReleaseShape) {
  const n = shape.replicas;
  return {
    revision: shape.chartRevision,
    serviceAccount: { name: serviceAccount },
    replicaCount: n,
    autoscaling: { minReplicas: n, maxReplicas: Math.max(n, AUTOSCALE_MAX) },
    podDisruptionBudget: n > 1 ? { minAvailable: 1 } : {},
    topologySpreadConstraints: zoneSpread(shape.spreadAcrossZones, gatewaySelector(release)),
  };
}

const annotated = (annotations: Record<string, string> | undefined) =>
  annotations && Object.keys(annotations).length > 0 ? { annotations } : {};

/** The ingress gateway: a load balancer whose 443 carries the cross-cluster mTLS tunnels. */
export function ingressGatewayValues(
  release: string,
  serviceAccount: string,
  shape: ReleaseShape,
  annotations?: Record<string, string>,
): GatewayValues {
  return {
    ...gatewayBase(release, serviceAccount, shape),
    service: {
      type: "LoadBalancer",
      ports: [
        STATUS_PORT,
        { name: "https", port: DEFAULT_INGRESS_PORT, targetPort: DEFAULT_INGRESS_PORT, protocol: "TCP" },
      ],
      ...annotated(annotations),
    },
  };
}

/** The egress gateway: in-cluster only; sidecars send cross-cluster traffic to its 443. */
export function egressGatewayValues(release: string, serviceAccount: string, shape: ReleaseShape): GatewayValues {
  return {
    ...gatewayBase(release, serviceAccount, shape),
    service: {
      type: "ClusterIP",
      ports: [
        STATUS_PORT,
        { name: "https", port: EGRESS_GATEWAY_PORT, targetPort: EGRESS_GATEWAY_PORT, protocol: "TCP" },
      ],
    },
  };
}

/**
 * The east-west gateway: a load balancer whose 15443 passes other clusters' mTLS through to the workloads (routed by
 * SNI), and 15021 for the load balancer's health checks. Not the chart's `networkGateway`, which would also publish
 * istiod's 15012 and webhook 15017. The network label and `ISTIO_META_REQUESTED_NETWORK_VIEW` are set explicitly:
 * the gateway belongs to, and sees the endpoints of, its own network.
 */
export function eastWestGatewayValues(
  release: string,
  serviceAccount: string,
  network: string,
  shape: ReleaseShape,
  annotations?: Record<string, string>,
): GatewayValues {
  return {
    ...gatewayBase(release, serviceAccount, shape),
    labels: { ...gatewaySelector(release), "topology.istio.io/network": network },
    env: { ISTIO_META_REQUESTED_NETWORK_VIEW: network },
    service: {
      type: "LoadBalancer",
      ports: [
        { ...STATUS_PORT, port: EAST_WEST_STATUS_PORT, targetPort: EAST_WEST_STATUS_PORT },
        { name: "tls", port: EAST_WEST_PORT, targetPort: EAST_WEST_PORT, protocol: "TCP" },
      ],
      ...annotated(annotations),
    },
  };
}
