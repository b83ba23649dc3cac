export * from "./args";
export * from "./aksCluster";
export { validateAksClusterArgs, isAzureLocation, AKS_DEFAULTS } from "./validate";
export type { AksSettings } from "./validate";
export { decodeAksKubeconfig } from "./kubeconfig";
