import * as pulumi from "@pulumi/pulumi";
import { IssueList } from "../../mesh";
import { describe } from "../../mesh/fields";
import { checkClusterName, checkInteger, checkKubernetesVersion, checkNetwork, checkToken } from "../checks";
import { EksClusterArgs } from "./args";
import { checkVpcCidr, MAX_ZONES } from "./cidr";
import { isAwsRegion } from "./region";

export const EKS_DEFAULTS = {
  kubernetesVersion: "1.35",
  instanceType: "m5.large",
  desiredSize: 3,
  vpcCidr: "10.0.0.0/16",
  availabilityZoneCount: 2,
} as const;

/** Where the nodes run: a VPC this component creates, or the caller's subnets. */
export type EksNetworkSettings =
  | { create: true; vpcCidr: string; zones: string[] | number }
  | { create: false; privateSubnetIds: pulumi.Input<string>[]; publicSubnetIds: pulumi.Input<string>[] };

/** EksCluster args with defaults applied, checked. */
export interface EksSettings {
  clusterName: string;
  region: string;
  kubernetesVersion: string;
  instanceType: string;
  scaling: { minSize: number; desiredSize: number; maxSize: number };
  vpc: EksNetworkSettings;
  kubeconfigProfile?: pulumi.Input<string>;
  kubeconfigRoleArn?: pulumi.Input<string>;
  network?: string;
}

/**
 * Checks EksCluster args and applies defaults; throws a SpecError listing every problem.
 * `defaultRegion` is the region the AWS provider would use (see `defaultAwsRegion`).
 */
export function validateEksClusterArgs(name: string, args: EksClusterArgs, defaultRegion: string | undefined): EksSettings {
  const issues = new IssueList();
  const a = args ?? {};
  const clusterName = checkClusterName(issues, a.clusterName, name);
  const region = a.region ?? defaultRegion;
  if (region === undefined) issues.add("region", "is not set; give region, or run `pulumi config set aws:region us-west-2`");
  else if (typeof region !== "string" || !isAwsRegion(region))
    issues.add("region", `${describe(region)} is not an AWS region name; use e.g. us-west-2 or eu-central-1`);
  const kubernetesVersion = checkKubernetesVersion(issues, "kubernetesVersion", a.kubernetesVersion, EKS_DEFAULTS.kubernetesVersion, false);
  const instanceType = checkToken(issues, "instanceType", a.instanceType, EKS_DEFAULTS.instanceType);
  // Unset sizes follow the set ones, so giving only minSize or maxSize is never a conflict.
  const givenMin = checkInteger(issues, "minSize", a.minSize, 0, 0, 1000);
  const givenMax = checkInteger(issues, "maxSize", a.maxSize, 1000, 1, 1000);
  const desiredSize = checkInteger(issues, "desiredSize", a.desiredSize, Math.min(Math.max(EKS_DEFAULTS.desiredSize, givenMin), givenMax), 0, 1000);
  const minSize = a.minSize === undefined ? Math.min(desiredSize, givenMax) : givenMin;
  const maxSize = a.maxSize === undefined ? Math.max(desiredSize, minSize, 1) : givenMax;
  if (minSize > maxSize) issues.add("minSize", `${minSize} is more than maxSize ${maxSize}; lower minSize or raise maxSize`);
  else if (desiredSize < minSize || desiredSize > maxSize)
    issues.add("desiredSize", `${desiredSize} is outside [minSize ${minSize}, maxSize ${maxSize}]; set desiredSize within it, or widen minSize/maxSize`);
  const vpc = readNetwork(issues, a, typeof region === "string" ? region : "");
  const network = checkNetwork(issues, a.network);
  const roleArn = a.kubeconfigRoleArn;
  if (typeof roleArn === "string" && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn))
    issues.add("kubeconfigRoleArn", `${describe(roleArn)} is not an IAM role ARN; use arn:aws:iam::<account>:role/<name>`);
  issues.throwIfBadArgs(`EksCluster "${name}"`);
  return {
    clusterName,
    region: region!,
    kubernetesVersion,
    instanceType,
    scaling: { minSize, desiredSize, maxSize },
    vpc,
    ...(a.kubeconfigProfile !== undefined && { kubeconfigProfile: a.kubeconfigProfile }),
    ...(roleArn !== undefined && { kubeconfigRoleArn: roleArn }),
    ...(network !== undefined && { network }),
  };
}

function readNetwork(issues: IssueList, a: EksClusterArgs, region: string): EksNetworkSettings {
  if (a.privateSubnetIds !== undefined || a.publicSubnetIds !== undefined) {
    for (const k of ["vpcCidr", "availabilityZones", "availabilityZoneCount"] as const)
      if (a[k] !== undefined) issues.add(k, "applies only to the VPC this component creates; drop it, or drop privateSubnetIds/publicSubnetIds");
    const priv = a.privateSubnetIds;
    if (!Array.isArray(priv) || priv.length < 2)
      issues.add("privateSubnetIds", `${priv === undefined ? "is missing" : `has ${Array.isArray(priv) ? priv.length : describe(priv)}`}; give at least 2 private subnets in different availability zones (EKS requires 2 zones)`);
    if (a.publicSubnetIds !== undefined && !Array.isArray(a.publicSubnetIds)) issues.add("publicSubnetIds", `expected a list of subnet ids, got ${describe(a.publicSubnetIds)}`);
    return { create: false, privateSubnetIds: Array.isArray(priv) ? priv : [], publicSubnetIds: a.publicSubnetIds ?? [] };
  }
  const vpcCidr = a.vpcCidr ?? EKS_DEFAULTS.vpcCidr;
  const cidrProblem = typeof vpcCidr === "string" ? checkVpcCidr(vpcCidr) : `${describe(vpcCidr)} is not a CIDR; use e.g. 10.0.0.0/16`;
  if (cidrProblem) issues.add("vpcCidr", cidrProblem);
  if (a.availabilityZones !== undefined) {
    if (a.availabilityZoneCount !== undefined) issues.add("availabilityZoneCount", "conflicts with availabilityZones; give one of them");
    const zones = a.availabilityZones;
    if (!Array.isArray(zones) || zones.length < 2 || zones.length > MAX_ZONES) {
      issues.add("availabilityZones", `${Array.isArray(zones) ? `has ${zones.length} zones` : describe(zones)}; list 2 to ${MAX_ZONES} zones of ${region || "the region"} (EKS requires 2)`);
      return { create: true, vpcCidr, zones: [] };
    }
    zones.forEach((z, i) => {
      if (typeof z !== "string" || !z.startsWith(region) || !/^[a-z]$/.test(z.slice(region.length)))
        issues.add(`availabilityZones[${i}]`, `${describe(z)} is not a zone of ${region || "the region"}; use e.g. ${region || "us-west-2"}a`);
    });
    if (new Set(zones).size !== zones.length) issues.add("availabilityZones", "lists a zone twice; EKS needs subnets in different zones");
    return { create: true, vpcCidr, zones };
  }
  const count = checkInteger(issues, "availabilityZoneCount", a.availabilityZoneCount, EKS_DEFAULTS.availabilityZoneCount, 2, MAX_ZONES);
  return { create: true, vpcCidr, zones: count };
}
