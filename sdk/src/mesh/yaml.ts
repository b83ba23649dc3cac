import { Document, isMap, isSeq, LineCounter, parseAllDocuments, parseDocument, stringify } from "yaml";
import { SpecError, SpecIssue } from "./errors";
import { MeshObject } from "./objects";

/** YAML in and out: the spec file (with line numbers in messages), manifests, and rendered objects. */

/** Parses a spec file. Syntax errors and duplicate keys become a SpecError naming the line. */
export function parseSpecYaml(
  text: string,
  source: string,
): { value: unknown; locate: (path: string) => string | undefined } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => ({ path: position(lines, e.pos[0]), message: e.message.split("\n")[0] })),
      source,
    );
  }
  return { value: doc.toJS({ maxAliasCount: 100 }), locate: (path) => locate(doc, lines, path) };
}

/** Adds `line:column` of the offending node to each issue, when the path leads to one. */
export function withLocations(
  error: SpecError,
  source: string,
  locate: (path: string) => string | undefined,
): SpecError {
  const issues: SpecIssue[] = error.issues.map((i) => {
    const at = locate(i.path);
    return at ? { ...i, path: `${i.path} (line ${at})` } : i;
  });
  return new SpecError(issues, source);
}

/** Parses multi-document YAML manifests into plain objects (empty documents dropped). */
export function parseManifests(text: string, source: string): unknown[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  if (!Array.isArray(docs)) return [];
  const issues = docs.flatMap((d) =>
    d.errors.map((e) => ({ path: `${source}:${position(lines, e.pos[0])}`, message: e.message.split("\n")[0] })),
  );
  if (issues.length > 0) throw new SpecError(issues, source);
  return docs.map((d) => d.toJS({ maxAliasCount: 100 })).filter((o) => o !== null && o !== undefined);
}

/** One multi-document YAML file, byte-for-byte the same for the same objects. */
export function renderYaml(objects: readonly MeshObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join("");
}

function position(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
}

/** `services[2].ports[0].number` → the line:column of that node (or of its nearest existing parent's key). */
function locate(doc: Document, lines: LineCounter, path: string): string | undefined {
  const segments = path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((s) => s !== "")
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  let node: unknown = doc.contents;
  let found: { range?: [number, number, number] | null } | undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
      if (!pair) break;
      found = (pair.value ?? pair.key) as typeof found;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
      node = node.items[seg];
      found = node as typeof found;
    } else break;
  }
  return found?.range ? position(lines, found.range[0]) : undefined;
}
