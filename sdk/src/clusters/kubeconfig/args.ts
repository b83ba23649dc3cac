import * as pulumi from "@pulumi/pulumi";

/** Arguments of a KubeconfigCluster: an existing cluster (TKG, GKE, kind, on-prem…) given by its kubeconfig. */
export interface KubeconfigClusterArgs {
  /**
   * The kubeconfig: its text (YAML or JSON), or the path of a kubeconfig file (`~/` = home). Text has a line break or
   * starts with `{`; anything else is a path. File references inside it must be absolute; better, embed the data
   * (`kubectl config view --raw --flatten --minify`). A plain string is checked at once, an Output when it resolves.
   */
  kubeconfig: pulumi.Input<string>;
  /** Context of the kubeconfig to use. Default: its current-context. */
  context?: string;
  /** The cluster's name in the mesh (DNS-1123 label). Default: the resource name. */
  clusterName?: string;
  /** Istio locality `region[/zone[/subzone]]` of the cluster. Default: none. */
  locality?: string;
  /** Istio network of the cluster. Default: none. */
  network?: string;
}
