const Ajv2020 = require("ajv/dist/2020").default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const v = ajv.compile(require("/work/main/test/fixtures/pulumi-schema/pulumi.json"));
const s = require(process.argv[2]);
console.log(v(s), JSON.stringify(v.errors, null, 1)?.slice(0, 3000));
