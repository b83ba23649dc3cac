/**
 * The plugin's schema, computed the way the nodejs plugin host computes it: @pulumi/pulumi/cmd/run-plugin/run.js
 * derives the provider name and namespace from plugin/package.json's `name`, collects the ComponentResource classes
 * that `require(<plugin dir>)` exports, and serves `ComponentProvider.getSchema()`, which runs the analyzer
 * (provider/experimental/analyzer) over <plugin dir>/tsconfig.json and `generateSchema`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  ComponentProvider,
  ComponentResourceConstructor,
  getPulumiComponents,
} from "@pulumi/pulumi/provider/experimental/provider";
import { COMPONENT_NAMES } from "./expected";

export const ROOT = join(__dirname, "..", "..");
export const PLUGIN_DIR = join(ROOT, "plugin");

export interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  plain?: boolean;
  optional?: boolean;
  description?: string;
}
export interface SchemaResource {
  isComponent: boolean;
  description?: string;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs: string[];
  properties: Record<string, SchemaProperty>;
  required: string[];
}
export interface SchemaType {
  type: string;
  properties?: Record<string, SchemaProperty>;
  required?: string[];
  enum?: { name: string; value: string | number; description?: string }[];
}
export interface PackageSchema {
  name: string;
  namespace?: string;
  version: string;
  description?: string;
  resources: Record<string, SchemaResource>;
  types: Record<string, SchemaType>;
  dependencies: { name: string; version?: string }[];
  [key: string]: unknown;
}

/** Provider name and namespace from a package.json name, exactly as @pulumi/pulumi/cmd/run-plugin/run.js derives them. */
export function providerIdentity(packageName: string): { name: string; namespace?: string } {
  const matches = packageName.match(/(@.*?\/)?(.+)/)!;
  const name = matches[2].replace(/[^-a-zA-Z0-9_]/g, "-");
  const namespace = matches[1] ? matches[1].substring(1, matches[1].length - 1) : undefined;
  return { name, namespace };
}

export function pluginPackageJson(): {
  name: string;
  version: string;
  description?: string;
  main?: string;
  dependencies: Record<string, string>;
} {
  return JSON.parse(readFileSync(join(PLUGIN_DIR, "package.json"), "utf8"));
}

/** Stand-ins carrying only a class name: all getSchema reads of the component classes (schema tests that need no entry). */
function namedStandIns(names: string[]): ComponentResourceConstructor[] {
  return names.map((n) => ({ [n]: class {} })[n] as unknown as ComponentResourceConstructor);
}

export interface LoadedSchema {
  schema: PackageSchema;
  /** The components the plugin host would serve (from the real entry when `loadEntry`). */
  components: ComponentResourceConstructor[];
  /** Milliseconds: loading the entry, and the analyzer + generateSchema. */
  entryMs: number;
  analyzerMs: number;
}

/**
 * Runs `ComponentProvider.getSchema()` over plugin/. With `loadEntry`, the components are what `require(plugin/)`
 * exports (under jest the `globalmesh` imports resolve to sdk/src via moduleNameMapper); without, stand-ins with the
 * six names (the schema does not depend on the classes, only on their names and the sources).
 */
export async function loadPluginSchema(opts: { loadEntry: boolean }): Promise<LoadedSchema> {
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const components = opts.loadEntry ? getPulumiComponents(require(PLUGIN_DIR)) : namedStandIns(COMPONENT_NAMES);
  const t1 = performance.now();
  const pkg = pluginPackageJson();
  const { name, namespace } = providerIdentity(pkg.name);
  const provider = new ComponentProvider({ dirname: PLUGIN_DIR, name, namespace, components });
  const schema = JSON.parse(await provider.getSchema()) as PackageSchema;
  const t2 = performance.now();
  return { schema, components, entryMs: t1 - t0, analyzerMs: t2 - t1 };
}

/** Every `$ref` in a JSON value, with its path. */
export function collectRefs(
  node: unknown,
  path = "",
  out: { path: string; ref: string }[] = [],
): { path: string; ref: string }[] {
  if (Array.isArray(node)) node.forEach((v, i) => collectRefs(v, `${path}[${i}]`, out));
  else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push({ path, ref: v });
      else collectRefs(v, path ? `${path}.${k}` : k, out);
    }
  return out;
}

/** Python package name of a generated SDK: pkg/codegen/python/gen.go `PyPack(namespace, name)` (no languages.python.packageName override). */
export function pyPack(namespace: string | undefined, name: string): string {
  const ns = namespace ? namespace.replace(/-/g, "_") : "pulumi";
  return `${ns}_${name.replace(/-/g, "_")}`;
}
