/** Where a command reads and writes: the real process, or a test's capture. */
export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour on). */
  isTTY: boolean;
  /** Environment the commands honour (`NO_COLOR`); none when left out. */
  env?: Readonly<Record<string, string | undefined>>;
}

export const processIo = (): Io => ({
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
});
