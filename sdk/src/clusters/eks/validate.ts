import * as pulumi from "@pulumi/pulumi";
import { IssueList } from "../../mesh";
import {
  checkArgFields,
  fieldCheck,
  checkInteger,
  checkNetwork,
  checkText,
  isDeferred,
  readList,
  textGrammar,
} from "../../mesh/checks";
import { checkClusterName, checkKubernetesVersion, checkMachineSize, checkRegion } from "../checks";
import { EksClusterArgs } from "./args";
import { checkVpcCidr, MAX_ZONES } from "./cidr";
import { AwsProviderSettings, kubeconfigPrincipal } from "./credentials";
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
  /** The kubeconfig's principal: the args, else the default AWS provider's profile and role (./credentials). */
  kubeconfigProfile?: pulumi.Input<string>;
  kubeconfigRoleArn?: pulumi.Input<string>;
  /** Principals given EKS access entries with cluster-admin, in order; plain ARNs are deduplicated. */
  adminPrincipalArns: pulumi.Input<string>[];
  /** Resources go through an explicit AWS provider: they carry no `region` of their own. */
  explicitProvider: boolean;
  network?: string;
}

const checkAwsRegion = fieldCheck(textGrammar("an AWS region name", "use the region's code", isAwsRegion));
const checkRoleArn = fieldCheck(
  textGrammar("an IAM role ARN", "use arn:aws:iam::<account>:role/<name>", (s) =>
    /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(s),
  ),
);
const checkPrincipalArn = fieldCheck(
  textGrammar("an IAM role or user ARN", "use arn:aws:iam::<account>:role/<name> or …:user/<name>", (s) =>
    /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/.test(s),
  ),
);
const SUBNETS_EXAMPLE = '["subnet-0a1b2c3d", "subnet-4e5f6a7b"]';

/** The args' fields, kept whole by the compiler: a misspelt one is refused. */
const EKS_FIELDS = Object.keys({
  clusterName: 0,
  region: 0,
  kubernetesVersion: 0,
  instanceType: 0,
  desiredSize: 0,
  minSize: 0,
  maxSize: 0,
  vpcCidr: 0,
  availabilityZones: 0,
  availabilityZoneCount: 0,
  privateSubnetIds: 0,
  publicSubnetIds: 0,
  kubeconfigProfile: 0,
  kubeconfigRoleArn: 0,
  adminPrincipalArns: 0,
  network: 0,
} satisfies Record<keyof EksClusterArgs, 0>);

/**
 * Checks EksCluster args and applies defaults; throws a SpecError listing every problem.
 * `defaultRegion` is the region the AWS provider would use (see `defaultAwsRegion`); `aws` what is known of the AWS
 * provider (explicit or the default one's stack config), for the kubeconfig's principal.
 */
