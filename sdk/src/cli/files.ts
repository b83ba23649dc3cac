import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { usage } from "./inputs";

/** Writes beside, then renames: a reader never sees half a file. An unwritable path is the caller's to fix (exit 2). */
export function writeAtomically(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  } catch (e) {
    throw usage(`cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
