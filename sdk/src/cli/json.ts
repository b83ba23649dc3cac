/** The versioned envelope of every JSON document the CLI prints with `-o json` (docs/cli-json.md). */
export const API_VERSION = "globalmesh.io/v1";

export type ResultKind = "CheckResult" | "RenderResult" | "DiffResult";

/** `{ apiVersion, kind, ...body }`, pretty-printed, one document, ending in a newline. */
export function jsonDocument(kind: ResultKind, body: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: API_VERSION, kind, ...body }, null, 2) + "\n";
}

/** `-o` values. */
export type OutputFormat = "text" | "json";
