import * as pulumi from "@pulumi/pulumi";
import { checkDnsLabel, FieldCheck, fieldCheck, isDeferred, quoteValue, readObject, textGrammar } from "../mesh/checks";
import { IssueList } from "../mesh/errors";
import { Plain } from "../mesh/fields";
import { nearestName } from "../mesh/nearest";
import { readKubeconfigArg } from "./kubeconfig/load";
import { checkKubeconfigDocument } from "./kubeconfig/parse";

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
 * `clusters[i]`): a value known only at deploy time (an Output, kept secret), or a string read as the Kubernetes
 * provider would read it (text, or the path of a file) and checked as KubeconfigCluster checks it, so a typo shows now
 * rather than as a connection error mid-deployment. Nothing of it is ever quoted: a kubeconfig may carry credentials.
 */
export function checkKubeconfigText(issues: IssueList, path: string, v: unknown): void {
  if (v === undefined || v === null) issues.add(path, `is required; ${GIVE_KUBECONFIG_TEXT}`);
  else if (isDeferred(v)) return;
  else if (typeof v !== "string") issues.add(path, `${quoteValue(v)} is not kubeconfig text; ${GIVE_KUBECONFIG_TEXT}`);
  else if (v.trim() === "") issues.add(path, `is empty; ${GIVE_KUBECONFIG_TEXT}`);
  else {
    const found = new IssueList();
    const text = readKubeconfigArg(found, v);
    if (text !== undefined) checkKubeconfigDocument(found, text, undefined, false);
    // Its checks speak of `kubeconfig` (and of `context`, the current-context here): all of it is this field.
    for (const issue of found.issues) issues.add(path, issue.message);
  }
}

/** Fields of a ClusterConnection, the `cluster` entries of MeshCluster and GlobalNamespace build on. */
export const CONNECTION_FIELDS = [
  "clusterName",
  "kubeconfig",
  "locality",
  "network",
  "loadBalancerAnnotations",
] as const;

/**
 * A cluster entry with the given fields. A Pulumi resource (a component passed as it is, or spread with fields of
 * one's own: `{ ...eks, ingress }`) may carry fields beyond them, its other outputs and Pulumi's own, except one within
 * a letter or two of an entry field, which is a misspelling; any other mapping has the entry's fields only. A misspelt
 * field is refused, not lost.
 */
export function readClusterEntry(
  issues: IssueList,
  path: string,
  v: unknown,
  fields: readonly string[],
): Plain | undefined {
  const others = pulumi.Resource.isInstance(v) ? Object.keys(v).filter((k) => !nearestName(k, fields)) : [];
  return readObject(issues, path, v, [...fields, ...others]);
}
