/**
 * A static check of a Pulumi YAML program against a package schema, for what Pulumi YAML itself would reject or
 * mis-wire: every resource's `type:` is a token of the schema, every property an input of that resource (camelCase, as
 * the schema spells it) or of the object type it holds, required inputs are there, plain inputs are literals (not
 * `${…}` or `fn::…` expressions), literals have the schema's type (and an enum's values), `${resource.output}`
 * references name a declared resource, config or variable and an output the resource has, and `options` are resource
 * options, `dependsOn` naming resources.
 */
import { PackageSchema, SchemaProperty } from "./pluginSchema";

export interface Issue {
  path: string;
  message: string;
}

/** Resource options Pulumi YAML accepts (pulumi-yaml pkg/pulumiyaml/ast ResourceOptionsDecl). */
const RESOURCE_OPTIONS = new Set([
  "additionalSecretOutputs",
  "aliases",
  "customTimeouts",
  "deleteBeforeReplace",
  "deletedWith",
  "dependsOn",
  "hideDiffs",
  "ignoreChanges",
  "import",
  "parent",
  "protect",
  "provider",
  "providers",
  "replaceOnChanges",
  "replaceWith",
  "retainOnDelete",
  "version",
  "pluginDownloadURL",
]);
/** Properties every resource has besides its schema outputs. */
const RESOURCE_BUILTINS = new Set(["urn", "id"]);

type Yaml = unknown;
const isMap = (v: Yaml): v is Record<string, Yaml> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `${…}` interpolations of a string, skipping `$${` escapes. */
function interpolations(s: string): string[] {
  const out: string[] = [];
  const re = /(\$?)\$\{([^}]*)\}/g;
  for (let m = re.exec(s); m; m = re.exec(s)) if (m[1] === "") out.push(m[2]);
  return out;
}

/** Whether a YAML value is an expression (evaluated by Pulumi YAML, possibly to an Output) rather than a literal. */
export function isExpression(v: Yaml): boolean {
  if (typeof v === "string") return interpolations(v).length > 0;
  return isMap(v) && Object.keys(v).length === 1 && Object.keys(v)[0].startsWith("fn::");
}

/** `a.b["c"]…` → root `a` and first accessor `b` (or `c`). */
function parseReference(expr: string): { root: string; property?: string } | undefined {
  const m = /^\s*([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*)|\[\s*"([^"]*)"\s*\])?/.exec(expr);
  return m ? { root: m[1], property: m[2] ?? m[3] } : undefined;
}

