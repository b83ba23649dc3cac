import * as pulumi from "@pulumi/pulumi";
import { checkWhenKnown } from "../../whenKnown";
import { readFileSync, Stats, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { IssueList } from "../../mesh";
import { checkKubeconfigDocument, withCurrentContext } from "./parse";

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
  const stat = statOf(path);
  if (stat?.isFile()) return readFileSync(path, "utf8");
  issues.add("kubeconfig", `${notAKubeconfig(v, path, stat !== undefined)}; ${GIVE_KUBECONFIG}`);
  return undefined;
}

/** The file's stat, or undefined when there is none: a one-line credential can be too long for a path (ENAMETOOLONG). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Why a one-line value is no kubeconfig. It is quoted only when it is plainly a path — it has a directory part, and
 * that directory exists — so the user sees which file is missing; anything else may be a credential (a token, a
 * base64-encoded kubeconfig) that an error message must not print.
 */
function notAKubeconfig(value: string, path: string, exists: boolean): string {
  if (/^~|[/\\]/.test(value) && statOf(dirname(path))?.isDirectory())
    return `file "${path}" ${exists ? "is not a file" : "does not exist"}`;
  const base64 =
    /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length > 100 ? " and looks base64-encoded (decode it first)" : "";
  return `is neither kubeconfig text (it has no line break and is not JSON) nor the path of a file: a ${value.length}-character value, not shown${base64}`;
}

/** A kubeconfig arg → checked text whose current-context is the one to use; problems go to `issues`. */
export function readCheckedKubeconfig(
  issues: IssueList,
  value: string,
  context: string | undefined,
): string | undefined {
  const text = readKubeconfigArg(issues, value);
  if (text === undefined) return undefined;
  const chosen = checkKubeconfigDocument(issues, text, context);
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
