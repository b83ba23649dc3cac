/**
 * The multi-language plugin (plugin/): its layout as the nodejs plugin host reads it, and the schema it serves —
 * each component's inputs and outputs against tables written from the TypeScript (expected.ts), its references, and
 * Pulumi's package metaschema.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema";
import { COMPONENT_NAMES, COMPONENTS, ENUM_TYPES, OBJECT_TYPES, Prop, requiredOf, token } from "./expected";
import {
  collectRefs,
  LoadedSchema,
  loadPluginSchema,
  PackageSchema,
  pluginPackageJson,
  PLUGIN_DIR,
  providerIdentity,
  ROOT,
  SchemaProperty,
} from "./pluginSchema";
import { checkRefs } from "./refs";

const FIXTURES = join(ROOT, "test", "fixtures", "pulumi-schema");

/** A schema property without its description, for comparison with the tables. */
function shape(p: SchemaProperty): Prop {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === "description") continue;
    out[k] = k === "items" || k === "additionalProperties" ? shape(v as SchemaProperty) : v;
  }
  return out;
}
const shapes = (props: Record<string, SchemaProperty>) =>
  Object.fromEntries(Object.entries(props).map(([k, p]) => [k, shape(p)]));

let loaded: LoadedSchema;
let schema: PackageSchema;

beforeAll(async () => {
  loaded = await loadPluginSchema({ loadEntry: true });
  schema = loaded.schema;
  // The analyzer builds a TypeScript program over plugin/tsconfig.json (sdk sources, @pulumi/aws and azure-native
  // submodules): seconds, so once per file.
  console.log(
    `plugin entry loaded in ${Math.round(loaded.entryMs)} ms; ComponentProvider.getSchema() in ${Math.round(loaded.analyzerMs)} ms`,
  );
}, 120_000);

describe("plugin layout, as @pulumi/pulumi/cmd/run-plugin reads it", () => {
  test("package.json: provider globalmesh (namespace globalmesh), entry index.ts, hard dependencies", () => {
    const pkg = pluginPackageJson();
    expect(providerIdentity(pkg.name)).toEqual({ name: "globalmesh", namespace: "globalmesh" });
    expect(pkg.main).toBe("index.ts");
    for (const dep of [
      "@pulumi/pulumi",
      "@pulumi/kubernetes",
      "@pulumi/tls",
      "@pulumi/aws",
      "@pulumi/azure-native",
      "globalmesh",
      "typescript",
    ])
      expect(Object.keys(pkg.dependencies)).toContain(dep);
    expect(pkg.dependencies.globalmesh).toBe("file:../sdk");
    // The library's own name differs (npm workspaces need distinct names; a package cannot depend on its own name).
    expect(JSON.parse(readFileSync(join(ROOT, "sdk", "package.json"), "utf8")).name).toBe("globalmesh");
    expect(pkg.name).not.toBe("globalmesh");
  });

  test("the root npm workspace includes the plugin, and the lockfile links it", () => {
    const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(root.workspaces).toEqual(expect.arrayContaining(["sdk", "plugin"]));
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
    expect(lock.packages["node_modules/@globalmesh/globalmesh"]).toEqual({ resolved: "plugin", link: true });
    expect(lock.packages.plugin.dependencies).toEqual(pluginPackageJson().dependencies);
  });

  test("the entry exports exactly the six components", () => {
    expect(loaded.components.map((c) => c.name).sort()).toEqual([...COMPONENT_NAMES].sort());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(Object.keys(require(PLUGIN_DIR)).sort()).toEqual([...COMPONENT_NAMES].sort());
  });

  test("PulumiPlugin.yaml: runtime nodejs, only options the nodejs host knows", () => {
    const manifest = parseYaml(readFileSync(join(PLUGIN_DIR, "PulumiPlugin.yaml"), "utf8"));
    // sdk/go/common/workspace PluginProject: runtime, packages, requiredPulumiVersion, template.
    for (const key of Object.keys(manifest))
      expect(["runtime", "packages", "requiredPulumiVersion", "template"]).toContain(key);
    expect(manifest.runtime.name).toBe("nodejs");
    // pulumi-language-nodejs parseOptions.
    for (const key of Object.keys(manifest.runtime.options ?? {}))
      expect(["typescript", "tsconfig", "nodeargs", "packagemanager"]).toContain(key);
    expect(existsSync(join(PLUGIN_DIR, "Pulumi.yaml"))).toBe(false); // a plugin, not a program: never both
  });

  test("tsconfig.json is self-contained and is what the analyzer reads", () => {
    const tsconfig = JSON.parse(readFileSync(join(PLUGIN_DIR, "tsconfig.json"), "utf8"));
    expect(tsconfig.extends).toBeUndefined();
    expect(tsconfig.files).toEqual(["index.ts"]);
  });
});

