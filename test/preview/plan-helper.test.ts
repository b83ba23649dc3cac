import { kubeconfigText } from "../helpers/kubeconfigs";
import { diffRegistrations, planOf } from "../helpers/plan";
import { Registration } from "../helpers/pulumiHarness";
import { acmeDef, acmeObjects } from "./acme";
import { meshProgram } from "./program";
import { providerUrn, sorted } from "./urns";

/** The plan helper's emulation of the engine and the Kubernetes provider, rule by rule. */

const P = "urn:pulumi:s::p::pulumi:providers:kubernetes::k1";
const SE = "kubernetes:networking.istio.io/v1:ServiceEntry";

function reg(urn: string, type: string, inputs: Record<string, any>, provider = ""): Registration {
  const name = urn.split("::").pop()!;
  return {
    type,
    name,
    urn,
    inputs,
    rawInputs: inputs,
    custom: true,
    parent: "",
    provider,
    dependencies: [],
    deleteBeforeReplace: true,
    aliases: [],
  };
}
const provider = (kubeconfig: string, urn = P) => reg(urn, "pulumi:providers:kubernetes", { kubeconfig });
const entry = (name: string, spec: object, via = P, urn = `urn:pulumi:s::p::${SE}::${name}`) =>
  reg(
    urn,
    SE,
    { apiVersion: "networking.istio.io/v1", kind: "ServiceEntry", metadata: { name, namespace: "istio-system" }, spec },
    `${via}::id`,
  );
const state = (...rs: Registration[]) => new Map(rs.map((r) => [r.urn, r]));

test("different inputs under the same URN: an update listing the changed leaves", () => {
  const plan = diffRegistrations(
    state(provider("a"), entry("x", { hosts: ["h"], ports: [1] })),
    state(provider("a"), entry("x", { hosts: ["h"], ports: [2, 3] })),
  );
  expect(plan).toEqual({
    create: [],
    delete: [],
    update: { [`urn:pulumi:s::p::${SE}::x`]: ["spec.ports[0]", "spec.ports[1]"] },
    replace: {},
  });
});

test("metadata.name or metadata.namespace changed: replace", () => {
  const before = entry("x", {});
  const renamed = structuredClone(before);
  renamed.inputs.metadata.namespace = "other";
  expect(diffRegistrations(state(provider("a"), before), state(provider("a"), renamed)).replace).toEqual({
    [before.urn]: "metadata.namespace changed",
  });
});

test("a kubeconfig change replaces the provider and, through it, everything it manages", () => {
  const plan = diffRegistrations(state(entry("x", {}), provider("a")), state(entry("x", {}), provider("b")));
  expect(plan.replace).toEqual({
    [P]: "kubeconfig changed",
    [`urn:pulumi:s::p::${SE}::x`]: "its provider is replaced",
  });
  expect(plan.update).toEqual({});
});

test("moving to another provider replaces; a new type token is a delete and a create", () => {
  const P2 = P.replace("k1", "k2");
  const moved = diffRegistrations(
    state(provider("a"), provider("b", P2), entry("x", {})),
    state(provider("a"), provider("b", P2), entry("x", {}, P2)),
  );
  expect(Object.keys(moved.replace)).toEqual([`urn:pulumi:s::p::${SE}::x`]);
  const v1 = entry("x", {});
  const v2 = entry("x", {}, P, `urn:pulumi:s::p::kubernetes:networking.istio.io/v1beta1:ServiceEntry::x`);
  const retyped = diffRegistrations(state(provider("a"), v1), state(provider("a"), v2));
  expect(retyped).toEqual({ create: [v2.urn], delete: [v1.urn], update: {}, replace: {} });
});

test("on a real program: pointing cluster2 at another kubeconfig replaces its provider and all its objects, nothing else", async () => {
  const after = acmeDef();
  after.clusters.find((c) => c.name === "cluster2")!.kubeconfig = kubeconfigText("rebuilt-cluster2");
  const plan = await planOf(meshProgram(acmeDef()), meshProgram(after));
  const cluster2 = acmeObjects(["cluster2"]);
  expect(plan).toEqual({ create: [], delete: [], update: {}, replace: expect.any(Object) });
  expect(sorted(Object.keys(plan.replace))).toEqual(sorted([providerUrn("cluster2"), ...cluster2]));
});
