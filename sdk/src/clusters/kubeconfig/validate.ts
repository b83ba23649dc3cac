import * as pulumi from "@pulumi/pulumi";
import { IssueList } from "../../mesh";
import {
  checkArgFields,
  checkLocality,
  checkNetwork,
  fieldCheck,
  isDeferred,
  quoteValue,
  textGrammar,
} from "../../mesh/checks";
import { checkClusterName } from "../checks";
import { KubeconfigClusterArgs } from "./args";
import { GIVE_KUBECONFIG, readCheckedKubeconfig } from "./load";

/** KubeconfigCluster args, checked; `kubeconfig` is final text when it was given as a plain string. */
export interface KubeconfigSettings {
  clusterName: string;
  /** Checked text with the chosen current-context (given a string), or the Output to check once it resolves. */
  kubeconfig: pulumi.Input<string>;
  context?: string;
  locality?: string;
  network?: string;
}

const checkContext = fieldCheck(
  textGrammar(
    "a context name",
    "leave it out for the kubeconfig's current-context, or name one of its contexts",
    (s) => s !== "",
  ),
);

/** The args' fields, kept whole by the compiler: a misspelt one is refused. */
const KUBECONFIG_CLUSTER_FIELDS = Object.keys({
  kubeconfig: 0,
  context: 0,
  clusterName: 0,
  locality: 0,
  network: 0,
} satisfies Record<keyof KubeconfigClusterArgs, 0>);

/**
 * Checks KubeconfigCluster args; a plain-string kubeconfig is read (when a path) and checked now. Throws a
 * SpecError listing every problem.
 */
export function validateKubeconfigClusterArgs(name: string, args: KubeconfigClusterArgs): KubeconfigSettings {
  const issues = new IssueList();
  const a: Partial<KubeconfigClusterArgs> = args ?? {};
  checkArgFields(issues, args, KUBECONFIG_CLUSTER_FIELDS);
  const clusterName = checkClusterName(issues, a.clusterName, name);
  const context = checkContext(issues, "context", a.context, { example: "kind-a" });
  const contextOk = context !== undefined || a.context === undefined || a.context === null;
  const locality = checkLocality(issues, "locality", a.locality);
  const network = checkNetwork(issues, "network", a.network);
  let kubeconfig = a.kubeconfig;
  if (kubeconfig === undefined || kubeconfig === null) issues.add("kubeconfig", `is required; ${GIVE_KUBECONFIG}`);
  else if (typeof kubeconfig === "string")
    kubeconfig = contextOk ? readCheckedKubeconfig(issues, kubeconfig, context) : kubeconfig;
  else if (!isDeferred(kubeconfig))
    issues.add("kubeconfig", `${quoteValue(kubeconfig)} is not kubeconfig text or a path; ${GIVE_KUBECONFIG}`);
  issues.throwIfBadArgs(`KubeconfigCluster "${name}"`);
  return {
    clusterName,
    kubeconfig: kubeconfig ?? "", // undefined only with an issue, thrown above
    ...(context !== undefined && { context }),
    ...(locality !== undefined && { locality }),
    ...(network !== undefined && { network }),
  };
}
