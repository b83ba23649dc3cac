import { dump, DumpOptions, loadAll } from "js-yaml";
import { Document, isMap, isSeq, LineCounter, parseAllDocuments, parseDocument, visit } from "yaml";
import { SpecError, SpecIssue } from "./errors";
import { MeshObject } from "./objects";

/** YAML in and out: the spec file (with line numbers in messages), manifests, and rendered objects. */

/**
 * How many aliases (`*name`) one YAML document may resolve. An alias bomb (`a: &a [x, x]`, `b: &b [*a, *a]`, …)
 * grows exponentially with each level; a spec or manifest written by hand needs few if any.
 */
export const MAX_ALIASES = 100;

/** Parses a spec file. Syntax errors, duplicate keys and bad aliases become a SpecError naming file:line:col. */
export function parseSpecYaml(
  text: string,
  source: string,
): { value: unknown; locate: (path: string) => string | undefined } {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const all = Array.isArray(docs) ? docs : [];
  if (all.length > 1) {
    throw new SpecError(
      [
        {
          path: "",
          location: `${source}:${position(lines, all[1].range[0])}`,
          message: `holds ${all.length} YAML documents (separated by "---"); a GlobalNamespace spec is one document. If this is a file of Kubernetes objects, give it as --manifests <cluster>=${source}`,
        },
      ],
      source,
    );
  }
  const doc = all[0] ?? parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  throwOnErrors(doc, lines, source);
  return { value: toPlain(doc, lines, source), locate: (path) => locate(doc, lines, path) };
}

function throwOnErrors(doc: Document, lines: LineCounter, source: string): void {
  if (doc.errors.length === 0) return;
  throw new SpecError(
    doc.errors.map((e) => ({
      path: "",
      location: `${source}:${position(lines, e.pos[0])}`,
      message: yamlMessage(e.message),
    })),
    source,
  );
}

/** The first line of the yaml library's message (the rest repeats the input), and the fix for the common cases. */
function yamlMessage(message: string): string {
  const first = message.split("\n")[0];
  if (/^Map keys must be unique/.test(first)) return `${first}; remove or rename the repeated key`;
  if (/Tabs are not allowed/i.test(first)) return `${first}; indent with spaces`;
  return first;
}

/**
 * The document as plain values. An alias to no anchor, or more than MAX_ALIASES aliases resolved (an alias bomb),
 * is a SpecError naming the first alias, not a crash.
 */
function toPlain(doc: Document, lines: LineCounter, source: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    const first = firstAlias(doc);
    const at = first !== undefined ? position(lines, first) : "1:1";
    const text = e instanceof Error ? e.message : String(e);
    const message =
      /alias/i.test(text) && /count|excessive/i.test(text)
        ? `resolves more than ${MAX_ALIASES} YAML aliases (*name), as an alias bomb does; write the values out, or use fewer aliases`
        : /unresolved|no anchor|undefined/i.test(text) || e instanceof ReferenceError
          ? `has an alias (*name) with no anchor (&name) before it; define the anchor first, or write the value out`
          : `cannot be read as YAML (${text.split("\n")[0]}); check its anchors (&name) and aliases (*name)`;
    throw new SpecError([{ path: "", location: `${source}:${at}`, message }], source);
  }
}

/** Offset of the document's first alias node, for the location of an alias error. */
function firstAlias(doc: Document): number | undefined {
  let at: number | undefined;
  visit(doc, {
    Alias(_, node) {
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  return at;
}

/** Adds `file:line:column` of the offending node to each issue, when the path leads to one. */
export function withLocations(
  error: SpecError,
  source: string,
  locate: (path: string) => string | undefined,
): SpecError {
  const issues: SpecIssue[] = error.issues.map((i) => {
    const at = i.location ? undefined : locate(i.path);
    return at ? { ...i, location: `${source}:${at}` } : i;
  });
  return new SpecError(issues, source);
}

/** Parses multi-document YAML manifests into plain objects (empty documents dropped). */
export function parseManifests(text: string, source: string): unknown[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  if (!Array.isArray(docs)) return [];
  // The issue's path is `file:line:col` itself: the component reports it under its manifests entry.
  const issues = docs.flatMap((d) =>
    d.errors.map((e) => ({ path: `${source}:${position(lines, e.pos[0])}`, message: yamlMessage(e.message) })),
  );
  if (issues.length > 0) throw new SpecError(issues, source);
  try {
    return docs.map((d) => toPlain(d, lines, source)).filter((o) => o !== null && o !== undefined);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    throw new SpecError(
      e.issues.map(({ location, path, message }) => ({ path: location ?? path, message })),
      source,
    );
  }
}

/**
 * How rendered objects are written: js-yaml's dump, about 5× faster than the yaml package's document model (bench/,
 * emitters). Lines are never folded, repeated values are written out (no `&anchor`/`*alias`), and strings that need
 * quotes get double quotes; strings YAML 1.1 would read as something else (`on`, `yes`, `12:30`, `2024-01-01`) are
 * quoted too, as Kubernetes' YAML 1.1 decoder needs.
 */
const DUMP: DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

/** One object as a YAML document, `---` first: the unit render streams to a cluster's file. */
export function objectYaml(object: MeshObject): string {
  return `---\n${dump(object, DUMP)}`;
}

/** One multi-document YAML file, byte-for-byte the same for the same objects. */
export function renderYaml(objects: readonly MeshObject[]): string {
  return objects.map(objectYaml).join("");
}

/**
 * objectYaml, remembering recent documents by the object's JSON: most of a client cluster's objects for a remote
 * service are the same in every client cluster (the ServiceEntry, the routes, the tunnel Gateway), and JSON.stringify
 * costs a seventh to a tenth of js-yaml's dump. For the plain data compiled objects are (strings, booleans, finite
 * numbers other than -0, arrays and objects, keys in order) the dump is a function of the JSON; JSON holding `null`,
 * which is also how it writes NaN and ±Infinity, is dumped and not remembered. So the bytes are objectYaml's
 * (test/cli/emission). At most two generations of `size` documents are kept: render compiles cluster after cluster,
 * and what recurs does so in the next cluster.
 */
export function rememberingObjectYaml(size = 10_000): (object: MeshObject) => string {
  let young = new Map<string, string>();
  let old = new Map<string, string>();
  return (object) => {
    const key = JSON.stringify(object);
    if (key.includes("null")) return objectYaml(object);
    let text = young.get(key);
    if (text !== undefined) return text;
    text = old.get(key) ?? objectYaml(object);
    if (young.size >= size) [old, young] = [young, new Map()];
    young.set(key, text);
    return text;
  };
}

/** A token starting with `&` or `*` (an anchor or alias): the files render writes have none (`noRefs`). */
const ANCHOR_OR_ALIAS = /(^|[\s,[{])[&*][^\s,\]}]/m;

/**
 * The objects of a file render wrote (header checked by the caller), read back fast: js-yaml's loader, several times
 * quicker than the document model parseManifests needs for line numbers. A file with anchors or aliases (edited by
 * hand) goes through parseManifests, which bounds how many aliases it resolves.
 */
export function parseRendered(text: string, source: string): unknown[] {
  if (ANCHOR_OR_ALIAS.test(text)) return parseManifests(text, source);
  return loadAll(text, undefined, { filename: source }).filter((o) => o !== null && o !== undefined);
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
