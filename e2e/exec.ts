import { spawnSync } from "node:child_process";

/** Running the tools: synchronous child processes, each command echoed (with secrets left out) before it runs. */

export interface RunOptions {
  /** Written to the command's stdin. */
  input?: string;
  cwd?: string;
  /** The whole environment of the command (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Show the command's output as it runs (long steps: kind create, pulumi up) instead of capturing it. */
  stream?: boolean;
  /** Return a failed result instead of throwing. */
  allowFail?: boolean;
  /** Default 10 minutes. */
  timeoutMs?: number;
  /** What to echo instead of the arguments (for arguments that hold credentials). */
  display?: string;
  /** Do not echo the command (polling loops). */
  quiet?: boolean;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {}

/** Set by the SIGINT handler: the next command throws instead of starting, until the clean-up resumes. */
let interrupted = false;
export const interrupt = () => {
  interrupted = true;
};
export const resume = () => {
  interrupted = false;
};

export function run(cmd: string, args: string[], opts: RunOptions = {}): RunResult {
  if (interrupted) throw new CommandError("interrupted");
  const shown = `${cmd} ${opts.display ?? args.join(" ")}`;
  if (!opts.quiet) console.log(`$ ${shown}`);
  const r = spawnSync(cmd, args, {
    input: opts.input,
    cwd: opts.cwd,
    env: opts.env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 10 * 60_000,
    stdio: opts.stream ? [opts.input === undefined ? "ignore" : "pipe", "inherit", "inherit"] : "pipe",
  });
  const result = { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  if (r.error && !opts.allowFail) throw new CommandError(`${shown}: ${r.error.message}`);
  if (result.status !== 0 && !opts.allowFail) {
    const tail = result.stderr.trim().split("\n").slice(-15).join("\n");
    throw new CommandError(`${shown}: exit ${result.status ?? r.signal}${tail ? `\n${tail}` : ""}`);
  }
  return result;
}

/** Blocks for `ms` (the run is synchronous from end to end). */
export function sleep(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Calls `attempt` until it returns a value (not undefined), `tries` times at most, `delayMs` apart. */
export function retry<T>(tries: number, delayMs: number, attempt: (i: number) => T | undefined): T | undefined {
  for (let i = 0; i < tries; i++) {
    const v = attempt(i);
    if (v !== undefined) return v;
    if (i < tries - 1) sleep(delayMs);
  }
  return undefined;
}
