export * from "./handle";
export { ClusterArgsError } from "./errors";
export * from "./eks";
export * from "./aks";
export * from "./kubeconfig";
