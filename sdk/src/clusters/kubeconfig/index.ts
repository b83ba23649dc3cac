export * from "./args";
export * from "./kubeconfigCluster";
export { validateKubeconfigClusterArgs } from "./validate";
export type { KubeconfigSettings } from "./validate";
export { checkKubeconfigDocument, withCurrentContext } from "./parse";
export { checkedKubeconfig, isKubeconfigText, loadKubeconfig } from "./load";
