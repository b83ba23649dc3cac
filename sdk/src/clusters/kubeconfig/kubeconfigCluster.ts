import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterHandle } from "../handle";
import { KubeconfigClusterArgs } from "./args";
import { checkedKubeconfig } from "./load";
import { validateKubeconfigClusterArgs } from "./validate";

/**
 * An existing cluster (TKG, GKE, kind, on-prem…) adopted from its kubeconfig, as a ClusterHandle. Creates only the
 * Kubernetes provider. The kubeconfig output has the chosen context as its current-context.
 */
export class KubeconfigCluster extends pulumi.ComponentResource implements ClusterHandle {
  /** The cluster's name in the mesh. */
  public readonly clusterName!: string;
  /** Kubeconfig text (secret), with the chosen context as current-context. */
  public readonly kubeconfig!: pulumi.Output<string>;
  /** Kubernetes provider for the cluster. */
  public readonly provider!: k8s.Provider;
  /** Istio locality, when given. */
  public readonly locality?: string;
  /** Istio network, when given. */
  public readonly network?: string;

  constructor(name: string, args: KubeconfigClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // A plain-string kubeconfig is checked here, before anything is registered.
    const s = validateKubeconfigClusterArgs(name, args);
    super("globalmesh:index:KubeconfigCluster", name, {}, opts);

    const text = typeof s.kubeconfig === "string" ? pulumi.output(s.kubeconfig) : checkedKubeconfig(`KubeconfigCluster "${name}"`, s.kubeconfig, s.context);
    this.clusterName = s.clusterName;
    this.kubeconfig = pulumi.secret(text);
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });
    this.locality = s.locality;
    this.network = s.network;
    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig, locality: this.locality, network: this.network });
  }
}
