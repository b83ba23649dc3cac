/**
 * globalmesh: Tanzu-style Global Namespaces on open-source Istio, as Pulumi components.
 *
 * This entry needs only `@pulumi/pulumi`, `@pulumi/kubernetes`, `@pulumi/tls` and `yaml`. New clusters on a cloud come
 * from `globalmesh/eks` (needs `@pulumi/aws`) and `globalmesh/aks` (needs `@pulumi/azure-native`); the pure compiler,
 * for GitOps tools, from `globalmesh/core`.
 */
export { KubeconfigCluster } from "./clusters/kubeconfig/kubeconfigCluster";
export type { KubeconfigClusterArgs } from "./clusters/kubeconfig/args";
export type { ClusterConnection, ClusterIngress } from "./clusters/connection";
export { MeshTrust } from "./install/meshTrust";
export { RootRotationPhase } from "./install/certs";
export type { RootRotation } from "./install/certs";
export { MeshCluster } from "./install/meshCluster";
export type {
  Availability,
  ClusterCa,
  InjectionPolicy,
  IstioRelease,
  IstioRevision,
  IstioValuesOverrides,
  MeshClusterArgs,
  MeshTrustArgs,
} from "./install/args";
export type { GatewayPlacement, GatewayPrincipals, IngressEndpoint } from "./install/outputs";
export { DEFAULT_ISTIO_VERSION } from "./install/defaults";
export { GlobalNamespace } from "./gns/globalNamespace";
export type { GlobalHost } from "./gns/globalNamespace";
export type {
  GlobalNamespaceArgs,
  GlobalNamespaceClaim,
  GlobalNamespaceMemberNamespace,
  GlobalNamespaceCluster,
  GlobalNamespaceManifests,
  GlobalNamespaceMember,
  GlobalNamespacePeer,
  GlobalNamespaceService,
} from "./gns/args";
export { MeshMode, MtlsMode, PolicyAction, PortProtocol } from "./mesh/spec";
export type { AccessPolicySpec, GatewaysSpec, PolicySource, PolicyTarget, PortSpec } from "./mesh/spec";
export { SpecError } from "./mesh/errors";
export type { SpecIssue } from "./mesh/errors";
