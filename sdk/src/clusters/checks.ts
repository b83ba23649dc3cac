import { checkDnsLabel, FieldCheck, fieldCheck, isDeferred, quoteValue, textGrammar } from "../mesh/checks";
import { IssueList } from "../mesh/errors";

/** Field checks the cluster components share beyond mesh/checks (which has network, locality and integers). */

/** The mesh name of a cluster: `clusterName`, else the resource name. */
export function checkClusterName(issues: IssueList, clusterName: unknown, resourceName: string): string {
  return checkDnsLabel(issues, "clusterName", clusterName, {
    example: "cluster1",
    default: resourceName,
    defaultFrom: "the resource name",
  });
}

const checkMinorVersion = fieldCheck(
  textGrammar("a Kubernetes version", "use major.minor", (s) => /^1\.\d{1,2}$/.test(s)),
);
const checkPatchVersion = fieldCheck(
  textGrammar("a Kubernetes version", "use major.minor[.patch]", (s) => /^1\.\d{1,2}(\.\d{1,3})?$/.test(s)),
);

/** Kubernetes `1.<minor>` (EKS), or also `1.<minor>.<patch>` (AKS). */
export function checkKubernetesVersion(
  issues: IssueList,
  path: string,
  v: unknown,
  dflt: string,
  allowPatch: boolean,
): string {
  return (allowPatch ? checkPatchVersion : checkMinorVersion)(issues, path, v, { example: dflt, default: dflt });
}

/** A machine size such as an EC2 instance type or an Azure VM size: one word of letters, digits, '.', '_' and '-'. */
export function checkMachineSize(issues: IssueList, path: string, v: unknown, noun: string, dflt: string): string {
  const check = fieldCheck(
    textGrammar(noun, "use one word of letters, digits, '.', '_' and '-'", (s) =>
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s),
    ),
  );
  return check(issues, path, v, { example: dflt, default: dflt });
}

/**
 * Where a cloud cluster runs (AWS region, Azure location): the arg, else the provider's configured default; with
 * neither, the fix is the `pulumi config set` command. Returns "" when unset.
 */
export function checkRegion(
  issues: IssueList,
  path: string,
  given: unknown,
  check: FieldCheck<string>,
  options: { configured: string | undefined; configuredFrom: string; configKey: string; example: string },
): string {
  const { configured, configuredFrom, configKey, example } = options;
  if (given !== undefined) return check(issues, path, given, { example }) ?? "";
  if (configured !== undefined)
    return check(issues, path, undefined, { example, default: configured, defaultFrom: configuredFrom });
  issues.add(path, `is not set; give ${path}, e.g. "${example}", or run \`pulumi config set ${configKey} ${example}\``);
  return "";
}

const GIVE_KUBECONFIG_TEXT =
  "give the cluster's kubeconfig text, e.g. the kubeconfig output of its EksCluster, AksCluster, KubeconfigCluster or MeshCluster";

/**
 * The kubeconfig of a ClusterConnection that a component writes through (MeshCluster's `cluster`, a GlobalNamespace's
 * `clusters[i]`): text, or a value known only at deploy time (an Output, kept secret). Text is never quoted: a
 * kubeconfig may carry credentials.
 */
export function checkKubeconfigText(issues: IssueList, path: string, v: unknown): void {
  if (v === undefined || v === null) issues.add(path, `is required; ${GIVE_KUBECONFIG_TEXT}`);
  else if (isDeferred(v)) return;
  else if (typeof v !== "string") issues.add(path, `${quoteValue(v)} is not kubeconfig text; ${GIVE_KUBECONFIG_TEXT}`);
  else if (v.trim() === "") issues.add(path, `is empty; ${GIVE_KUBECONFIG_TEXT}`);
}
