import Ajv2020 from "ajv/dist/2020";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isEgressHost, parseSpecYaml, SPEC_ENUMS, SPEC_OBJECTS, SpecError, validateSpec } from "../../sdk/src/mesh";
import { ROOT } from "../helpers/fixtures";

/**
 * The JSON Schema of the spec (sdk/schema/globalnamespace.schema.json, shipped in the package for editors'
 * `# yaml-language-server: $schema=…`) against the validator: the same objects, the same fields, each field's type,
 * the same enums; the example specs valid under both; specs the validator refuses for their shape refused by both.
 */

const SCHEMA_FILE = join(ROOT, "sdk/schema/globalnamespace.schema.json");
const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
const defs: Record<string, any> = schema.$defs;
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(schema);

/** A spec with every kind of object in it, valid for the validator. */
const FULL = {
  name: "acme",
  domain: "acme.example.com",
  mode: "tunnel",
  ownDomain: false,
  clusters: [
    {
      name: "cluster1",
      ingress: { address: "203.0.113.10", port: 443 },
      locality: "us-west-2",
      network: "n1",
      gateways: {
        namespace: "istio-gateways",
        ingressSelector: { istio: "ingressgateway" },
        egressSelector: { istio: "egressgateway" },
        egressService: "istio-egressgateway.istio-gateways.svc.cluster.local",
        ingressServiceAccount: "istio-ingressgateway-cluster1",
        egressServiceAccount: "istio-egressgateway-cluster1",
        eastWestSelector: { istio: "eastwestgateway" },
        eastWestServiceAccount: "istio-eastwestgateway-cluster1",
      },
      trustDomain: "cluster.local",
      namespaces: ["shop"],
    },
  ],
  members: [
    {
      cluster: "cluster*",
      namespace: "default",
      excludeServices: ["vault"],
      calls: ["catalog"],
      sidecarScope: true,
      extraEgressHosts: ["legacy/billing.legacy.svc.cluster.local"],
    },
  ],
  services: [
    {
      name: "catalog",
      namespace: "default",
      clusters: ["cluster1"],
      ports: [{ number: 8082, targetPort: 8080, name: "web", protocol: "HTTP" }],
      address: "241.0.0.10",
      selector: { app: "catalog" },
      calls: ["users"],
    },
  ],
  mtls: "STRICT",
  defaultDeny: false,
  policies: [
    {
      name: "shop-reads-catalog",
      action: "ALLOW",
      from: [{ namespace: "shop", cluster: "cluster1", serviceAccounts: ["frontend"] }],
      to: [{ service: "catalog", ports: [8082], methods: ["GET"], paths: ["/products*"] }],
    },
  ],
};

/** Where each object kind sits in FULL (a path the validator reports issues under). */
const WHERE: Record<keyof typeof SPEC_OBJECTS, (string | number)[]> = {
  GlobalNamespace: [],
  Cluster: ["clusters", 0],
  Ingress: ["clusters", 0, "ingress"],
  Gateways: ["clusters", 0, "gateways"],
  MemberRule: ["members", 0],
  Service: ["services", 0],
  Port: ["services", 0, "ports", 0],
  AccessPolicy: ["policies", 0],
  PolicySource: ["policies", 0, "from", 0],
  PolicyTarget: ["policies", 0, "to", 0],
};

/** Optional fields another field of the same object needs: `Kind.field` → the field that needs it. */
const NEEDED_BY: Record<string, string> = { "MemberRule.sidecarScope": "extraEgressHosts" };

function issuesOf(spec: unknown): { path: string; message: string }[] {
  try {
    validateSpec(spec);
    return [];
  } catch (e) {
    if (e instanceof SpecError) return e.issues;
    throw e;
  }
}

function pathString(segments: (string | number)[]): string {
  return segments.reduce<string>((p, s) => (typeof s === "number" ? `${p}[${s}]` : p ? `${p}.${s}` : s), "");
}

function withValue(segments: (string | number)[], value: unknown): any {
  const copy = structuredClone(FULL) as any;
  let node = copy;
  for (const s of segments.slice(0, -1)) node = node[s];
  node[segments[segments.length - 1]] = value;
  return copy;
}

/** A value of a different JSON type than the schema's. */
function wrongType(property: any): unknown {
  const type = property.$ref ? defs[property.$ref.split("/").pop()].type : property.type;
  if (type === "string") return 12345;
  if (type === "integer" || type === "number") return "eighty";
  if (type === "boolean") return "yes";
  if (type === "array") return "a-string";
  if (type === "object") return "a-string";
  throw new Error(`no type for ${JSON.stringify(property)}`);
}

test("FULL is valid for the validator and the schema", () => {
  expect(issuesOf(FULL)).toEqual([]);
  expect(validate(FULL)).toBe(true);
});

test("the schema has one definition per object the validator reads, and nothing else", () => {
  expect(Object.keys(defs).sort()).toEqual(Object.keys(SPEC_OBJECTS).sort());
  expect(schema.$ref).toBe("#/$defs/GlobalNamespace");
});

