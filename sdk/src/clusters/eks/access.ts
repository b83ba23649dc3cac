import * as eks from "@pulumi/aws/eks";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { awsPartition } from "./region";

/**
 * Cluster-admin for principals besides the cluster's creator: an EKS access entry each, with AmazonEKSClusterAdminPolicy
 * on the whole cluster. Needs the cluster's `authenticationMode` to include the API (EksCluster sets "API").
 * A literal ARN names its resources by a hash of itself, so reordering the list changes nothing; an Output by its
 * position. The association is replaced with its entry (principalArn is immutable on both).
 */
export function adminAccessEntries(
  name: string,
  principals: pulumi.Input<string>[],
  cluster: { name: pulumi.Input<string> },
  region: { region?: string; partitionOf: string },
  parent: pulumi.Resource,
): pulumi.CustomResource[] {
  const policyArn = `arn:${awsPartition(region.partitionOf)}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
  return principals.flatMap((principalArn, i) => {
    const key =
      typeof principalArn === "string" ? createHash("sha256").update(principalArn).digest("hex").slice(0, 8) : `${i}`;
    const entry = new eks.AccessEntry(
      `${name}-admin-${key}`,
      { clusterName: cluster.name, principalArn, type: "STANDARD", region: region.region },
      { parent, deleteBeforeReplace: true },
    );
    const association = new eks.AccessPolicyAssociation(
      `${name}-admin-${key}`,
      {
        clusterName: cluster.name,
        principalArn: entry.principalArn,
        policyArn,
        accessScope: { type: "cluster" },
        region: region.region,
      },
      { parent, deleteBeforeReplace: true },
    );
    return [entry, association];
  });
}
