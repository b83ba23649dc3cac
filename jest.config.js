/** Jest runs TypeScript transpile-only through SWC; `npm run typecheck` does the type-checking. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
  },
  // @kubernetes-models/* ship ESM only: let SWC turn them into CommonJS like our own code.
  // Their package.json "exports" offer only the "import" condition, so map the paths here.
  transformIgnorePatterns: [
    "/node_modules/(?!(@kubernetes-models|@hpcc-js|is-cidr|cidr-regex|ip-regex|re2-wasm|ajv-formats-draft2019)/)",
  ],
  moduleNameMapper: {
    "^globalmesh$": "<rootDir>/sdk/src/index.ts",
    "^globalmesh/(eks|aks|core)$": "<rootDir>/sdk/src/$1.ts",
    "^@kubernetes-models/(base|validate)$": "<rootDir>/node_modules/@kubernetes-models/$1/dist/index.js",
    "^@kubernetes-models/validate/runtime/(.*)$":
      "<rootDir>/node_modules/@kubernetes-models/validate/dist/runtime/$1.js",
    "^@kubernetes-models/(apimachinery|istio)/(.*)$": "<rootDir>/node_modules/@kubernetes-models/$1/$2.js",
  },
  testTimeout: 30000,
  // Two workers even on two cores: most suites wait on child processes (the CLI, Pulumi's runner, the plugin host),
  // so the default (cores - 1, i.e. one) leaves a core idle.
  maxWorkers: 2,
};
