// Preloaded with `node --require`: makes the given packages unresolvable, as on a machine where npm skipped the
// optional peers. BLOCKED_PACKAGES is a comma-separated list of package names.
const Module = require("node:module");
const blocked = (process.env.BLOCKED_PACKAGES ?? "").split(",").filter(Boolean);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (blocked.some((pkg) => request === pkg || request.startsWith(`${pkg}/`))) {
    const error = new Error(`Cannot find module '${request}' (blocked by test/package/block-cloud-sdks.js)`);
    error.code = "MODULE_NOT_FOUND";
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
