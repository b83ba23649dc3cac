// @ts-check
// Lint setup: docs/style.md says what is on and why. Formatting is Prettier's job, so no stylistic rules here.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const root = import.meta.dirname;

/** Type-aware rules: each one catches a real bug, not a matter of taste. */
const typeAwareRules = {
  // A Promise nobody awaits loses its rejection (and with it the error that should fail the deployment or the test).
  "@typescript-eslint/no-floating-promises": "error",
  // A Promise where a boolean or a void callback is expected: `if (promise)` is always true, and a rejected async
  // callback (forEach, event handlers) is silently lost.
  "@typescript-eslint/no-misused-promises": "error",
  // `await` on something that is not a Promise, e.g. a pulumi.Output: it does not wait for the value.
  "@typescript-eslint/await-thenable": "error",
  // A template literal may interpolate strings, numbers, booleans - not objects. This is the net for pulumi Outputs
  // the Pulumi plugin below misses: Input<T> (an OutputInstance), `Output<T> | undefined`, and `unknown`/objects
  // that would print "[object Object]".
  "@typescript-eslint/restrict-template-expressions": "error",
  // `x!` / `as T` where TypeScript already knows the type: the assertion only hides later type changes. Auto-fixable.
  "@typescript-eslint/no-unnecessary-type-assertion": "error",
  // Pulumi: an Output in a plain template literal renders as a warning text, not the value; use pulumi.interpolate.
  // (@pulumi/eslint-plugin 0.3.1 has no `configs`, so its "recommended" set is these two rules, enabled by hand.)
  "@pulumi/no-output-in-template-literal": "error",
  "@pulumi/no-output-instance-in-template-literal": "error",
};

export default defineConfig(
  // Fixtures are inputs kept as the tests expect them: the schema analyzer's reference program, Pulumi programs that
  // fail on purpose (test/engine/fixtures/broken, .../type-error), each with its own tsconfig.
  globalIgnores([
    "**/node_modules/",
    "**/dist/",
    "**/out/",
    "plugin/node_modules/",
    "coverage/",
    "test/fixtures/",
    "test/**/fixtures/",
  ]),
  // An `eslint-disable` comment that no longer suppresses anything is an error (and `--fix` removes it).
  { linterOptions: { reportUnusedDisableDirectives: "error" } },

  // Every JavaScript/TypeScript file: ESLint's recommended rules.
  js.configs.recommended,

  // Plain JavaScript (jest.config.js, sdk/bin/globalmesh.js): CommonJS on Node.
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },

  // TypeScript: typescript-eslint's recommended set (syntax only, no type information needed) ...
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommended],
    plugins: { "@pulumi": pulumi },
    rules: {
      // No `!` to silence a possibly-undefined value: narrow it (if/throw, ?? default) so TypeScript checks it.
      "@typescript-eslint/no-non-null-assertion": "error",
      // `_`-prefixed parameters and variables are deliberately unused (tsc's noUnusedParameters agrees).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
  // ... plus the type-aware rules above, with the same tsconfig files `npm run typecheck` uses:
  // the library with its own (module node16, no jest types), everything else with tsconfig.test.json.
  // plugin/index.ts only re-exports the components: it gets the syntax-only rules, not a third TypeScript program.
  {
    files: ["sdk/src/**/*.ts"],
    languageOptions: { parserOptions: { project: ["./sdk/tsconfig.json"], tsconfigRootDir: root } },
    rules: typeAwareRules,
  },
  {
    files: ["bench/**/*.ts"],
    languageOptions: { parserOptions: { project: ["./bench/tsconfig.json"], tsconfigRootDir: root } },
    rules: typeAwareRules,
  },
  {
    files: ["index.ts", "test/**/*.ts", "examples/**/*.ts", "e2e/**/*.ts"],
    languageOptions: { parserOptions: { project: ["./tsconfig.test.json"], tsconfigRootDir: root } },
    rules: typeAwareRules,
  },

  // Tests poke at untyped YAML, gRPC payloads and mocks, and a `find(...)!` that is wrong fails the test anyway:
  // `any` and `!` are allowed there. Everything else above still applies.
  {
    files: ["test/**/*.ts", "e2e/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
