import { isDns1035Label, isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue, isLocality } from "./dns";
import { IssueList } from "./errors";
import { isPlainObject, join, Plain } from "./fields";
import { nearestName } from "./nearest";

/**
 * Field checks: the one way globalmesh reads untyped input (a parsed spec file, a component's args) and says what is
 * wrong with it. Every issue reads `<path>: <what is wrong, quoting the value>; <the fix, with an example>`.
 *
 * Make an IssueList, check each field under its path, throw once at the end, so one run reports every problem:
 *
 *     const issues = new IssueList();
 *     const meshId = checkDnsLabel(issues, "meshId", args.meshId, { example: "mesh1", default: name, defaultFrom: "the resource name" });
 *     const ttl = checkInteger(issues, "certificateTtlHours", args.certificateTtlHours, { min: 1, max: 87600, default: 8760 });
 *     issues.throwIfBadArgs(`MeshTrust "${name}"`);
 *
 * A check returns the value when it is good; when the field is absent or bad, its default if one was given, else
 * undefined. Every check insists on a literal and reports a Pulumi Output or a Promise as such: these fields decide
 * which objects exist. A field that may be known only at deploy time (an address, a secret) tests `isDeferred` first
 * and passes such a value through. A new kind of value is a grammar: `fieldCheck(textGrammar(noun, how, test))` makes
 * its check. A rule across fields (minSize ≤ maxSize) adds its own issue in the same shape.
 */

/** A value as messages show it: strings quoted, numbers as they are, anything else by its kind. */
export function quoteValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return "a list";
  if (isDeferred(v)) return v instanceof Promise ? "a Promise" : "an Output";
  return typeof v === "object" ? "a mapping" : `a ${typeof v}`;
}

/** A value known only at deploy time: a Promise, or a Pulumi Output (told by its `__pulumiOutput` mark, without importing Pulumi). */
export function isDeferred(v: unknown): boolean {
  return (
    v instanceof Promise ||
    (typeof v === "object" && v !== null && (v as { __pulumiOutput?: unknown }).__pulumiOutput === true)
  );
}

/** False, with an issue, when `v` is an Output or a Promise; `example` is a literal to give instead. */
export function checkLiteral(issues: IssueList, path: string, v: unknown, example: string | number): boolean {
  return requireLiteral(issues, path, v, `a literal ${typeof example} (e.g. ${quoteValue(example)})`);
}

function requireLiteral(issues: IssueList, path: string, v: unknown, literal: string): boolean {
  if (!isDeferred(v)) return true;
  issues.add(
    path,
    `is ${quoteValue(v)}, known only at deploy time; this field decides which objects exist, so give ${literal}`,
  );
  return false;
}

/** What a field's value must be: `<value> is not <noun>; <fix(example)>`. */
export interface Grammar<T> {
  /** A good value, with its article: "a DNS-1123 label". */
  readonly noun: string;
  readonly fix: (example: T) => string;
  readonly accepts: (v: unknown) => v is T;
}

/** A grammar for strings; the fix reads `<how>, e.g. "<example>"`. */
export function textGrammar(noun: string, how: string, test: (s: string) => boolean): Grammar<string> {
  return {
    noun,
    fix: (example) => `${how}, e.g. ${quoteValue(example)}`,
    accepts: (v): v is string => typeof v === "string" && test(v),
  };
}

export interface FieldOptions<T> {
  /** A good value, shown in the fix. */
  example: T;
  /** Whether leaving the field out (without a default) is a problem. */
  required?: boolean;
  /** The value when the field is absent or bad. Checked as well, since it may come from elsewhere (a resource name). */
  default?: T;
  /** Where the default comes from, for the message when it fails: "the resource name". */
  defaultFrom?: string;
}

/** A check of one kind of field: with a default it always returns a value. */
export interface FieldCheck<T> {
  (issues: IssueList, path: string, v: unknown, options: FieldOptions<T> & { default: T }): T;
  (issues: IssueList, path: string, v: unknown, options: FieldOptions<T>): T | undefined;
}

/** The check of fields that follow `grammar`: `const checkIstioVersion = fieldCheck(textGrammar(...))`. */
export function fieldCheck<T extends string | number>(grammar: Grammar<T>): FieldCheck<T> {
  // One implementation serves both signatures: it returns the default whenever one was given.
  return ((issues: IssueList, path: string, v: unknown, options: FieldOptions<T>) =>
    check(issues, path, v, grammar, options)) as FieldCheck<T>;
}

