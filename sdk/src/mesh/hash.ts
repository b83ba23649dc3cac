import { createHash } from "node:crypto";

/** First `bytes` bytes of SHA-256(text) as an unsigned integer (bytes ≤ 6, so it stays exact). */
export function hashToInt(text: string, bytes = 4): number {
  const digest = createHash("sha256").update(text).digest();
  return digest.readUIntBE(0, bytes);
}

/** Short hex digest, for name suffixes that must be stable and distinct. */
export function shortHash(text: string, hexChars = 6): string {
  return createHash("sha256").update(text).digest("hex").slice(0, hexChars);
}
