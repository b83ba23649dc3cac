import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

/**
 * Istio's own CRDs (test/fixtures/istio/1.30.3/crd-v1.yaml, copied from the release's crd-all.gen.yaml) as the API
 * server reads them: the structural `openAPIV3Schema` of version v1 of each kind, run with ajv, and the CEL rules
 * (`x-kubernetes-validations`) listed for test/helpers/istioSchema.ts to check its table against.
 */
export const ISTIO_CRD_VERSION = "1.30.3";
export const CRD_FILE = join(__dirname, "..", "fixtures", "istio", ISTIO_CRD_VERSION, "crd-v1.yaml");

type Schema = Record<string, any>;

interface Crd {
  group: string;
  kind: string;
  /** The v1 version's openAPIV3Schema, as written in the CRD. */
  schema: Schema;
}

/** One CEL rule of a CRD, at a path in istioSchema's notation (`.spec.a[].b{}`). */
export interface CrdCelRule {
  path: string;
  rule: string;
  message: string;
}

let crds: Map<string, Crd> | undefined;

/** The CRDs by `<group>/v1/<kind>`, read once. */
export function istioCrds(): Map<string, Crd> {
  crds ??= new Map(
    parseAllDocuments(readFileSync(CRD_FILE, "utf8")).map((d) => {
      const crd = d.toJS() as Schema;
      const v1 = (crd.spec.versions as Schema[]).find((v) => v.name === "v1");
      if (!v1) throw new Error(`${crd.metadata.name} in ${CRD_FILE} has no version v1`);
      const found: Crd = { group: crd.spec.group, kind: crd.spec.names.kind, schema: v1.schema.openAPIV3Schema };
      return [`${found.group}/v1/${found.kind}`, found];
    }),
  );
  return crds;
}

// ---------------------------------------------------------------------------------------------------------------
// The structural schema

// strictRequired off: Istio's one-of groups list `required` fields their own sub-schema does not declare.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
addFormats(ajv, ["date-time", "byte"]);
// Numeric formats: the API server checks only string formats, so these mark a width and constrain nothing.
for (const format of ["int32", "int64", "uint32", "double", "float"])
  ajv.addFormat(format, { type: "number", validate: () => true });
// Kubernetes keywords: CEL is checked by istioSchema.ts's table, unknown fields and int-or-string by toAjvSchema.
for (const keyword of [
  "x-kubernetes-validations",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-int-or-string",
])
  ajv.addKeyword({ keyword, schemaType: ["array", "boolean"] });
ajv.addKeyword("x-kubernetes-list-type");
// A list-type map's items are unique by their keys: the API server rejects a second item with the same key.
ajv.addKeyword({
  keyword: "x-kubernetes-list-map-keys",
  type: "array",
  schemaType: "array",
  errors: false,
  validate: (keys: string[], items: unknown[]) => {
    const seen = items.map((i) => JSON.stringify(keys.map((k) => (i as Schema)?.[k])));
    return new Set(seen).size === seen.length;
  },
});

/**
 * The CRD schema as JSON Schema for ajv, with what the API server adds: an object with `properties` and no
 * `x-kubernetes-preserve-unknown-fields` holds no other field (the API server's strict field validation, which
 * `kubectl apply` uses by default, rejects it; without it the field is pruned in silence, which is as wrong for a
 * program that meant to set it); descriptions dropped.
 */
function toAjvSchema(s: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "description") continue;
    if (k === "properties")
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, x]) => [p, toAjvSchema(x)]));
    else if (k === "items" || k === "not" || (k === "additionalProperties" && typeof v === "object"))
      out[k] = toAjvSchema(v as Schema);
    else if (k === "oneOf" || k === "anyOf" || k === "allOf") out[k] = (v as Schema[]).map(toAjvSchema);
    else out[k] = v;
  }
  if (out.properties && !s["x-kubernetes-preserve-unknown-fields"] && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

/** Metadata is ObjectMeta, which the CRD leaves out: the fields globalmesh writes, typed. */
const OBJECT_META: Schema = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string" },
    namespace: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
  },
};

const validators = new Map<string, ValidateFunction>();

function validatorFor(key: string): ValidateFunction | undefined {
  const cached = validators.get(key);
  if (cached) return cached;
  const crd = istioCrds().get(key);
  if (!crd) return undefined;
  const top = toAjvSchema(crd.schema);
  top.properties = {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: OBJECT_META,
    ...top.properties,
  };
  top.required = [...new Set(["apiVersion", "kind", "metadata", ...(top.required ?? [])])];
  const validate = ajv.compile(top);
  validators.set(key, validate);
  return validate;
}

/**
 * Structural-schema problems of `obj` against its kind's v1 CRD, each `schema: <path>: <reason>`; undefined when the
 * CRD file has no such kind.
 */
export function crdSchemaProblems(obj: any): string[] | undefined {
  const [group, version] = String(obj?.apiVersion).split("/");
  const validate = validatorFor(`${group}/${version}/${obj?.kind}`);
  if (!validate) return undefined;
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => `schema: ${jsonPath(e.instancePath)}: ${reason(e)}`);
}

/** `/spec/ports/0/number` as `.spec.ports[0].number`. */
function jsonPath(pointer: string): string {
  if (pointer === "") return ".";
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join("");
}

function reason(e: ErrorObject): string {
  const p = e.params as Schema;
  if (e.keyword === "additionalProperties") return `unknown field "${p.additionalProperty}"`;
  if (e.keyword === "enum")
    return `${e.message}: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  if (e.keyword === "x-kubernetes-list-map-keys") return "duplicate entries for the list's map keys";
  return e.message ?? e.keyword;
}

// ---------------------------------------------------------------------------------------------------------------
// CEL rules and maps, for istioSchema.ts's table

/** Per kind, every `x-kubernetes-validations` rule of its v1 schema and the paths that are maps (`{}` steps). */
export function crdCelRules(): Map<string, { rules: CrdCelRule[]; maps: string[] }> {
  const out = new Map<string, { rules: CrdCelRule[]; maps: string[] }>();
  for (const crd of istioCrds().values()) {
    const found = { rules: [] as CrdCelRule[], maps: [] as string[] };
    walk(crd.schema.properties.spec, ".spec", found);
    out.set(crd.kind, found);
  }
  return out;
}

function walk(s: Schema, path: string, found: { rules: CrdCelRule[]; maps: string[] }): void {
  for (const v of s["x-kubernetes-validations"] ?? []) found.rules.push({ path, rule: v.rule, message: v.message });
  for (const [k, x] of Object.entries((s.properties ?? {}) as Schema)) walk(x, `${path}.${k}`, found);
  if (s.items) walk(s.items, `${path}[]`, found);
  if (typeof s.additionalProperties === "object") {
    found.maps.push(path);
    walk(s.additionalProperties, `${path}{}`, found);
  }
  for (const k of ["oneOf", "anyOf", "allOf"]) for (const x of s[k] ?? []) walk(x, path, found);
}
