import { buildMesh } from "/work/main/sdk/src/mesh";
import { MeshSimulator, simMeshFromModel } from "/work/main/test/helpers/sim";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
const spec = parse(readFileSync("/tmp/adv/widen.yaml", "utf8"));
const b = buildMesh(spec);
const sim = new MeshSimulator(simMeshFromModel(b.model, b.compiled.objects, { serviceAccounts: { "api/catalog": "catalog" } }));
const r = sim.call({ cluster: "c1", namespace: "web", serviceAccount: "default" }, "catalog.shop.internal", 8080, { method: "POST", path: "/admin" });
console.log("web POST /admin:", r.ok ? "REACHED " + JSON.stringify(r.reached) : "refused " + r.reason);
