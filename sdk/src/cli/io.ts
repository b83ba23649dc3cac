import { readSync } from "node:fs";

/** The most one input may hold (a file, or standard input): beyond it, a usage error naming the input. */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/** Where a command reads and writes: the real process, or a test's capture. */
export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour on). */
  isTTY: boolean;
  /** Whether stderr is a terminal (render's progress line). Default false. */
  stderrIsTTY?: boolean;
  /** Environment the commands honour (`NO_COLOR`); none when left out. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The whole of standard input, for an input given as `-`. Optional so a test's capture may leave it out: reading
   * `-` then finds no input (see `stdinBytes`).
   */
  stdin?: () => string | Buffer;
}

export const processIo = (): Io => ({
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  stdin: () => readStdin(MAX_INPUT_BYTES + 1),
});

/**
 * Standard input as bytes, at most `limit` of them: a caller past MAX_INPUT_BYTES is refused by size, and an endless
 * pipe is not read into memory whole. Bytes, not text: the caller checks they are UTF-8.
 */
function readStdin(limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.alloc(64 * 1024);
  while (total < limit) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, Math.min(chunk.length, limit - total), null);
    } catch (e) {
      // A non-blocking stdin with nothing yet: wait a little and try again; anything else ends the input.
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if ((e as NodeJS.ErrnoException).code === "EOF") break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
    total += n;
  }
  return Buffer.concat(chunks);
}

/** Standard input of `io`, as bytes: empty when the Io has none (a test's capture that gives no stdin). */
export function stdinBytes(io: Io): Buffer {
  const input = io.stdin ? io.stdin() : "";
  return typeof input === "string" ? Buffer.from(input, "utf8") : input;
}
