import { createHash } from "node:crypto";

/** First `bytes` bytes of SHA-256(text) as an unsigned integer (bytes ≤ 6, so it stays exact). */
export function hashToInt(text: string, bytes = 4): number {
  const digest = createHash("sha256").update(text).digest();
  return digest.readUIntBE(0, bytes);
}

/**
 * Short hex digest, for name suffixes that must be stable and distinct. Remembered: the compiler names each service's
 * objects once per cluster, the same names every time.
 */
export function shortHash(text: string, hexChars = 6): string {
  const key = `${hexChars}:${text}`;
  let hash = recent.get(key);
  if (hash === undefined) {
    hash = createHash("sha256").update(text).digest("hex").slice(0, hexChars);
    // Bounded, for long-lived processes (a Pulumi program compiling many GlobalNamespaces).
    if (recent.size >= MAX_REMEMBERED) recent.clear();
    recent.set(key, hash);
  }
  return hash;
}

const MAX_REMEMBERED = 50_000;
const recent = new Map<string, string>();
