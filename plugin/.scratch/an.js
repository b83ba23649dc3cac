const { Analyzer } = require("@pulumi/pulumi/provider/experimental/analyzer");
const { generateSchema } = require("@pulumi/pulumi/provider/experimental/schema");
const dir = process.argv[2];
const pj = require(dir + "/package.json");
const t0 = Date.now();
try {
const a = new Analyzer(dir, "globalmesh", pj, new Set((process.argv[4]||"EksCluster,AksCluster,KubeconfigCluster,MeshTrust,MeshCluster,GlobalNamespace").split(",")));
const t1 = Date.now();
const r = a.analyze();
const t2 = Date.now();
console.error("program", t1 - t0, "analyze", t2 - t1);
const s = generateSchema("globalmesh", pj.version, pj.description, r.components, r.typeDefinitions, r.dependencies, "globalmesh");
require("fs").writeFileSync(process.argv[3], JSON.stringify(s, null, 2));
} catch (e) { console.error("ERR after", Date.now()-t0, e.message); }
