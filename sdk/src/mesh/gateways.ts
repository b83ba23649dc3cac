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
