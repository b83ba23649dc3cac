import * as pulumi from "@pulumi/pulumi";
import { ClusterConnection } from "../connection";
import { KubeconfigClusterArgs } from "./args";
import { checkedKubeconfig } from "./load";
import { validateKubeconfigClusterArgs } from "./validate";

/**
 * An existing cluster (TKG, GKE, kind, on-prem…) adopted from its kubeconfig, as a ClusterConnection. Registers no
 * cloud resources: it checks the kubeconfig (a plain string at once, an Output when it resolves) and outputs it with
 * the chosen context as its current-context.
 */
export class KubeconfigCluster extends pulumi.ComponentResource implements ClusterConnection {
  /** The cluster's name in the mesh. */
  public readonly clusterName: string;
  /** Kubeconfig text (secret), with the chosen context as current-context. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Istio locality, when given. */
  public readonly locality?: string;
  /** Istio network, when given. */
  public readonly network?: string;

  constructor(name: string, args: KubeconfigClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // A plain-string kubeconfig is checked here, before anything is registered.
    const s = validateKubeconfigClusterArgs(name, args);
    super("globalmesh:index:KubeconfigCluster", name, {}, opts);

    const text =
      typeof s.kubeconfig === "string"
        ? pulumi.output(s.kubeconfig)
        : checkedKubeconfig(`KubeconfigCluster "${name}"`, s.kubeconfig, s.context);
    this.clusterName = s.clusterName;
    this.kubeconfig = pulumi.secret(text);
    this.locality = s.locality;
    this.network = s.network;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      locality: this.locality,
      network: this.network,
    });
  }
}