export function validateEksClusterArgs(
  name: string,
  args: EksClusterArgs,
  defaultRegion: string | undefined,
  aws: AwsProviderSettings = {},
): EksSettings {
  const issues = new IssueList();
  const a = args ?? {};
  checkArgFields(issues, args, EKS_FIELDS);
  const clusterName = checkClusterName(issues, a.clusterName, name);
  // An explicit provider's region cannot be read here; the stack's aws:region is the default provider's.
  const explicitWithoutRegion = aws.explicitProvider && a.region === undefined;
  if (explicitWithoutRegion)
    issues.add(
      "region",
      "is required with an explicit AWS provider (opts.provider/providers): give that provider's region, e.g. " +
        "\"us-west-2\"; it is the locality and the kubeconfig's --region, checked against the provider's at deploy time",
    );
  const region = explicitWithoutRegion
    ? ""
    : checkRegion(issues, "region", a.region, checkAwsRegion, {
        configured: defaultRegion,
        configuredFrom: "the AWS provider's region",
        configKey: "aws:region",
        example: "us-west-2",
      });
  const kubernetesVersion = checkKubernetesVersion(
    issues,
    "kubernetesVersion",
    a.kubernetesVersion,
    EKS_DEFAULTS.kubernetesVersion,
    false,
  );
  const instanceType = checkMachineSize(
    issues,
    "instanceType",
    a.instanceType,
    "an EC2 instance type",
    EKS_DEFAULTS.instanceType,
  );
  const scaling = readScaling(issues, a);
  const vpc =
    a.privateSubnetIds !== undefined || a.publicSubnetIds !== undefined
      ? readOwnSubnets(issues, a)
      : readCreatedVpc(issues, a, region);
  const network = checkNetwork(issues, "network", a.network);
  const principal = kubeconfigPrincipal(issues, a, aws);
  const roleArn = principal.roleArn;
  if (roleArn !== undefined && !isDeferred(roleArn))
    checkRoleArn(issues, "kubeconfigRoleArn", roleArn, {
      example: "arn:aws:iam::123456789012:role/eks-admin",
    });
  const adminPrincipalArns = readAdminPrincipals(issues, a.adminPrincipalArns);
  issues.throwIfBadArgs(`EksCluster "${name}"`);
  return {
    clusterName,
    region,
    kubernetesVersion,
    instanceType,
    scaling,
    vpc,
    ...(principal.profile !== undefined && { kubeconfigProfile: principal.profile }),
    ...(roleArn !== undefined && { kubeconfigRoleArn: roleArn }),
    adminPrincipalArns,
    explicitProvider: aws.explicitProvider ?? false,
    ...(network !== undefined && { network }),
  };
}

const ADMIN_EXAMPLE = '["arn:aws:iam::123456789012:role/platform-admins"]';

/** IAM role or user ARNs (an Output is taken as it is); an STS session ARN names a session, not a principal. */
function readAdminPrincipals(issues: IssueList, v: unknown): pulumi.Input<string>[] {
  const list = readList(issues, "adminPrincipalArns", v, { example: ADMIN_EXAMPLE });
  if (!list) return [];
  const seen = new Set<string>();
  list.forEach((arn, i) => {
    const path = `adminPrincipalArns[${i}]`;
    if (isDeferred(arn)) return;
    const session =
      typeof arn === "string" ? /^(arn:aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn) : null;
    if (session) {
      const [, partition, account, role] = session;
      issues.add(
        path,
        `"${session.input}" is an STS session, not a principal; give the IAM role's ARN, e.g. "${partition}:iam::${account}:role/${role}"`,
      );
      return;
    }
    checkPrincipalArn(issues, path, arn, { example: "arn:aws:iam::123456789012:role/platform-admins", required: true });
    if (typeof arn === "string" && seen.has(arn)) issues.add(path, `lists "${arn}" again; give each principal once`);
    if (typeof arn === "string") seen.add(arn);
  });
  return list as pulumi.Input<string>[];
}

/** Node group sizes. Unset sizes follow the set ones, so giving only minSize or maxSize is never a conflict. */
function readScaling(issues: IssueList, a: EksClusterArgs): EksSettings["scaling"] {
  const givenMin = checkInteger(issues, "minSize", a.minSize, { min: 0, max: 1000, default: 0, example: 1 });
  const givenMax = checkInteger(issues, "maxSize", a.maxSize, { min: 1, max: 1000, default: 1000, example: 5 });
  const fitted = Math.min(Math.max(EKS_DEFAULTS.desiredSize, givenMin), givenMax);
  const desiredSize = checkInteger(issues, "desiredSize", a.desiredSize, {
    min: 0,
    max: 1000,
    default: fitted,
    example: EKS_DEFAULTS.desiredSize,
  });
  const minSize = a.minSize === undefined ? Math.min(desiredSize, givenMax) : givenMin;
  const maxSize = a.maxSize === undefined ? Math.max(desiredSize, minSize, 1) : givenMax;
  if (minSize > maxSize)
    issues.add(
      "minSize",
      `${minSize} is more than maxSize ${maxSize}; lower minSize or raise maxSize, e.g. minSize ${maxSize}`,
    );
  else if (desiredSize < minSize || desiredSize > maxSize)
    issues.add(
      "desiredSize",
      `${desiredSize} is outside [minSize ${minSize}, maxSize ${maxSize}]; set desiredSize within it, e.g. ${minSize}, or widen minSize/maxSize`,
    );
  return { minSize, desiredSize, maxSize };
}

