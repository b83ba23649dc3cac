import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "./region";

/** AWS managed policies of the EKS control plane's role. */
export const CLUSTER_POLICIES = ["AmazonEKSClusterPolicy"] as const;
/** AWS managed policies of the nodes' role: join the cluster, run the VPC CNI, pull images from ECR. */
export const NODE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryReadOnly",
] as const;

/** A role the given AWS service assumes, with the managed policies attached. */
export function serviceRole(
  name: string,
  service: string,
  policies: readonly string[],
  region: string,
  parent: pulumi.Resource,
): { role: iam.Role; attachments: iam.RolePolicyAttachment[] } {
  const assumeRolePolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
  const role = new iam.Role(name, { assumeRolePolicy }, { parent });
  const attachments = policies.map(
    (policy) =>
      new iam.RolePolicyAttachment(
        `${name}-${policy}`,
        { role: role.name, policyArn: managedPolicyArn(region, policy) },
        { parent },
      ),
  );
  return { role, attachments };
}
