/** One problem in the input: where (a field path such as `services[2].ports[0].number`) and what to do about it. */
export interface SpecIssue {
  path: string;
  /** `<what is wrong, quoting the value>; <the fix, with an example>` (see mesh/checks.ts). */
  message: string;
  /**
   * Where in the input, as editors and CI annotations read it: `gns.yaml:12:7` (file:line:column). Printed at the
   * start of the issue's line.
   */
  location?: string;
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
  const line = (i: SpecIssue) =>
    `  - ${i.location ? `${printable(i.location)}: ` : ""}${i.path ? `${printable(i.path)}: ` : ""}${excerpt(printable(i.message))}`;
  const shown = issues.slice(0, MAX_ISSUES_SHOWN).map(line);
  const more = issues.length - shown.length;
  return [
    printable(head),
    ...shown,
    ...(more > 0 ? [`  … and ${more} more (fix these first; the rest are often the same mistake)`] : []),
  ].join("\n");
}

/** How many problems a message lists at most: a wholly wrong input must not echo itself back. */
export const MAX_ISSUES_SHOWN = 50;

/** How many characters of one issue's text are printed at most; the rest of a longer one is left out. */
export const MAX_ISSUE_CHARS = 600;

/**
 * Text from the input made safe for a terminal: control characters (escape sequences, carriage returns, bells, C1
 * codes) stripped. Tab becomes a space; the input's own newlines never reach a message.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/\t/g, " ").replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "");
}

/** At most MAX_ISSUE_CHARS characters: the start (what is wrong) and the end (the fix), with the middle left out. */
export function excerpt(text: string, max = MAX_ISSUE_CHARS): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.6);
  const tail = max - head;
  return `${text.slice(0, head)}… (${text.length - head - tail} characters left out) …${text.slice(text.length - tail)}`;
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
