export * from "./args";
export * from "./eksCluster";
export { validateEksClusterArgs, EKS_DEFAULTS } from "./validate";
export type { EksSettings, EksNetworkSettings } from "./validate";
export { eksKubeconfig } from "./kubeconfig";
export type { EksKubeconfigParts } from "./kubeconfig";
export { isAwsRegion, awsPartition, managedPolicyArn } from "./region";
export { subnetCidrs, checkVpcCidr } from "./cidr";