describe("schema: the six components, exactly", () => {
  test("package: name, namespace, version, description, no dependencies", () => {
    const pkg = pluginPackageJson();
    expect(schema.name).toBe("globalmesh");
    expect(schema.namespace).toBe("globalmesh");
    expect(schema.version).toBe(pkg.version);
    expect(schema.description).toBe(pkg.description);
    expect(Object.keys(schema.resources).sort()).toEqual(COMPONENT_NAMES.map(token).sort());
    // Plain data only: no resource of another package is referenced, so no package dependency.
    expect(schema.dependencies).toEqual([]);
  });

  describe.each(COMPONENT_NAMES)("%s", (name) => {
    const exp = COMPONENTS[name];
    test("inputs: names, types, plain, optional", () => {
      const r = schema.resources[token(name)];
      expect(r.isComponent).toBe(true);
      expect(shapes(r.inputProperties)).toEqual(exp.inputs);
      expect(r.requiredInputs).toEqual(requiredOf(exp.inputs));
    });
    test("outputs: the public fields, nothing else", () => {
      const r = schema.resources[token(name)];
      expect(shapes(r.properties)).toEqual(exp.outputs);
      expect(r.required).toEqual(requiredOf(exp.outputs));
    });
    test("documented: the component and every input and output", () => {
      const r = schema.resources[token(name)];
      expect(r.description).toMatch(/\w/);
      for (const [k, p] of [...Object.entries(r.inputProperties), ...Object.entries(r.properties)])
        expect([k, p.description]).toEqual([k, expect.stringMatching(/\w/)]);
    });
  });

  test("object and enum types: exactly the tables", () => {
    const expectedObjects = OBJECT_TYPES;
    const objects = Object.fromEntries(
      Object.entries(schema.types)
        .filter(([, t]) => !t.enum)
        .map(([tok, t]) => [tok, { properties: shapes(t.properties ?? {}), required: t.required }]),
    );
    expect(objects).toEqual(
      Object.fromEntries(
        Object.entries(expectedObjects).map(([n, t]) => [
          token(n),
          { properties: t.properties, required: requiredOf(t.properties) },
        ]),
      ),
    );
    const enums = Object.fromEntries(Object.entries(schema.types).filter(([, t]) => t.enum));
    expect(enums).toEqual(Object.fromEntries(Object.entries(ENUM_TYPES).map(([n, t]) => [token(n), t])));
  });
});

describe("schema: references", () => {
  test("every $ref is a local type, a pulumi.json type or a registered resource of a listed dependency; no SDK class as a type", () => {
    expect(checkRefs(schema, PLUGIN_DIR)).toEqual([]);
    // What it saw: local types only.
    expect(new Set(collectRefs(schema).map((r) => r.ref.replace(/:index:.*/, ":index:…")))).toEqual(
      new Set(["#/types/globalmesh:index:…", "pulumi.json#/Any"]),
    );
  });

  test("the check rejects a provider reference and a type named after an SDK class, and accepts a resource reference", () => {
    // test/fixtures/pulumi-schema/ref-fixture: a component with a k8s.Provider field, a k8s Namespace field and an
    // args interface named Resource, through the same analyzer.
    const dir = join(FIXTURES, "ref-fixture");
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const r = new Analyzer(dir, "fixture", pkg, new Set(["Fixture"])).analyze();
    const fixture = generateSchema(
      "fixture",
      pkg.version,
      pkg.description,
      r.components,
      r.typeDefinitions,
      r.dependencies,
    ) as unknown as PackageSchema;
    const k8sVersion = JSON.parse(readFileSync(require.resolve("@pulumi/kubernetes/package.json"), "utf8")).version;
    expect(fixture.dependencies).toEqual([{ name: "kubernetes", version: k8sVersion }]);
    const issues = checkRefs(fixture, dir);
    expect(issues).toEqual([
      `resources.fixture:index:Fixture.properties.k8sProvider: /kubernetes/v${k8sVersion}/schema.json#/resources/kubernetes refers to a provider ("kubernetes"), which no schema can reference`,
      "types.fixture:index:Resource: named after the Pulumi SDK's Resource",
    ]);
    // A token the package does not register, and a type of another package.
    fixture.resources["fixture:index:Fixture"].properties.ghost = {
      $ref: `/kubernetes/v${k8sVersion}/schema.json#/resources/kubernetes:core%2Fv1:Ghost`,
    };
    fixture.resources["fixture:index:Fixture"].properties.other = { $ref: "#/types/kubernetes:core/v1:PodSpec" };
    expect(checkRefs(fixture, dir).slice(1, 3)).toEqual([
      `resources.fixture:index:Fixture.properties.ghost: /kubernetes/v${k8sVersion}/schema.json#/resources/kubernetes:core%2Fv1:Ghost: no class of @pulumi/kubernetes registers "kubernetes:core/v1:Ghost"`,
      "resources.fixture:index:Fixture.properties.other: #/types/kubernetes:core/v1:PodSpec is a type of another package (only resources of other packages can be referenced)",
    ]);
  }, 60_000);
});

describe("schema: Pulumi's package metaschema (pkg/codegen/schema/pulumi.json, v3.248.0)", () => {
  const metaschema = JSON.parse(readFileSync(join(FIXTURES, "pulumi.json"), "utf8"));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(metaschema);

  test("the metaschema is JSON Schema draft 2020-12", () => {
    expect(metaschema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  test("the schema validates", () => {
    validate(schema);
    expect(validate.errors ?? []).toEqual([]);
  });

  test("and validation bites: a bad package name and a bad $ref fail", () => {
    const bad = structuredClone(schema);
    bad.name = "1globalmesh";
    bad.resources[token("MeshTrust")].properties.meshId = { $ref: 42 } as unknown as SchemaProperty;
    expect(validate(bad)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toContain("/name");
    expect(paths).toContain("/resources/globalmesh:index:MeshTrust/properties/meshId/$ref");
  });
});
