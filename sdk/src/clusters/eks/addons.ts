import * as eks from "@pulumi/aws/eks";
import { getAddonVersionOutput } from "@pulumi/aws/eks/getAddonVersion";
import * as pulumi from "@pulumi/pulumi";

/**
 * EKS managed add-ons that follow the cluster's Kubernetes version: each at the newest version EKS lists for that
 * version, looked up on every run, so a `kubernetesVersion` change upgrades them with the control plane (and a newer
 * add-on release shows in the next preview). EKS installs these three self-managed on a new cluster; the managed
 * add-on adopts them (OVERWRITE on create) and keeps settings someone changed in the cluster on updates (PRESERVE).
 */
export const MANAGED_ADDONS = ["vpc-cni", "kube-proxy", "coredns"] as const;
export type ManagedAddon = (typeof MANAGED_ADDONS)[number];

export function managedAddon(
  name: string,
  addonName: ManagedAddon,
  cluster: eks.Cluster,
  region: string | undefined,
  opts: { parent: pulumi.Resource; dependsOn?: pulumi.Resource[] },
): eks.Addon {
  const version = getAddonVersionOutput(
    { addonName, kubernetesVersion: cluster.version, mostRecent: true, region },
    { parent: opts.parent },
  );
  return new eks.Addon(
    `${name}-${addonName}`,
    {
      clusterName: cluster.name,
      addonName,
      addonVersion: version.version,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "PRESERVE",
      region,
    },
    opts,
  );
}
