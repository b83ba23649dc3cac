import { EGRESS_GATEWAY_RELEASE, INGRESS_GATEWAY_RELEASE } from "../mesh";

/** Where the official Istio Helm charts are published. */
export const ISTIO_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";
/** The Istio release MeshCluster installs unless told otherwise. Pinned: a default that moved would upgrade every mesh. */
export const DEFAULT_ISTIO_VERSION = "1.29.2";
/**
 * Namespace of istiod and of the `cacerts` secret (the cluster's intermediate CA, its key included). The gateways run
 * in a namespace of their own (`GATEWAY_NAMESPACE`, `istio-gateways`), where the wiring writes its objects too.
 */
export const ISTIO_NAMESPACE = "istio-system";
/** Namespace of the mesh agent's footprint (one of the mesh's system namespaces). */
export const AGENT_NAMESPACE = "globalmesh-system";
/** Trust domain of workload identities unless MeshTrust is told otherwise (Istio's own default); the core's. */
export { DEFAULT_TRUST_DOMAIN, GATEWAY_NAMESPACE } from "../mesh";

/**
 * Helm release names. The istio/gateway chart derives its labels from the release name; the service accounts are
 * MeshCluster's own, one per cluster (`gatewayServiceAccount`).
 */
export const RELEASES = {
  base: "istio-base",
  istiod: "istiod",
  ingressGateway: INGRESS_GATEWAY_RELEASE,
  egressGateway: EGRESS_GATEWAY_RELEASE,
} as const;
