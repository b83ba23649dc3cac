export * from "./handle";
export * from "./eks";
export * from "./aks";
export * from "./kubeconfig";
