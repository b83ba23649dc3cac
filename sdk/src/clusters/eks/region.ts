import * as pulumi from "@pulumi/pulumi";

/** AWS region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
export function isAwsRegion(s: string): boolean {
  return /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/.test(s);
}

/** The ARN partition of a region: managed-policy ARNs differ in China and GovCloud. */
export function awsPartition(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}

/** ARN of an AWS managed policy, e.g. `AmazonEKSClusterPolicy`. */
export function managedPolicyArn(region: string, policy: string): string {
  return `arn:${awsPartition(region)}:iam::aws:policy/${policy}`;
}

/** The region the AWS provider would use when none is given: `aws:region`, then the AWS environment variables. */
export function defaultAwsRegion(): string | undefined {
  return new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}
