/** Every field optional, at any depth; arrays and non-plain values are replaced as a whole. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Object literals only: Outputs, arrays and class instances are leaves. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Chart values with the caller's overrides on top, as Helm merges `--values` files: objects merge key by key,
 * anything else (scalars, arrays, Outputs) replaces; an `undefined` override changes nothing. Neither input is mutated.
 */
export function deepMerge<T>(base: T, override: DeepPartial<T> | undefined): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined) continue;
    out[k] = k in base ? deepMerge(base[k], v as never) : v;
  }
  return out as T;
}

/** The value at a dotted path of plain objects, or undefined. */
export function valueAt(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const key of path.split(".")) {
    if (!isPlainObject(v)) return undefined;
    v = v[key];
  }
  return v;
}
