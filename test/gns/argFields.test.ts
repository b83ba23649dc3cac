import * as pulumi from "@pulumi/pulumi";
import { installMocks, Recorder } from "../helpers/pulumiHarness";

/**
 * A misspelt top-level field of any component's args — possible from a non-literal object TypeScript does not check,
 * or from another language — is refused with a "did you mean", before anything is registered, instead of ignored.
 */
let rec: Recorder;
let lib: typeof import("../../sdk/src");
let eks: typeof import("../../sdk/src/eks");
let aks: typeof import("../../sdk/src/aks");

beforeAll(async () => {
  rec = await installMocks({ preview: true });
  lib = await import("../../sdk/src");
  eks = await import("../../sdk/src/eks");
  aks = await import("../../sdk/src/aks");
});

/** The args as a non-literal object: what TypeScript's excess-property check does not see. */
const loose = <T>(args: Record<string, unknown>): T => args as T;

const cases: [string, () => pulumi.ComponentResource, string][] = [
  [
    "GlobalNamespace",
    () => new lib.GlobalNamespace("gns", loose({ domain: "acme.example.com", clusters: [], members: [], servics: [] })),
    'servics: unknown field; did you mean "services"?',
  ],
  [
    "MeshTrust",
    () => new lib.MeshTrust("trust", loose({ clusters: ["c1"], meshID: "mesh1" })),
    'meshID: unknown field; did you mean "meshId"?',
  ],
  [
    "MeshCluster",
    () => new lib.MeshCluster("c1", loose({ meshId: "mesh1", injecton: { namespaces: ["default"] } })),
    'injecton: unknown field; did you mean "injection"?',
  ],
  [
    "KubeconfigCluster",
    () => new lib.KubeconfigCluster("c1", loose({ kubeconfig: "~/.kube/config", contxt: "kind-a" })),
    'contxt: unknown field; did you mean "context"?',
  ],
  [
    "EksCluster",
    () => new eks.EksCluster("c1", loose({ region: "us-west-2", instanceTyp: "m5.large" })),
    'instanceTyp: unknown field; did you mean "instanceType"?',
  ],
  [
    "AksCluster",
    () => new aks.AksCluster("c1", loose({ location: "westeurope", nodecount: 3 })),
    'nodecount: unknown field; did you mean "nodeCount"?',
  ],
];

test.each(cases)("%s refuses a misspelt field, naming the right one, and registers nothing", (_, make, line) => {
  const before = rec.registrations.length;
  expect(make).toThrow(lib.SpecError);
  try {
    make();
  } catch (e) {
    expect((e as Error).message.split("\n")).toContain(`  - ${line}`);
  }
  expect(rec.registrations.length).toBe(before);
});
