import { readFileSync } from "node:fs";

/** Where a command reads and writes: the real process, or a test's capture. */
export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour on). */
  isTTY: boolean;
  /** Environment the commands honour (`NO_COLOR`); none when left out. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The whole of standard input, for an input given as `-`. Optional so a test's capture may leave it out: reading
   * `-` then finds no input (see `stdinText`).
   */
  stdin?: () => string;
}

export const processIo = (): Io => ({
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  stdin: () => readFileSync(0, "utf8"),
});

/** Standard input of `io`: empty when the Io has none (a test's capture that gives no stdin). */
export function stdinText(io: Io): string {
  return io.stdin ? io.stdin() : "";
}