function check<T extends string | number>(
  issues: IssueList,
  path: string,
  v: unknown,
  grammar: Grammar<T>,
  options: FieldOptions<T>,
): T | undefined {
  const { example, default: fallback } = options;
  if (!checkLiteral(issues, path, v, example)) return fallback;
  if (v === undefined || v === null) {
    if (fallback !== undefined && !grammar.accepts(fallback)) {
      const given = `${options.defaultFrom ?? "the default"} ${quoteValue(fallback)}`;
      issues.add(path, `is not set, and ${given}, its default, is not ${grammar.noun}; ${grammar.fix(example)}`);
    } else if (fallback === undefined && options.required) {
      issues.add(path, `is required; give ${grammar.noun}, e.g. ${quoteValue(example)}`);
    }
    return fallback;
  }
  if (grammar.accepts(v)) return v;
  issues.add(path, `${quoteValue(v)} is not ${grammar.noun}; ${grammar.fix(example)}`);
  return fallback;
}

/** A DNS-1123 label: what Kubernetes requires of namespace names, and globalmesh of cluster, network and mesh names. */
export const checkDnsLabel = fieldCheck(
  textGrammar(
    "a DNS-1123 label",
    "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    isDnsLabel,
  ),
);

/** A Kubernetes Service name: a DNS-1035 label, which starts with a letter. */
export const checkServiceName = fieldCheck(
  textGrammar(
    "a Service name (DNS-1035 label)",
    "use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
    isDns1035Label,
  ),
);

/** A DNS name (DNS-1123 subdomain). */
export const checkDnsName = fieldCheck(
  textGrammar("a DNS name", "use lowercase labels joined by dots", isDnsSubdomain),
);

/** An Istio network name (a DNS-1123 label). */
export function checkNetwork(issues: IssueList, path: string, v: unknown): string | undefined {
  return checkDnsLabel(issues, path, v, { example: "network1" });
}

const LOCALITY = textGrammar("an Istio locality", "use region[/zone[/subzone]]", isLocality);

/** An Istio locality `region[/zone[/subzone]]`. */
export function checkLocality(issues: IssueList, path: string, v: unknown): string | undefined {
  return check(issues, path, v, LOCALITY, { example: "us-east-2/us-east-2a" });
}

function integerGrammar(noun: string, min: number, max: number): Grammar<number> {
  return {
    noun,
    fix: (example) => `use e.g. ${example}`,
    accepts: (v): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max,
  };
}

/** A port number, 1 to 65535. */
export const checkPort = fieldCheck(integerGrammar("a port number from 1 to 65535", 1, 65535));

export interface IntegerOptions extends Omit<FieldOptions<number>, "example"> {
  min: number;
  max: number;
  /** Default: the default, else `min`. */
  example?: number;
}

/** A whole number in [min, max]. */
export function checkInteger(
  issues: IssueList,
  path: string,
  v: unknown,
  options: IntegerOptions & { default: number },
): number;
export function checkInteger(issues: IssueList, path: string, v: unknown, options: IntegerOptions): number | undefined;
export function checkInteger(
  issues: IssueList,
  path: string,
  v: unknown,
  { min, max, ...options }: IntegerOptions,
): number | undefined {
  const grammar = integerGrammar(`a whole number from ${min} to ${max}`, min, max);
  return check(issues, path, v, grammar, { ...options, example: options.example ?? options.default ?? min });
}

/** One of a fixed set of strings; the fix lists them all. */
export function checkOneOf<T extends string>(
  issues: IssueList,
  path: string,
  v: unknown,
  noun: string,
  values: readonly T[],
): T | undefined {
  const grammar: Grammar<T> = {
    noun,
    fix: () => `use one of ${values.join(", ")}`,
    accepts: (x): x is T => values.includes(x as T),
  };
  return check(issues, path, v, grammar, { example: values[0] });
}

const ANY_STRING = textGrammar("a string", "write it in quotes", () => true);

/**
 * A string whose problems take more than a grammar to word (a CIDR's alignment, a virtual IP's range): `problemOf`
 * returns the message, in the same shape, or undefined for a good value.
 */
export function checkText(
  issues: IssueList,
  path: string,
  v: unknown,
  problemOf: (s: string) => string | undefined,
  options: FieldOptions<string>,
): string | undefined {
  const text = check(issues, path, v, ANY_STRING, options);
  const problem = text === undefined ? undefined : problemOf(text);
  if (problem) issues.add(path, problem);
  return problem ? options.default : text;
}

