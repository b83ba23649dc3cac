const { Analyzer } = require("@pulumi/pulumi/provider/experimental/analyzer");
const { generateSchema } = require("@pulumi/pulumi/provider/experimental/schema");
const dir = "/work/main/test/fixtures/pulumi-schema/ref-fixture";
const t0 = Date.now();
const r = new Analyzer(dir, "fixture", require(dir + "/package.json"), new Set(["Fixture"])).analyze();
console.log(Date.now() - t0, JSON.stringify(generateSchema("fixture", "0.0.1", "", r.components, r.typeDefinitions, r.dependencies), null, 1));