describe.each(Object.entries(SPEC_OBJECTS))("%s", (kind, fields) => {
  const def = defs[kind];

  test("the same fields as the validator; no others allowed", () => {
    expect(Object.keys(def.properties).sort()).toEqual([...fields].sort());
    expect(def.additionalProperties).toBe(false);
    expect(def.type).toBe("object");
  });

  test("every field has a description", () => {
    for (const f of fields) {
      const p = def.properties[f];
      const described = p.description ?? (p.$ref && defs[p.$ref.split("/").pop()].description);
      expect([f, typeof described]).toEqual([f, "string"]);
    }
  });

  test.each([...fields])("%s: a value of another type is refused by both", (field) => {
    const at = [...WHERE[kind as keyof typeof SPEC_OBJECTS], field];
    const spec = withValue(at, wrongType(def.properties[field]));
    expect(validate(spec)).toBe(false);
    const where = pathString(at);
    expect(issuesOf(spec).map((i) => i.path)).toContainEqual(
      expect.stringMatching(new RegExp(`^${where.replace(/[[\].]/g, "\\$&")}`)),
    );
  });

  test("a field the validator does not know is refused by both", () => {
    const spec = withValue([...WHERE[kind as keyof typeof SPEC_OBJECTS], "colour"], "blue");
    expect(validate(spec)).toBe(false);
    expect(issuesOf(spec).length).toBeGreaterThan(0);
  });

  test("required fields: left out, refused by both; optional ones: left out, accepted by both", () => {
    const required: string[] = def.required ?? [];
    for (const field of fields) {
      const spec = withValue([...WHERE[kind as keyof typeof SPEC_OBJECTS], field], undefined);
      // A field another one needs (extraEgressHosts needs sidecarScope: true) is refused alone, accepted with it.
      const needed = NEEDED_BY[`${kind}.${field}`];
      const refusedBySchema = !validate(JSON.parse(JSON.stringify(spec)));
      const refusedByValidator = issuesOf(spec).length > 0;
      expect([field, refusedBySchema]).toEqual([field, required.includes(field) || needed !== undefined]);
      expect([field, refusedByValidator]).toEqual([field, required.includes(field) || needed !== undefined]);
      if (needed === undefined) continue;
      const both = withValue([...WHERE[kind as keyof typeof SPEC_OBJECTS], needed], undefined);
      delete both.members[0][field];
      expect([field, validate(JSON.parse(JSON.stringify(both))), issuesOf(both)]).toEqual([field, true, []]);
    }
  });
});

describe.each(Object.entries(SPEC_ENUMS))("enum %s", (at, values) => {
  const [kind, field] = at.split(".");
  const property = defs[kind].properties[field];
  const schemaEnum: string[] = property.enum ?? property.items.enum;

  test("the schema lists the validator's values", () => {
    expect(schemaEnum).toEqual([...values]);
  });

  test("each value accepted by both, another refused by both", () => {
    const where = [...WHERE[kind as keyof typeof SPEC_OBJECTS], field];
    const as = (v: string) => (property.type === "array" ? [v] : v);
    for (const v of values) {
      const spec = withValue(where, as(v));
      expect([v, issuesOf(spec)]).toEqual([v, []]);
      expect([v, validate(spec)]).toEqual([v, true]);
    }
    const bad = withValue(where, as("NOT-A-VALUE"));
    expect(validate(bad)).toBe(false);
    expect(issuesOf(bad).length).toBeGreaterThan(0);
  });
});

test("a Sidecar egress host: the schema's pattern and the validator agree", () => {
  const pattern = new RegExp(defs.MemberRule.properties.extraEgressHosts.items.pattern);
  const hosts = [
    ["legacy/billing.legacy.svc.cluster.local", true],
    ["*/*.com", true],
    ["*/api.example.com", true],
    ["./*", true],
    ["payments/*", true],
    ["a/*.b.c", true],
    ["legacy/billing", false],
    ["~/a.example.com", false],
    ["a/*-x.example.com", false],
    ["billing.legacy.svc.cluster.local", false],
    ["a/b/c.d", false],
    ["A/b.c", false],
    ["a/*.", false],
  ] as const;
  for (const [host, ok] of hosts) expect([host, pattern.test(host), isEgressHost(host)]).toEqual([host, ok, ok]);
});

/** Every spec under examples/ and the spec-like fixtures the tests use as valid. */
function exampleSpecs(): string[] {
  const dir = join(ROOT, "examples");
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /(^|\/)gns\.ya?ml$/.test(f))
    .map((f) => join("examples", f))
    .concat(["test/fixtures/acme-cluster3.yaml"]);
}

test.each(exampleSpecs())("%s is valid under the schema and the validator", (file) => {
  const value = parseSpecYaml(readFileSync(join(ROOT, file), "utf8"), file).value;
  expect(issuesOf(value)).toEqual([]);
  expect(validate(value) ? [] : validate.errors).toEqual([]);
});

test("test/fixtures/acme-invalid.yaml: refused by both", () => {
  const file = "test/fixtures/acme-invalid.yaml";
  const value = parseSpecYaml(readFileSync(join(ROOT, file), "utf8"), file).value;
  expect(issuesOf(value).length).toBeGreaterThan(0);
  expect(validate(value)).toBe(false);
});

test("the schema ships in the package, and docs/spec.md names it and documents every field", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "sdk/package.json"), "utf8"));
  expect(pkg.files).toContain("schema");
  const doc = readFileSync(join(ROOT, "docs/spec.md"), "utf8");
  expect(doc).toMatch(/yaml-language-server: \$schema=/);
  for (const [kind, fields] of Object.entries(SPEC_OBJECTS))
    for (const f of fields) expect([kind, f, doc.includes(`\`${f}\``)]).toEqual([kind, f, true]);
});