/** A mapping with known fields; an unknown field is reported with the nearest known name ("did you mean"). */
export function readObject(issues: IssueList, path: string, v: unknown, fields: readonly string[]): Plain | undefined {
  if (!requireLiteral(issues, path, v, "a literal mapping")) return undefined;
  if (!isPlainObject(v)) {
    issues.add(path, `${quoteValue(v)} is not a mapping; give one with the fields ${fields.join(", ")}`);
    return undefined;
  }
  for (const k of Object.keys(v)) {
    if (v[k] === undefined || fields.includes(k)) continue;
    const near = nearestName(k, fields);
    issues.add(
      join(path, k),
      near ? `unknown field; did you mean "${near}"?` : `unknown field; use one of ${fields.join(", ")}`,
    );
  }
  return v;
}

/** A list. `example` is written as the input would write it: `[cluster1, cluster2]`. */
export function readList(
  issues: IssueList,
  path: string,
  v: unknown,
  options: { example: string; required?: boolean },
): unknown[] | undefined {
  if (!requireLiteral(issues, path, v, `a literal list (e.g. ${options.example})`)) return undefined;
  if (v === undefined || v === null) {
    if (options.required) issues.add(path, `is required; give a list, e.g. ${options.example}`);
    return undefined;
  }
  if (!Array.isArray(v)) {
    issues.add(path, `${quoteValue(v)} is not a list; give a list, e.g. ${options.example}`);
    return undefined;
  }
  return v;
}

const LABEL_KEY = textGrammar(
  "a Kubernetes label key",
  "use [prefix/]name, the name at most 63 letters, digits, '-', '_' and '.'",
  isLabelKey,
);
const LABEL_VALUE = textGrammar(
  "a Kubernetes label value",
  "use at most 63 letters, digits, '-', '_' and '.'",
  isLabelValue,
);

/** Kubernetes labels (or a label selector); each key and value is checked on the path of its key. */
export function readLabels(
  issues: IssueList,
  path: string,
  v: unknown,
  example: Record<string, string>,
): Record<string, string> | undefined {
  const [exampleKey, exampleValue] = Object.entries(example)[0];
  const shown = `{ ${Object.entries(example)
    .map(([k, val]) => `${k}: ${val}`)
    .join(", ")} }`;
  if (!requireLiteral(issues, path, v, `a literal mapping (e.g. ${shown})`) || v === undefined) return undefined;
  if (!isPlainObject(v)) {
    issues.add(path, `${quoteValue(v)} is not a mapping of labels; give e.g. ${shown}`);
    return undefined;
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    check(issues, join(path, key), key, LABEL_KEY, { example: exampleKey });
    const checked = check(issues, join(path, key), value, LABEL_VALUE, { example: exampleValue, required: true });
    if (checked !== undefined) labels[key] = checked;
  }
  return labels;
}

/**
 * A component's args: a misspelt field (`servics`, from a non-literal object TypeScript did not check, or another
 * language) is refused with a "did you mean", not ignored. `fields` is the args interface's keys, best written as
 * `Object.keys({ … } satisfies Record<keyof Args, 0>)` so the compiler keeps the list whole.
 */
export function checkArgFields(issues: IssueList, args: unknown, fields: readonly string[]): void {
  if (isPlainObject(args)) readObject(issues, "", args, fields);
}

/**
 * One of a fixed set of strings, like `checkOneOf`, with a "did you mean" for a near miss (`allow` → `ALLOW`,
 * `get` → `GET`) and an optional `required`.
 */
export function checkChoice<T extends string>(
  issues: IssueList,
  path: string,
  v: unknown,
  noun: string,
  values: readonly T[],
  options: { required?: boolean } = {},
): T | undefined {
  if (!checkLiteral(issues, path, v, values[0])) return undefined;
  if (v === undefined || v === null) {
    if (options.required) issues.add(path, `is required; use one of ${values.join(", ")}`);
    return undefined;
  }
  if (values.includes(v as T)) return v as T;
  const near = typeof v === "string" ? nearestName(v, values) : undefined;
  issues.add(
    path,
    `${quoteValue(v)} is not ${noun}; ${near ? `did you mean "${near}"? ` : ""}use one of ${values.join(", ")}`,
  );
  return undefined;
}

/** `true` or `false`. A string such as "yes" is refused: YAML 1.2 reads it as text. */
export function checkBoolean(
  issues: IssueList,
  path: string,
  v: unknown,
  options: { example: boolean },
): boolean | undefined {
  if (!requireLiteral(issues, path, v, `a literal boolean (e.g. ${options.example})`)) return undefined;
  if (v === undefined || v === null || typeof v === "boolean") return v ?? undefined;
  issues.add(path, `${quoteValue(v)} is not true or false; write it without quotes, e.g. ${options.example}`);
  return undefined;
}
