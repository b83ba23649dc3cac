/**
 * A small strict XML reader for checking generated SVG: every tag closed in order, attributes quoted and unique,
 * only the five named entities and numeric references, no stray `<` or `&`. Throws on the first problem.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside this element (entities decoded). */
  text: string;
}

const NAME = "[A-Za-z_][\\w.:-]*";
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack = [root];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at line ${xml.slice(0, i).split("\n").length}`);
  };
  while (i < xml.length) {
    if (xml.startsWith("<?", i)) i = skipPast(xml, i, "?>", fail);
    else if (xml.startsWith("<!--", i)) i = skipPast(xml, i, "-->", fail);
    else if (xml.startsWith("<!DOCTYPE", i)) i = skipPast(xml, i, ">", fail);
    else if (xml.startsWith("</", i)) {
      const m = new RegExp(`^</(${NAME})\\s*>`).exec(xml.slice(i)) ?? fail("malformed end tag");
      const open = stack.pop()!;
      if (open.name !== m[1]) fail(`</${m[1]}> closes <${open.name}>`);
      i += m[0].length;
    } else if (xml[i] === "<") {
      const m =
        new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`).exec(xml.slice(i)) ??
        fail("malformed start tag");
      const el: XmlElement = { name: m[1], attrs: {}, children: [], text: "" };
      for (const a of m[2].matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "g"))) {
        if (a[1] in el.attrs) fail(`attribute ${a[1]} repeated`);
        el.attrs[a[1]] = decode(a[2] ?? a[3], fail);
      }
      stack[stack.length - 1].children.push(el);
      if (!m[3]) stack.push(el);
      i += m[0].length;
    } else {
      const end = xml.indexOf("<", i);
      const raw = xml.slice(i, end === -1 ? xml.length : end);
      stack[stack.length - 1].text += decode(raw, fail);
      i += raw.length;
    }
  }
  if (stack.length !== 1) fail(`<${stack[stack.length - 1].name}> is never closed`);
  const elements = root.children;
  if (elements.length !== 1 || root.text.trim() !== "") fail("a document has exactly one root element");
  return elements[0];
}

function skipPast(xml: string, from: number, end: string, fail: (why: string) => never): number {
  const at = xml.indexOf(end, from);
  return at === -1 ? fail(`no closing ${end}`) : at + end.length;
}

function decode(text: string, fail: (why: string) => never): string {
  return text.replace(/&([^;\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(";")) fail(`stray "&" in "${text}"`);
    if (ref in ENTITIES) return ENTITIES[ref];
    const code = /^#x([0-9a-f]+)$/i.exec(ref)?.[1] ?? /^#(\d+)$/.exec(ref)?.[1];
    if (code === undefined) return fail(`unknown entity &${ref};`);
    return String.fromCodePoint(ref.startsWith("#x") || ref.startsWith("#X") ? parseInt(code, 16) : parseInt(code, 10));
  });
}

/** Every element under `el` (itself included) that satisfies `test`. */
export function findAll(el: XmlElement, test: (e: XmlElement) => boolean): XmlElement[] {
  return [...(test(el) ? [el] : []), ...el.children.flatMap((c) => findAll(c, test))];
}

/** The text of `el` and all its descendants. */
export function textOf(el: XmlElement): string {
  return el.text + el.children.map(textOf).join("");
}
