import { IssueList } from "./errors";

/** Small readers for untyped input (parsed YAML, or args from a program) that record field-path issues. */

export type Plain = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads an object with a known set of keys; unknown keys are issues (with a "did you mean" when one is close). */
export function readObject(issues: IssueList, path: string, v: unknown, keys: readonly string[]): Plain | undefined {
  if (!isPlainObject(v)) {
    issues.add(path, `expected a mapping (object), got ${describe(v)}`);
    return undefined;
  }
  for (const k of Object.keys(v)) {
    if (v[k] === undefined || keys.includes(k)) continue;
    const near = closest(k, keys);
    issues.add(join(path, k), `unknown field${near ? `; did you mean "${near}"?` : `; known fields: ${keys.join(", ")}`}`);
  }
  return v;
}

export function readArray(issues: IssueList, path: string, v: unknown, required: boolean): unknown[] | undefined {
  if (v === undefined || v === null) {
    if (required) issues.add(path, "is required (a list)");
    return undefined;
  }
  if (!Array.isArray(v)) {
    issues.add(path, `expected a list, got ${describe(v)}`);
    return undefined;
  }
  return v;
}

export function readString(issues: IssueList, path: string, v: unknown, required: boolean): string | undefined {
  if (v === undefined || v === null) {
    if (required) issues.add(path, "is required");
    return undefined;
  }
  if (typeof v !== "string") {
    issues.add(path, `expected a string, got ${describe(v)}`);
    return undefined;
  }
  if (v === "") {
    issues.add(path, "must not be empty");
    return undefined;
  }
  return v;
}

export function readPort(issues: IssueList, path: string, v: unknown, required: boolean): number | undefined {
  if (v === undefined || v === null) {
    if (required) issues.add(path, "is required (a port number 1–65535)");
    return undefined;
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535) {
    issues.add(path, `${describe(v)} is not a valid port; use an integer from 1 to 65535`);
    return undefined;
  }
  return v;
}

export function readStringMap(issues: IssueList, path: string, v: unknown): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) {
    issues.add(path, `expected a mapping of strings, got ${describe(v)}`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== "string") issues.add(join(path, k), `expected a string, got ${describe(val)}`);
    else out[k] = val;
  }
  return out;
}

export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${String(v)}`;
}

/** The known key within edit distance 2 of `key`, if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
