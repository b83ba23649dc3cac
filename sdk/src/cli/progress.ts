import { Io } from "./io";

/**
 * Progress of a long command on a terminal: one line on stderr, redrawn in place, shown only when stderr is a terminal
 * and the command has run longer than PROGRESS_DELAY_MS (a quick run prints nothing), and cleared at the end. Never on
 * stdout, so neither `-o json` nor a pipe ever sees it.
 */

/** A command that ends before this shows no progress. */
export const PROGRESS_DELAY_MS = 1000;
/** Redraw at most this often: a terminal write per object would cost more than the work. */
const REDRAW_MS = 100;

/** An Io with a clock: tests pass their own to make a render look slow. */
export interface ProgressIo extends Io {
  /** Milliseconds since some fixed moment. Default `performance.now()`. */
  now?: () => number;
}

export interface Progress {
  /** The current step, e.g. `writing c07.yaml: 12,000 of 349,400 objects`; drawn when due. */
  update: (text: () => string) => void;
  /** Clears the line, if one was drawn. */
  done: () => void;
}

const SILENT: Progress = { update: () => undefined, done: () => undefined };

/** Progress for `command` on `io`'s stderr; silent unless stderr is a terminal and `enabled` (not -o json, not -q). */
export function progress(io: ProgressIo, command: string, enabled: boolean): Progress {
  if (!enabled || io.stderrIsTTY !== true) return SILENT;
  const now = io.now ?? (() => performance.now());
  const start = now();
  let drawnAt: number | undefined;
  return {
    update(text) {
      const t = now();
      if (t - start < PROGRESS_DELAY_MS || (drawnAt !== undefined && t - drawnAt < REDRAW_MS)) return;
      drawnAt = t;
      io.stderr(`\r\x1b[K${command}: ${text()}`);
    },
    done() {
      if (drawnAt !== undefined) io.stderr("\r\x1b[K");
      drawnAt = undefined;
    },
  };
}
