/**
 * A static check of Python written against the SDK Pulumi's Python codegen (pkg/codegen/python, v3.248) would generate
 * from a package schema: the module is `PyPack(namespace, name)`; a resource `R` takes keyword arguments named
 * `PyName(<input>)` (plus `opts`), an object type `T` used as an input is the class `TArgs` with keyword arguments
 * `PyName(<property>)`, an enum member is `upper(PyName(<name>))`, and an output is the attribute `PyName(<output>)`.
 * Every keyword argument and attribute must map back to the schema's camelCase name, required inputs must be given.
 */
import { PackageSchema, pyPack, SchemaProperty } from "./pluginSchema";

/** Python keywords that codegen suffixes with `_` (python.go `Keywords`). */
const PY_KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except exec finally for from global if import in is lambda nonlocal not or pass print raise return try while with yield".split(
    " ",
  ),
);
const isUpper = (c: string) => c !== c.toLowerCase() && c === c.toUpperCase();
const isDigit = (c: string) => c >= "0" && c <= "9";

/** pkg/codegen/python/python.go `PyName`: camelCase → snake_case (non-legacy rules), keyword-safe. */
export function pyName(name: string): string {
  const parts: string[] = [];
  let current = "";
  let state: "first" | "upper" | "acronym" | "lower" = "first";
  for (let ch of name) {
    if (!/[\p{L}\p{N}_]/u.test(ch)) ch = "_";
    switch (state) {
      case "first":
        if (!/[\p{L}_]/u.test(ch)) current += "_";
        if (isUpper(ch)) {
          state = "upper";
          current += ch.toLowerCase();
        } else {
          state = "lower";
          current += ch;
        }
        break;
      case "upper":
        if (isUpper(ch)) {
          state = "acronym";
          current += ch.toLowerCase();
        } else {
          state = "lower";
          current += ch;
        }
        break;
      case "acronym":
        if (isUpper(ch)) current += ch.toLowerCase();
        else if (isDigit(ch) || ch === "s") {
          state = "lower";
          current += ch;
        } else {
          parts.push(current.slice(0, -1));
          current = current.slice(-1) + ch;
          state = "lower";
        }
        break;
      case "lower":
        if (isUpper(ch)) {
          parts.push(current);
          current = ch.toLowerCase();
          state = "upper";
        } else current += ch;
        break;
    }
  }
  if (current) parts.push(current);
  const result = parts.join("_");
  return PY_KEYWORDS.has(result) ? `${result}_` : result;
}

export interface PyIssue {
  line: number;
  message: string;
}

/** The text of the first ```python block of a Markdown document. */
export function pythonBlock(markdown: string): string {
  const m = /```python\n([\s\S]*?)```/.exec(markdown);
  if (!m) throw new Error("no ```python block");
  return m[1];
}

/** The argument text of a call whose `(` is at `open`, up to the matching `)`. */
function callArguments(src: string, open: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") while (i < src.length && src[i] !== "\n") i++;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c) && --depth === 0) return src.slice(open + 1, i);
  }
  throw new Error(`unbalanced call at ${open}`);
}

/** Keyword-argument names at the top level of a call's argument text. */
function keywordArguments(args: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  const consider = (part: string) => {
    const m = /^\s*([A-Za-z_]\w*)\s*=(?!=)/.exec(part);
    if (m) names.push(m[1]);
  };
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") while (i < args.length && args[i] !== "\n") i++;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === "," && depth === 0) {
      consider(args.slice(start, i));
      start = i + 1;
    }
  }
  consider(args.slice(start));
  return names;
}

/** The source with string contents and comments blanked (same length and lines), so only code is matched. */
function codeOnly(src: string): string {
  let out = "";
  let quote: string | undefined;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === "\\") {
        out += "  ";
        i++;
      } else if (src.startsWith(quote, i)) {
        out += quote;
        i += quote.length - 1;
        quote = undefined;
      } else out += c === "\n" ? "\n" : " ";
    } else if (c === "#") {
      while (i < src.length && src[i] !== "\n") {
        out += " ";
        i++;
      }
      if (i < src.length) out += "\n";
    } else if (c === '"' || c === "'") {
      quote = src.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      out += quote;
      i += quote.length - 1;
    } else out += c;
  }
  return out;
}

