/**
 * The globalmesh Pulumi plugin: the six components, for every Pulumi language (`pulumi package add <this directory>`).
 *
 * The plugin host requires this directory and serves every ComponentResource class it exports, so export exactly the
 * components and nothing else. At run time the imports load the built `globalmesh` library; for schema inference,
 * `tsconfig.json` maps them to the library's TypeScript sources (see README.md).
 */
export { EksCluster } from "globalmesh/eks";
export { AksCluster } from "globalmesh/aks";
export { GlobalNamespace, KubeconfigCluster, MeshCluster, MeshTrust } from "globalmesh";
