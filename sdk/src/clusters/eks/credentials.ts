import * as pulumi from "@pulumi/pulumi";
import { IssueList } from "../../mesh";
import { isDeferred } from "../../mesh/checks";

/**
 * Who the kubeconfig's `aws eks get-token` authenticates as. Only the principal that creates the cluster is its admin
 * (`bootstrapClusterCreatorAdminPermissions`), so by default the kubeconfig takes the AWS provider's own principal:
 * the default provider's `aws:profile` and `aws:assumeRoles` stack config. An explicit provider (`opts.provider(s)`)
 * carries its credentials where the program cannot read them, so then `kubeconfigProfile` or `kubeconfigRoleArn` is
 * required.
 */

/** What EksCluster knows of the AWS provider its resources go through. */
export interface AwsProviderSettings {
  /** An AWS provider was passed in `opts.provider`/`opts.providers`, or is inherited from `opts.parent`. */
  explicitProvider?: boolean;
  /** `aws:profile` of the stack config (the default provider's). */
  profile?: string;
  /** `aws:assumeRoles` of the stack config, as read (a list of `{ roleArn, … }`). */
  assumeRoles?: unknown;
  /** `aws:assumeRole`, the single-role form older @pulumi/aws versions read. */
  assumeRole?: unknown;
}

/** The default provider's principal settings, from the stack config; unreadable JSON is kept as text to report. */
export function awsProviderConfig(): Omit<AwsProviderSettings, "explicitProvider"> {
  const config = new pulumi.Config("aws");
  const json = (key: string): unknown => {
    const text = config.get(key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  return { profile: config.get("profile"), assumeRoles: json("assumeRoles"), assumeRole: json("assumeRole") };
}

/** Whether resources parented to a component built with these options would go through an explicit AWS provider. */
export function hasExplicitAwsProvider(opts: pulumi.ComponentResourceOptions | undefined): boolean {
  if (!opts) return false;
  const isAws = (p: unknown) =>
    typeof (p as { getPackage?: unknown })?.getPackage === "function" &&
    (p as { getPackage: () => string }).getPackage() === "aws";
  const providers = opts.providers;
  const listed = Array.isArray(providers) ? providers : Object.values(providers ?? {});
  return (
    isAws(opts.provider) ||
    listed.some(isAws) ||
    (providers !== undefined && !Array.isArray(providers) && "aws" in providers) ||
    opts.parent?.getProvider("aws:index:x") !== undefined
  );
}

/** The kubeconfig's principal: the args, else the default provider's (profile, and the role it assumes). */
export function kubeconfigPrincipal(
  issues: IssueList,
  given: { kubeconfigProfile?: pulumi.Input<string>; kubeconfigRoleArn?: pulumi.Input<string> },
  aws: AwsProviderSettings,
): { profile?: pulumi.Input<string>; roleArn?: pulumi.Input<string> } {
  const { kubeconfigProfile, kubeconfigRoleArn } = given;
  if (aws.explicitProvider) {
    if (kubeconfigProfile === undefined && kubeconfigRoleArn === undefined)
      issues.add(
        "kubeconfigProfile",
        "is required with an explicit AWS provider (opts.provider/providers): the kubeconfig's `aws eks get-token` " +
          "cannot read that provider's credentials, and only the principal that creates the cluster is its admin; " +
          'give kubeconfigProfile (the AWS CLI profile of that principal, e.g. "platform-admin") or kubeconfigRoleArn ' +
          "(the role the provider assumes), or add the principal you use to adminPrincipalArns",
      );
    return { profile: kubeconfigProfile, roleArn: kubeconfigRoleArn };
  }
  if (kubeconfigProfile !== undefined && !isDeferred(kubeconfigProfile) && typeof kubeconfigProfile !== "string")
    issues.add("kubeconfigProfile", 'is not text; give an AWS CLI profile name, e.g. "platform-admin"');
  return {
    profile: kubeconfigProfile ?? aws.profile,
    roleArn: kubeconfigRoleArn ?? configuredRole(issues, aws),
  };
}

const ROLE_FIX =
  "set kubeconfigRoleArn (and kubeconfigProfile for the credentials that assume it), or kubeconfigProfile alone for an " +
  "AWS CLI profile that assumes the role(s) itself (role_arn/source_profile in ~/.aws/config)";

/** The role the default provider assumes, when `aws eks get-token --role-arn` can assume it the same way. */
function configuredRole(issues: IssueList, aws: AwsProviderSettings): string | undefined {
  const roles =
    aws.assumeRoles !== undefined ? aws.assumeRoles : aws.assumeRole !== undefined ? [aws.assumeRole] : undefined;
  if (roles === undefined) return undefined;
  const key = aws.assumeRoles !== undefined ? "aws:assumeRoles" : "aws:assumeRole";
  const complain = (why: string) =>
    issues.add(
      "kubeconfigRoleArn",
      `is not set, and its default, the role of ${key} in the stack config, ${why}; ${ROLE_FIX}`,
    );
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== "object" || r === null)) {
    complain("is not a list of { roleArn } mappings");
    return undefined;
  }
  if (roles.length === 0) return undefined;
  if (roles.length > 1) {
    complain(`chains ${roles.length} roles, and aws eks get-token assumes one`);
    return undefined;
  }
  const role = roles[0] as Record<string, unknown>;
  const unsupported = Object.keys(role).filter((k) => k !== "roleArn" && k !== "sessionName" && role[k] !== undefined);
  if (unsupported.length > 0) {
    complain(`also sets ${unsupported.join(", ")}, which aws eks get-token cannot pass`);
    return undefined;
  }
  if (typeof role.roleArn !== "string" || role.roleArn === "") {
    complain("has no roleArn");
    return undefined;
  }
  return role.roleArn;
}
