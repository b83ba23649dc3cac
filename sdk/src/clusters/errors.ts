import { IssueList, SpecError, SpecIssue } from "../mesh";

/**
 * Bad arguments to a cluster component. A SpecError (same `issues`), but its message names the component instead of
 * a GlobalNamespace spec, e.g. `EksCluster "prod": invalid arguments (1 problem)`.
 */
export class ClusterArgsError extends SpecError {
  constructor(
    issues: SpecIssue[],
    /** The component, e.g. `EksCluster "prod"`. */
    readonly component: string,
  ) {
    super(issues);
    this.name = "ClusterArgsError";
    const head = `${component}: invalid arguments (${issues.length} problem${issues.length === 1 ? "" : "s"})`;
    this.message = [head, ...issues.map((i) => `  - ${i.path}: ${i.message}`)].join("\n");
  }
}

/** Throws every collected problem at once, so one run shows them all. */
export function throwIfAny(issues: IssueList, component: string): void {
  if (!issues.empty) throw new ClusterArgsError(issues.issues, component);
}
