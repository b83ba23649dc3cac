/**
 * Checks a component package schema's references the way Pulumi's schema binder needs them:
 * - `#/types/<pkg>:index:<Name>` names a type the schema defines;
 * - `pulumi.json#/Any|Asset|Archive`;
 * - `/<dep>/v<version>/schema.json#/resources/<token>` names a dependency the schema lists, at that version, and a
 *   resource type the dependency's npm package (`@pulumi/<dep>`) really registers: a class with that `__pulumiType`,
 *   not a provider (`k8s.Provider.__pulumiType` is just `kubernetes`: the binder has no such resource);
 * and no schema type is named after a class of the Pulumi SDK (the analyzer would have walked into an SDK type).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { collectRefs, PackageSchema } from "./pluginSchema";

/** Names of Pulumi SDK classes and types that must never become schema types. */
export const SDK_CLASS_NAMES = [
  "Output",
  "OutputInstance",
  "Input",
  "Inputs",
  "Lifted",
  "Unwrap",
  "Resource",
  "CustomResource",
  "ComponentResource",
  "ProviderResource",
  "Provider",
  "DependencyResource",
  "Stack",
  "Config",
  "ResourceOptions",
  "CustomResourceOptions",
  "ComponentResourceOptions",
  "Promise",
  "Asset",
  "Archive",
  "StringAsset",
  "FileAsset",
  "RemoteAsset",
  "AssetArchive",
  "FileArchive",
  "RemoteArchive",
];

const BUILTIN_REFS = new Set(["pulumi.json#/Any", "pulumi.json#/Asset", "pulumi.json#/Archive"]);
const EXTERNAL_RESOURCE_REF = /^\/([^/]+)\/v([^/]+)\/schema\.json#\/resources\/(.+)$/;

export interface RegisteredClass {
  file: string;
  exportName: string;
  isProvider: boolean;
}

/**
 * The class of an npm package that registers `token` (its static `__pulumiType`), looked up in the files where
 * Pulumi's generated SDKs put it: `<module>.js`, `<module>/*.js`, the package root (provider, `index` module).
 */
export function findRegisteredClass(packageDir: string, token: string): RegisteredClass | undefined {
  const parts = token.split(":");
  const mod = parts.length === 3 ? parts[1] : "";
  const candidates: string[] = [];
  const addDir = (dir: string) => {
    if (existsSync(dir) && statSync(dir).isDirectory())
      for (const f of readdirSync(dir)) if (f.endsWith(".js")) candidates.push(join(dir, f));
  };
  if (mod && mod !== "index") {
    if (existsSync(join(packageDir, `${mod}.js`))) candidates.push(join(packageDir, `${mod}.js`));
    addDir(join(packageDir, mod));
    addDir(join(packageDir, mod.split("/")[0]));
  }
  addDir(packageDir);
  const literal = new RegExp(`__pulumiType\\s*=\\s*["']${token.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}["']`);
  for (const file of new Set(candidates)) {
    if (!literal.test(readFileSync(file, "utf8"))) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(mod))
      if (typeof value === "function" && (value as { __pulumiType?: string }).__pulumiType === token)
        return { file, exportName, isProvider: value.prototype instanceof pulumi.ProviderResource };
  }
  return undefined;
}

/** `@pulumi/<name>`'s directory as seen from `fromDir`. */
export function pulumiPackageDir(name: string, fromDir: string): string | undefined {
  try {
    return dirname(require.resolve(`@pulumi/${name}/package.json`, { paths: [fromDir] }));
  } catch {
    return undefined;
  }
}

/** Problems with the schema's references and type names; empty when all is well. */
export function checkRefs(schema: PackageSchema, fromDir: string): string[] {
  const issues: string[] = [];
  const localPrefix = `#/types/${schema.name}:index:`;
  for (const { path, ref } of collectRefs({ resources: schema.resources, types: schema.types })) {
    if (BUILTIN_REFS.has(ref)) continue;
    if (ref.startsWith("#/types/")) {
      const tok = ref.slice("#/types/".length);
      if (!ref.startsWith(localPrefix))
        issues.push(
          `${path}: ${ref} is a type of another package (only resources of other packages can be referenced)`,
        );
      else if (!schema.types[tok]) issues.push(`${path}: ${ref} names no type of the schema`);
      continue;
    }
    const m = EXTERNAL_RESOURCE_REF.exec(ref);
    if (!m) {
      issues.push(`${path}: ${ref} is neither a local type, a pulumi.json type nor another package's resource`);
      continue;
    }
    const [, dep, version, encoded] = m;
    const tok = decodeURIComponent(encoded);
    const listed = schema.dependencies.find((d) => d.name === dep);
    if (!listed) issues.push(`${path}: ${ref}: package "${dep}" is not in the schema's dependencies`);
    else if (listed.version !== version)
      issues.push(`${path}: ${ref}: dependencies list ${dep} at ${listed.version}, not ${version}`);
    if (tok.split(":").length !== 3 || tok.startsWith("pulumi:providers:")) {
      issues.push(`${path}: ${ref} refers to a provider ("${tok}"), which no schema can reference`);
      continue;
    }
    const dir = pulumiPackageDir(dep, fromDir);
    if (!dir) {
      issues.push(`${path}: ${ref}: @pulumi/${dep} is not installed`);
      continue;
    }
    const pkgVersion = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
    if (pkgVersion !== version) issues.push(`${path}: ${ref}: @pulumi/${dep} installed is ${pkgVersion}`);
    const found = findRegisteredClass(dir, tok);
    if (!found) issues.push(`${path}: ${ref}: no class of @pulumi/${dep} registers "${tok}"`);
    else if (found.isProvider) issues.push(`${path}: ${ref}: "${tok}" is a provider (${found.exportName})`);
  }
  for (const tok of Object.keys(schema.types)) {
    const name = tok.split(":")[2] ?? tok;
    const bare = name.replace(/^(Partial|Required)(?=[A-Z])/, "");
    if (SDK_CLASS_NAMES.includes(bare)) issues.push(`types.${tok}: named after the Pulumi SDK's ${bare}`);
  }
  return issues;
}
