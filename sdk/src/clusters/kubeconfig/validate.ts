import * as pulumi from "@pulumi/pulumi";
import { IssueList } from "../../mesh";
import { describe } from "../../mesh/fields";
import { checkClusterName, checkLocality, checkNetwork } from "../checks";
import { KubeconfigClusterArgs } from "./args";
import { readCheckedKubeconfig } from "./load";

/** KubeconfigCluster args, checked; `kubeconfig` is final text when it was given as a plain string. */
export interface KubeconfigSettings {
  clusterName: string;
  /** Checked text with the chosen current-context (given a string), or the Output to check once it resolves. */
  kubeconfig: pulumi.Input<string>;
  context?: string;
  locality?: string;
  network?: string;
}

/**
 * Checks KubeconfigCluster args; a plain-string kubeconfig is read (when a path) and checked now. Throws a
 * SpecError listing every problem.
 */
export function validateKubeconfigClusterArgs(name: string, args: KubeconfigClusterArgs): KubeconfigSettings {
  const issues = new IssueList();
  const a: Partial<KubeconfigClusterArgs> = args ?? {};
  const clusterName = checkClusterName(issues, a.clusterName, name);
  const context = a.context;
  const contextOk = context === undefined || (typeof context === "string" && context !== "");
  if (!contextOk)
    issues.add("context", `${describe(context)} is not a context name; give one of the kubeconfig's contexts, or leave it out for its current-context`);
  const locality = checkLocality(issues, a.locality);
  const network = checkNetwork(issues, a.network);
  let kubeconfig = a.kubeconfig;
  if (kubeconfig === undefined || kubeconfig === null) issues.add("kubeconfig", "is required: the kubeconfig text (YAML or JSON) or the path of a kubeconfig file");
  else if (typeof kubeconfig === "string" && contextOk) kubeconfig = readCheckedKubeconfig(issues, kubeconfig, context);
  issues.throwIfBadArgs(`KubeconfigCluster "${name}"`);
  return {
    clusterName,
    kubeconfig: kubeconfig!,
    ...(context !== undefined && { context }),
    ...(locality !== undefined && { locality }),
    ...(network !== undefined && { network }),
  };
}