export function checkPythonSnippet(text: string, schema: PackageSchema): { module: string; issues: PyIssue[] } {
  const src = codeOnly(text);
  const issues: PyIssue[] = [];
  const lineOf = (index: number) => src.slice(0, index).split("\n").length;
  const add = (index: number, message: string) => issues.push({ line: lineOf(index), message });
  const module = pyPack(schema.namespace, schema.name);

  // `import <module> as <alias>` or `import <module>`.
  const imp = /^import\s+([\w.]+)(?:\s+as\s+(\w+))?\s*$/m.exec(src.replace(/^import pulumi\s*$/m, ""));
  if (!imp) return { module, issues: [{ line: 1, message: `no import of ${module}` }] };
  if (imp[1] !== module) add(imp.index, `imports ${imp[1]}; the generated SDK's module is ${module}`);
  const alias = imp[2] ?? imp[1];

  const prefix = `${schema.name}:index:`;
  const resourceOf = (n: string) => schema.resources[prefix + n];
  const typeOf = (n: string) => schema.types[prefix + n];
  const byPyName = (props: Record<string, SchemaProperty>) => new Map(Object.keys(props).map((k) => [pyName(k), k]));

  const checkKwargs = (
    index: number,
    what: string,
    given: string[],
    props: Record<string, SchemaProperty>,
    required: string[],
    extra: string[],
  ) => {
    const names = byPyName(props);
    for (const g of given)
      if (!names.has(g) && !extra.includes(g))
        add(index, `${what}: no argument "${g}" (its arguments: ${[...names.keys(), ...extra].join(", ")})`);
    for (const r of required)
      if (!given.includes(pyName(r))) add(index, `${what}: required argument "${pyName(r)}" (${r}) missing`);
  };

  // Calls and attribute uses of the module: alias.Resource(…), alias.TypeArgs(…), alias.Enum.MEMBER.
  const varTypes = new Map<string, string>();
  const functionTypes = new Map<string, string>();
  const use = new RegExp(`(?<![\\w.])${alias}\\.(\\w+)(\\.(\\w+)|\\s*\\()?`, "g");
  for (let m = use.exec(src); m; m = use.exec(src)) {
    const [, name, , member] = m;
    const isCall = m[2]?.trimStart().startsWith("(");
    if (resourceOf(name)) {
      if (isCall) {
        const res = resourceOf(name);
        const given = keywordArguments(callArguments(src, m.index + m[0].length - 1));
        checkKwargs(m.index, name, given, res.inputProperties, res.requiredInputs, ["opts"]);
      }
      continue;
    }
    if (name.endsWith("Args") && (typeOf(name.slice(0, -4))?.properties || resourceOf(name.slice(0, -4)))) {
      const base = name.slice(0, -4);
      const t = typeOf(base);
      const props = t?.properties ?? resourceOf(base).inputProperties;
      const required = t ? (t.required ?? []) : resourceOf(base).requiredInputs;
      if (isCall)
        checkKwargs(
          m.index,
          name,
          keywordArguments(callArguments(src, m.index + m[0].length - 1)),
          props,
          required,
          [],
        );
      continue;
    }
    const enumType = typeOf(name);
    if (enumType?.enum && member) {
      const members = enumType.enum.map((e) => pyName(String(e.name)).toUpperCase());
      if (!members.includes(member)) add(m.index, `${name}.${member}: members are ${members.join(", ")}`);
      continue;
    }
    add(m.index, `${alias}.${name}: the SDK has no resource, input type (<Type>Args) or enum of that name`);
  }

  // Variables holding components: `x = alias.R(…)`, and `x = f(…)` for `def f(…) -> alias.R:`.
  for (const m of src.matchAll(new RegExp(`^\\s*def\\s+(\\w+)\\s*\\([^)]*\\)\\s*->\\s*${alias}\\.(\\w+)\\s*:`, "gm")))
    functionTypes.set(m[1], m[2]);
  for (const m of src.matchAll(/^\s*(\w+)\s*=\s*([\w.]+)\s*\(/gm)) {
    const callee = m[2];
    if (callee.startsWith(`${alias}.`) && resourceOf(callee.slice(alias.length + 1)))
      varTypes.set(m[1], callee.slice(alias.length + 1));
    else if (functionTypes.has(callee)) varTypes.set(m[1], functionTypes.get(callee)!);
  }
  // Their outputs: `x.<output>`.
  for (const [v, r] of varTypes) {
    const outputs = byPyName(resourceOf(r).properties);
    for (const m of src.matchAll(new RegExp(`(?<![\\w.])${v}\\.(\\w+)`, "g")))
      if (!outputs.has(m[1]) && m[1] !== "urn")
        add(m.index, `${v}.${m[1]}: ${r} has no output "${m[1]}" (its outputs: ${[...outputs.keys()].join(", ")})`);
  }
  return { module, issues };
}
