export * from "./connection";
export * from "./eks";
export * from "./aks";
export * from "./kubeconfig";
