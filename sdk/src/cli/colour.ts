import { Io } from "./io";

const CODES = { bold: 1, red: 31, green: 32, yellow: 33, cyan: 36 } as const;
export type Style = keyof typeof CODES;
export type Paint = (style: Style, text: string) => string;

/** ANSI colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function painter(io: Io): Paint {
  const on = io.isTTY && !io.env?.NO_COLOR;
  return (style, text) => (on ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text);
}