/** The closest known name, for "did you mean". */
function closest(name: string, known: string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(
          d[i - 1][j] + 1,
          d[i][j - 1] + 1,
          d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
        );
    return d[a.length][b.length];
  };
  const best = known.map((k) => [k, dist(name, k)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(2, Math.floor(name.length / 3)) ? best[0] : undefined;
}

export function checkYamlProgram(program: Yaml, schema: PackageSchema): Issue[] {
  const issues: Issue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  if (!isMap(program)) return [{ path: "", message: "is not a mapping" }];

  const runtime = isMap(program.runtime) ? program.runtime.name : program.runtime;
  if (runtime !== "yaml") add("runtime", `is ${JSON.stringify(runtime)}, not yaml`);

  const resources = isMap(program.resources) ? program.resources : {};
  const config = isMap(program.config) ? Object.keys(program.config) : [];
  const variables = isMap(program.variables) ? Object.keys(program.variables) : [];
  const typeOf = new Map<string, string>();
  for (const [name, r] of Object.entries(resources))
    if (isMap(r) && typeof r.type === "string") typeOf.set(name, r.type);

  /** Checks the `${…}` references inside any value. */
  const checkReferences = (v: Yaml, path: string): void => {
    if (typeof v === "string") {
      for (const expr of interpolations(v)) {
        const ref = parseReference(expr);
        if (!ref) {
          add(path, `cannot read the expression \${${expr}}`);
          continue;
        }
        if (typeOf.has(ref.root)) {
          const res = schema.resources[typeOf.get(ref.root)!];
          if (!res || ref.property === undefined) continue; // unknown type: reported at its `type:`
          if (!(ref.property in res.properties) && !RESOURCE_BUILTINS.has(ref.property)) {
            const hint = closest(ref.property, Object.keys(res.properties));
            add(
              path,
              `\${${expr}}: ${typeOf.get(ref.root)} has no output "${ref.property}"${hint ? ` (did you mean "${hint}"?)` : ""}`,
            );
          }
        } else if (!config.includes(ref.root) && !variables.includes(ref.root))
          add(path, `\${${expr}}: "${ref.root}" is no resource, config value or variable of the program`);
      }
    } else if (Array.isArray(v)) v.forEach((e, i) => checkReferences(e, `${path}[${i}]`));
    else if (isMap(v)) for (const [k, e] of Object.entries(v)) checkReferences(e, `${path}.${k}`);
  };

  /** Checks an object's keys against schema properties and required ones, then each value. */
  const checkObject = (
    value: Record<string, Yaml>,
    props: Record<string, SchemaProperty>,
    required: string[],
    path: string,
    what: string,
  ) => {
    for (const [k, v] of Object.entries(value)) {
      const spec = props[k];
      if (!spec) {
        const hint = closest(k, Object.keys(props));
        add(`${path}.${k}`, `unknown property of ${what}${hint ? ` (did you mean "${hint}"?)` : ""}`);
        checkReferences(v, `${path}.${k}`);
      } else checkValue(v, spec, `${path}.${k}`);
    }
    for (const r of required) if (!(r in value)) add(`${path}.${r}`, `required by ${what}, missing`);
  };

  const checkValue = (v: Yaml, spec: SchemaProperty, path: string): void => {
    if (isExpression(v)) {
      if (spec.plain) add(path, `is a plain input: give a literal, not the expression ${JSON.stringify(v)}`);
      checkReferences(v, path);
      return;
    }
    if (spec.$ref === "pulumi.json#/Any") return checkReferences(v, path);
    if (spec.$ref) {
      const tok = spec.$ref.replace(/^#\/types\//, "");
      const t = schema.types[tok];
      if (!t) return add(path, `refers to ${spec.$ref}, which the schema does not define`);
      if (t.enum) {
        const values = t.enum.map((e) => e.value);
        if (!values.includes(v as string | number))
          add(path, `${JSON.stringify(v)} is not one of ${tok}: ${values.join(", ")}`);
        return;
      }
      if (!isMap(v)) return add(path, `must be a mapping (${tok})`);
      return checkObject(v, t.properties ?? {}, t.required ?? [], path, tok);
    }
    switch (spec.type) {
      case "array":
        if (!Array.isArray(v)) return add(path, "must be a list");
        return v.forEach((e, i) => checkValue(e, spec.items!, `${path}[${i}]`));
      case "object":
        if (!isMap(v)) return add(path, "must be a mapping");
        for (const [k, e] of Object.entries(v))
          checkValue(e, spec.additionalProperties ?? { $ref: "pulumi.json#/Any" }, `${path}.${k}`);
        return;
      case "string":
      case "number":
      case "boolean":
        if (typeof v !== spec.type) add(path, `must be a ${spec.type}, not ${JSON.stringify(v)}`);
        return;
      default:
        add(path, `has a schema property of unknown shape ${JSON.stringify(spec)}`);
    }
  };

  for (const [name, r] of Object.entries(resources)) {
    const path = `resources.${name}`;
    if (!isMap(r)) {
      add(path, "is not a mapping");
      continue;
    }
    const type = r.type;
    const res = typeof type === "string" ? schema.resources[type] : undefined;
    if (!res) {
      const hint = typeof type === "string" ? closest(type, Object.keys(schema.resources)) : undefined;
      add(`${path}.type`, `unknown resource type ${JSON.stringify(type)}${hint ? ` (did you mean "${hint}"?)` : ""}`);
      checkReferences(r.properties, `${path}.properties`);
    } else {
      const props = isMap(r.properties) ? r.properties : {};
      checkObject(props, res.inputProperties, res.requiredInputs, `${path}.properties`, type as string);
    }
    for (const key of Object.keys(r))
      if (!["type", "properties", "options", "get", "defaultProvider"].includes(key))
        add(`${path}.${key}`, "is not a key of a resource");
    if (r.options !== undefined) {
      if (!isMap(r.options)) add(`${path}.options`, "must be a mapping");
      else
        for (const [k, v] of Object.entries(r.options)) {
          if (!RESOURCE_OPTIONS.has(k)) add(`${path}.options.${k}`, "is not a resource option");
          else if (k === "dependsOn") {
            const list = Array.isArray(v) ? v : [v];
            list.forEach((d, i) => {
              const m = typeof d === "string" ? /^\$\{([A-Za-z_][\w-]*)\}$/.exec(d) : null;
              if (!m || !typeOf.has(m[1]))
                add(`${path}.options.dependsOn[${i}]`, `${JSON.stringify(d)} is not \${<a resource of the program>}`);
            });
          } else checkReferences(v, `${path}.options.${k}`);
        }
    }
  }
  if (program.variables !== undefined) checkReferences(program.variables, "variables");
  if (program.outputs !== undefined) checkReferences(program.outputs, "outputs");
  return issues;
}
