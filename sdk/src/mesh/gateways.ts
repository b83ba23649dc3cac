/**
 * How Istio's gateways are named when installed from the official `istio/gateway` chart. The wiring's defaults and
 * MeshCluster's install both come from here, so the selectors the objects use are the labels the pods get.
 */

/** Kubernetes' in-cluster DNS suffix for Services. */
export const CLUSTER_DNS_SUFFIX = "svc.cluster.local";
/** Release (and Deployment, Service, ServiceAccount) name of the ingress gateway. */
export const INGRESS_GATEWAY_RELEASE = "istio-ingressgateway";
/** Release (and Deployment, Service, ServiceAccount) name of the egress gateway. */
export const EGRESS_GATEWAY_RELEASE = "istio-egressgateway";
/** Release (and Deployment, Service, ServiceAccount) name of the east-west gateway (east-west mode). */
export const EAST_WEST_GATEWAY_RELEASE = "istio-eastwestgateway";
/** The east-west gateway's `AUTO_PASSTHROUGH` port, Istio's multi-network convention (samples/multicluster). */
export const EAST_WEST_PORT = 15443;
/** The east-west gateway's health port (the load balancer's probe). */
export const EAST_WEST_STATUS_PORT = 15021;

/**
 * Pod labels the chart gives a gateway: `istio: <name | trimPrefix "istio-">`, the name defaulting to the release
 * (manifests/charts/gateway/templates/_helpers.tpl).
 */
export function gatewaySelector(release: string): Record<string, string> {
  return { istio: release.startsWith("istio-") ? release.slice("istio-".length) : release };
}

/** In-cluster DNS name of a gateway's Service. */
export function gatewayServiceHost(release: string, namespace: string): string {
  return `${release}.${namespace}.${CLUSTER_DNS_SUFFIX}`;
}

/**
 * Namespace of the gateways: their own, not istio-system, so the gateway chart's Role (which lets a gateway read the
 * secrets of its namespace) does not reach `cacerts` and the mesh's intermediate CA key.
 */
export const GATEWAY_NAMESPACE = "istio-gateways";

/**
 * Service account of a gateway of one cluster: `<release>-<cluster>`. Each cluster's gateways carry an identity of
 * their own, so a tunnel's far end can tell which cluster's gateway is calling (the chart's default, the release
 * name, would be the same in every cluster).
 */
export function gatewayServiceAccount(release: string, cluster: string): string {
  return `${release}-${cluster}`;
}

/** An Istio principal, as AuthorizationPolicies name it: `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. */
export function principal(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** The URI SAN of a principal's certificate, as TLS `subjectAltNames` compare it (exactly). */
export function spiffeUri(principalName: string): string {
  return `spiffe://${principalName}`;
}

/** Trust domain of workload identities unless told otherwise (Istio's own default). */
export const DEFAULT_TRUST_DOMAIN = "cluster.local";
