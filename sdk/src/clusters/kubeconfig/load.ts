import * as pulumi from "@pulumi/pulumi";
import { checkWhenKnown } from "../../whenKnown";
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { IssueList } from "../../mesh";
import { checkKubeconfigText, withCurrentContext } from "./parse";

/** Kubeconfig text has a line break or is a JSON object; anything else is a file path (as the Kubernetes provider reads it). */
export function isKubeconfigText(v: string): boolean {
  return v.includes("\n") || v.trimStart().startsWith("{");
}

/** The fix for a missing or unreadable kubeconfig arg. */
export const GIVE_KUBECONFIG =
  'give the kubeconfig text (YAML or JSON) or the path of a kubeconfig file, e.g. "~/.kube/config"';

/** The text of a kubeconfig arg: the text itself, or the contents of the file it names. */
export function readKubeconfigArg(issues: IssueList, v: string): string | undefined {
  if (v.trim() === "") {
    issues.add("kubeconfig", `is empty; ${GIVE_KUBECONFIG}`);
    return undefined;
  }
  if (isKubeconfigText(v)) return v;
  const path = v.startsWith("~/") ? join(homedir(), v.slice(2)) : v;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat?.isFile()) {
    issues.add("kubeconfig", `file "${path}" ${stat ? "is not a file" : "does not exist"}; ${GIVE_KUBECONFIG}`);
    return undefined;
  }
  return readFileSync(path, "utf8");
}

/** A kubeconfig arg → checked text whose current-context is the one to use; problems go to `issues`. */
export function readCheckedKubeconfig(
  issues: IssueList,
  value: string,
  context: string | undefined,
): string | undefined {
  const text = readKubeconfigArg(issues, value);
  if (text === undefined) return undefined;
  const chosen = checkKubeconfigText(issues, text, context);
  return chosen === undefined ? undefined : withCurrentContext(text, chosen);
}

/** Like `readCheckedKubeconfig`, but throws a SpecError (naming `component`) on a problem. */
export function loadKubeconfig(component: string, value: string, context: string | undefined): string {
  const issues = new IssueList();
  const text = readCheckedKubeconfig(issues, value, context);
  issues.throwIfBadArgs(component);
  return text ?? ""; // undefined only with an issue, thrown above
}

/** A kubeconfig arg that is an Output, checked when it resolves: a bad value fails the deployment with the same message. */
export function checkedKubeconfig(
  component: string,
  kubeconfig: pulumi.Input<string>,
  context: string | undefined,
): pulumi.Output<string> {
  return checkWhenKnown(pulumi.output(kubeconfig), (v) => loadKubeconfig(component, v, context));
}
