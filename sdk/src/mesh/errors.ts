/** One problem in the input: where (a field path such as `services[2].ports[0].number`) and what to do about it. */
export interface SpecIssue {
  path: string;
  /** `<what is wrong, quoting the value>; <the fix, with an example>` (see mesh/checks.ts). */
  message: string;
}

/** Bad input. Carries every problem found, so one run shows them all. */
export class SpecError extends Error {
  constructor(
    readonly issues: SpecIssue[],
    /** Prefix for the message: the spec file, or the component, e.g. `EksCluster "prod"`. */
    readonly source?: string,
    /** What was invalid. */
    subject = "invalid GlobalNamespace spec",
  ) {
    super(formatIssues(issues, source, subject));
    this.name = "SpecError";
  }
}

export function formatIssues(issues: SpecIssue[], source?: string, subject = "invalid GlobalNamespace spec"): string {
  const head = `${source ? `${source}: ` : ""}${subject} (${issues.length} problem${issues.length === 1 ? "" : "s"})`;
  return [head, ...issues.map((i) => `  - ${i.path ? `${i.path}: ` : ""}${i.message}`)].join("\n");
}

/** Collects issues while a check walks its input; `throwIfAny` ends the walk. */
export class IssueList {
  readonly issues: SpecIssue[] = [];
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
  get empty(): boolean {
    return this.issues.length === 0;
  }
  throwIfAny(source?: string, subject?: string): void {
    if (!this.empty) throw new SpecError(this.issues, source, subject);
  }

  /** For component arguments: `EksCluster "prod": invalid arguments (2 problems)`. */
  throwIfBadArgs(component: string): void {
    this.throwIfAny(component, "invalid arguments");
  }
}