/** The caller's subnets: nothing of the VPC this component would create applies. */
function readOwnSubnets(issues: IssueList, a: EksClusterArgs): EksNetworkSettings {
  for (const k of ["vpcCidr", "availabilityZones", "availabilityZoneCount"] as const)
    if (a[k] !== undefined)
      issues.add(
        k,
        "applies only to the VPC this component creates; drop it, or drop privateSubnetIds/publicSubnetIds",
      );
  const twoZones = `give at least 2 private subnets in different availability zones (EKS requires 2 zones), e.g. ${SUBNETS_EXAMPLE}`;
  const priv = readList(issues, "privateSubnetIds", a.privateSubnetIds, { example: SUBNETS_EXAMPLE });
  if (a.privateSubnetIds === undefined) issues.add("privateSubnetIds", `is required with publicSubnetIds; ${twoZones}`);
  else if (priv && priv.length < 2) issues.add("privateSubnetIds", `has ${priv.length}; ${twoZones}`);
  readList(issues, "publicSubnetIds", a.publicSubnetIds, { example: SUBNETS_EXAMPLE });
  const ids = (list: pulumi.Input<string>[] | undefined) => (Array.isArray(list) ? list : []);
  return { create: false, privateSubnetIds: ids(a.privateSubnetIds), publicSubnetIds: ids(a.publicSubnetIds) };
}

function readCreatedVpc(issues: IssueList, a: EksClusterArgs, region: string): EksNetworkSettings {
  const vpcCidr =
    checkText(issues, "vpcCidr", a.vpcCidr, checkVpcCidr, {
      example: EKS_DEFAULTS.vpcCidr,
      default: EKS_DEFAULTS.vpcCidr,
    }) ?? EKS_DEFAULTS.vpcCidr;
  if (a.availabilityZones === undefined) {
    const count = checkInteger(issues, "availabilityZoneCount", a.availabilityZoneCount, {
      min: 2,
      max: MAX_ZONES,
      default: EKS_DEFAULTS.availabilityZoneCount,
    });
    return { create: true, vpcCidr, zones: count };
  }
  if (a.availabilityZoneCount !== undefined)
    issues.add("availabilityZoneCount", "conflicts with availabilityZones; give one of them");
  return { create: true, vpcCidr, zones: readZones(issues, a.availabilityZones, region) };
}

/** 2 to MAX_ZONES distinct zones of `region`. */
function readZones(issues: IssueList, v: unknown, region: string): string[] {
  const regionOrExample = region || "us-west-2";
  const example = `["${regionOrExample}a", "${regionOrExample}b"]`;
  const zones = readList(issues, "availabilityZones", v, { example });
  if (!zones) return [];
  if (zones.length < 2 || zones.length > MAX_ZONES) {
    issues.add(
      "availabilityZones",
      `has ${zones.length} zone${zones.length === 1 ? "" : "s"}; list 2 to ${MAX_ZONES} zones of ${region || "the region"} (EKS requires 2), e.g. ${example}`,
    );
    return [];
  }
  const checkZone = fieldCheck(
    textGrammar(`a zone of ${region || "the region"}`, "use the region and a zone letter", (z) => isZoneOf(z, region)),
  );
  zones.forEach((z, i) =>
    checkZone(issues, `availabilityZones[${i}]`, z, { example: `${regionOrExample}a`, required: true }),
  );
  if (new Set(zones).size !== zones.length)
    issues.add("availabilityZones", `lists a zone twice; EKS needs subnets in different zones, e.g. ${example}`);
  return zones as string[];
}

/** `us-west-2a` is a zone of `us-west-2`. */
function isZoneOf(zone: string, region: string): boolean {
  return zone.startsWith(region) && /^[a-z]$/.test(zone.slice(region.length));
}
