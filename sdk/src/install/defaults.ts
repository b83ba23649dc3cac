import { DEFAULT_GATEWAY_NAMESPACE, EGRESS_GATEWAY_RELEASE, INGRESS_GATEWAY_RELEASE } from "../mesh";

/** Where the official Istio Helm charts are published. */
export const ISTIO_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";
/** The Istio release MeshCluster installs unless told otherwise. Pinned: a default that moved would upgrade every mesh. */
export const DEFAULT_ISTIO_VERSION = "1.29.2";
/** Namespace of istiod, the gateways and the `cacerts` secret; the wiring writes its objects there too. */
export const ISTIO_NAMESPACE = DEFAULT_GATEWAY_NAMESPACE;
/** Namespace of the mesh agent's footprint (one of the mesh's system namespaces). */
export const AGENT_NAMESPACE = "globalmesh-system";
/** Trust domain of workload identities unless MeshTrust is told otherwise (Istio's own default). */
export const DEFAULT_TRUST_DOMAIN = "cluster.local";

/** Helm release names. The istio/gateway chart derives its labels and service account from the release name. */
export const RELEASES = {
  base: "istio-base",
  istiod: "istiod",
  ingressGateway: INGRESS_GATEWAY_RELEASE,
  egressGateway: EGRESS_GATEWAY_RELEASE,
} as const;
