import { EAST_WEST_GATEWAY_RELEASE, EGRESS_GATEWAY_RELEASE, INGRESS_GATEWAY_RELEASE } from "../mesh";

/** Where the official Istio Helm charts are published. */
export const ISTIO_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";
/**
 * The Istio release MeshCluster installs unless told otherwise: the newest one whose CRDs and chart values the tests
 * check (test/fixtures/istio/1.30.3). When it moves, every stack that does not pin `istio.version` is upgraded in place
 * on its next `pulumi up`: this move from 1.29.2 was a minor upgrade without a canary (docs/operating.md, "Stacks made
 * before revisions", says to pin first). Move it one minor at a time, and say so in the release notes.
 */
export const DEFAULT_ISTIO_VERSION = "1.30.3";
/**
 * Name of the control-plane revision `istio.version` installs, and of the first one stacks made before revisions
 * had: Istio's "default" revision (chart `revision: ""`, Deployment and Service `istiod`).
 */
export const DEFAULT_REVISION = "default";
/**
 * The revision tag enrolled namespaces are labelled with (`istio.io/rev=stable`). Upgrades move the tag from one
 * revision to the next, so namespaces are labelled once and never relabelled.
 */
export const INJECTION_TAG = "stable";
/**
 * Namespace of istiod and of the `cacerts` secret (the cluster's intermediate CA, its key included). The gateways run
 * in a namespace of their own (`GATEWAY_NAMESPACE`, `istio-gateways`), where the wiring writes its objects too.
 */
export const ISTIO_NAMESPACE = "istio-system";
/** Namespace of the mesh agent's footprint (one of the mesh's system namespaces). */
export const AGENT_NAMESPACE = "globalmesh-system";
/** Trust domain of workload identities unless MeshTrust is told otherwise (Istio's own default); the core's. */
export { DEFAULT_TRUST_DOMAIN, GATEWAY_NAMESPACE } from "../mesh";

/** The east-west gateway's release name and ports: the mesh core's, so the wiring points where MeshCluster installs. */
export { EAST_WEST_GATEWAY_RELEASE, EAST_WEST_PORT, EAST_WEST_STATUS_PORT } from "../mesh";

/**
 * Helm release names. The istio/gateway chart derives its labels from the release name; the service accounts are
 * MeshCluster's own, one per cluster (`gatewayServiceAccount`). istiod's is `istiod` for the default revision and
 * `istiod-<revision>` for the others (`revisionRelease`).
 */
export const RELEASES = {
  base: "istio-base",
  istiod: "istiod",
  ingressGateway: INGRESS_GATEWAY_RELEASE,
  egressGateway: EGRESS_GATEWAY_RELEASE,
  eastWestGateway: EAST_WEST_GATEWAY_RELEASE,
} as const;

/**
 * How long Helm may wait for a release to be ready, in seconds; with `atomic` a release not ready in time is rolled
 * back, so these are sized for a slow first install, not a typical one. Helm's default is 300.
 * - base: CRDs and webhooks only, no pods: Helm's default.
 * - istiod: two replicas pulling the pilot image (~80 MB) from a registry that rate-limits per IP (Docker Hub)
 *   through one NAT, retried with back-off, then becoming ready: 600.
 * - gateways: a cloud load balancer (an AWS NLB takes 3–5 minutes to provision and pass its first health checks,
 *   Azure's 1–3) on top of two replicas pulling the proxy image (~100 MB): 900.
 */
export const RELEASE_TIMEOUT_SECONDS = { base: 300, istiod: 600, gateway: 900 } as const;
