import { formatIssues, IssueList, SpecError } from "../mesh";

/**
 * Throws the SpecError for bad component arguments: the same error type and issue lines as a bad GlobalNamespace
 * spec, under a heading that names the component instead of "GlobalNamespace spec". The message is replaced before
 * anything reads `stack`, which V8 formats on first access, so the stack shows the new heading too.
 */
export function throwIfInvalid(issues: IssueList, component: string): void {
  if (issues.empty) return;
  const error = new SpecError(issues.issues, component);
  const n = issues.issues.length;
  const lines = formatIssues(issues.issues).split("\n").slice(1);
  error.message = [`${component}: invalid arguments (${n} problem${n === 1 ? "" : "s"})`, ...lines].join("\n");
  throw error;
}
