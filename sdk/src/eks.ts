/** `globalmesh/eks`: an Amazon EKS cluster ready for the mesh. Needs `@pulumi/aws` (an optional peer dependency). */
import "./peers/aws";
export { EksCluster } from "./clusters/eks/eksCluster";
export type { EksClusterArgs } from "./clusters/eks/args";
