/** Untyped input (parsed YAML, or args from a program): its objects and the paths that name its fields. */

export type Plain = Record<string, unknown>;

/** A mapping: an object that is neither null nor a list. */
export function isPlainObject(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `services` + 2 → `services[2]`; `services[2]` + `ports` → `services[2].ports`. */
export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}
