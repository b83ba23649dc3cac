#!/usr/bin/env node
// In a checkout (src/ present) run the TypeScript sources through tsx, so the command never runs a stale build;
// an installed package has only dist/.
const path = require("node:path");
const fs = require("node:fs");

const source = path.join(__dirname, "..", "src", "cli", "main.ts");
if (fs.existsSync(source)) {
  require("tsx/cjs");
  require(source).run();
} else {
  require(path.join(__dirname, "..", "dist", "cli", "main.js")).run();
}
