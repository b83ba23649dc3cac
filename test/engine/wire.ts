/**
 * Pulumi's property wire format (the JSON inside the gRPC `Struct`s the SDK sends) and the readable form the
 * stand-in engine records.
 *
 * Recorded ("decoded") values are plain JSON except for four markers, so a test can see at a glance what the
 * program sent:
 * - `Secret`       — a value the SDK sent as secret: `new Secret(value)`. `isSecret(v)`, `v.value`.
 * - `UNKNOWN`      — a value not known yet (preview): the one `Unknown` instance. `isUnknown(v)`.
 * - `ResourceRef`  — a reference to another resource (`urn`, and `id` for custom resources).
 * - `AssetOrArchive` — an asset or archive, kept in wire form.
 * Output values (sent for remote components only) decode to their value, `Secret`-wrapped when secret, or `UNKNOWN`.
 * `encode` turns the readable form back into wire form, for engine answers.
 */

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
/** The string the SDK and the engine use for "not known yet" (preview). */
export const UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A secret value, as the program marked it (or as the engine answers it). */
export class Secret<T = unknown> {
  constructor(readonly value: T) {}
}

/** A value that is not known yet: only in previews. Use the `UNKNOWN` instance. */
export class Unknown {
  toJSON(): string {
    return "<unknown>";
  }
}
export const UNKNOWN = new Unknown();

/** A reference to another resource: its URN and, for a custom resource, its ID (`UNKNOWN` in a preview create). */
export class ResourceRef {
  constructor(
    readonly urn: string,
    readonly id?: unknown,
    readonly packageVersion?: string,
  ) {}
}

/** An asset or archive, kept as the SDK sent it. */
export class AssetOrArchive {
  constructor(
    readonly kind: "asset" | "archive",
    readonly wire: Record<string, unknown>,
  ) {}
}

export type PropertyMap = Record<string, unknown>;

export const isSecret = (v: unknown): v is Secret => v instanceof Secret;
export const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;

/** Wire form → readable form. */
export function decode(v: unknown): unknown {
  if (v === UNKNOWN_WIRE) return UNKNOWN;
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    switch (o[SIG_KEY]) {
      case undefined:
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
      case SECRET_SIG:
        return new Secret(decode(o.value));
      case RESOURCE_SIG:
        return new ResourceRef(
          String(o.urn),
          o.id === undefined ? undefined : o.id === "" ? UNKNOWN : decode(o.id),
          o.packageVersion as string | undefined,
        );
      case OUTPUT_VALUE_SIG: {
        const value = "value" in o ? decode(o.value) : UNKNOWN;
        return o.secret === true ? new Secret(value) : value;
      }
      case ASSET_SIG:
        return new AssetOrArchive("asset", o);
      case ARCHIVE_SIG:
        return new AssetOrArchive("archive", o);
      default:
        throw new Error(`unknown wire signature ${String(o[SIG_KEY])}`);
    }
  }
  return v;
}

export function decodeMap(v: unknown): PropertyMap {
  return (decode(v ?? {}) ?? {}) as PropertyMap;
}

/** Readable form → wire form. */
export function encode(v: unknown): unknown {
  if (v instanceof Unknown) return UNKNOWN_WIRE;
  if (v instanceof Secret) return { [SIG_KEY]: SECRET_SIG, value: encode(v.value) };
  if (v instanceof ResourceRef) {
    const o: Record<string, unknown> = { [SIG_KEY]: RESOURCE_SIG, urn: v.urn };
    if (v.id !== undefined) o.id = encode(v.id);
    if (v.packageVersion !== undefined) o.packageVersion = v.packageVersion;
    return o;
  }
  if (v instanceof AssetOrArchive) return v.wire;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : encode(x)));
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, encode(x)]),
    );
  }
  return v;
}

/** The value with every Secret wrapper removed (UNKNOWN stays). */
export function reveal(v: unknown): unknown {
  if (v instanceof Secret) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (v && typeof v === "object" && v.constructor === Object)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

/** Paths (`a.b[0].c`) of every Secret in a value; a Secret inside a Secret counts once. */
export function secretPaths(v: unknown, path = ""): string[] {
  if (v instanceof Secret) return [path || "."];
  if (Array.isArray(v)) return v.flatMap((x, i) => secretPaths(x, `${path}[${i}]`));
  if (v && typeof v === "object" && v.constructor === Object)
    return Object.entries(v).flatMap(([k, x]) => secretPaths(x, path ? `${path}.${k}` : k));
  return [];
}

/** Paths of every UNKNOWN in a value (looking through Secrets). */
export function unknownPaths(v: unknown, path = ""): string[] {
  if (v instanceof Unknown) return [path || "."];
  if (v instanceof Secret) return unknownPaths(v.value, path);
  if (v instanceof ResourceRef) return v.id instanceof Unknown ? [`${path || "."}.id`] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => unknownPaths(x, `${path}[${i}]`));
  if (v && typeof v === "object" && v.constructor === Object)
    return Object.entries(v).flatMap(([k, x]) => unknownPaths(x, path ? `${path}.${k}` : k));
  return [];
}

/** Every string in a value that is NOT inside a Secret (to check that key material never travels in plain text). */
export function plaintextStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (v instanceof Secret) return out;
  else if (Array.isArray(v)) v.forEach((x) => plaintextStrings(x, out));
  else if (v && typeof v === "object" && v.constructor === Object)
    Object.values(v).forEach((x) => plaintextStrings(x, out));
  return out;
}
