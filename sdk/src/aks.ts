/** `globalmesh/aks`: an Azure AKS cluster ready for the mesh. Needs `@pulumi/azure-native` (an optional peer dependency). */
import "./peers/azure";
export { AksCluster } from "./clusters/aks/aksCluster";
export type { AksClusterArgs } from "./clusters/aks/args";
