/**
 * The GlobalNamespace component with dependency scoping: `calls`, `sidecarScope` and `extraEgressHosts` given as
 * args reach the core as they are, the Sidecar is registered like the other objects (under its namespace-qualified
 * name), and a bad value is refused in the args' terms before anything is registered.
 */
import { GlobalNamespace, GlobalNamespaceArgs } from "../../sdk/src/gns";
import { compileArgs } from "../../sdk/src/gns/toSpec";
import { SpecError } from "../../sdk/src/mesh";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { installMocks, Recorder } from "../helpers/pulumiHarness";
import { registrationsDuring } from "../install/support";

const ARGS: GlobalNamespaceArgs = {
  globalNamespaceName: "store",
  domain: "store.example.com",
  clusters: ["c1", "c2"].map((c, i) => ({
    clusterName: c,
    kubeconfig: kubeconfigText(c),
    ingress: { address: `203.0.113.${i + 1}` },
  })),
  members: [
    {
      cluster: "c1",
      namespace: "shop",
      sidecarScope: true,
      extraEgressHosts: ["legacy/billing.legacy.svc.cluster.local"],
    },
    { cluster: "c2", namespace: "catalog" },
  ],
  services: [
    { name: "frontend", namespace: "shop", clusters: ["c1"], ports: [{ number: 8080 }], calls: ["catalog"] },
    { name: "catalog", namespace: "catalog", clusters: ["c2"], ports: [{ number: 8082 }], calls: [] },
  ],
};

test("the args reach the core's spec as they are", () => {
  const { spec, build } = compileArgs("store", ARGS);
  expect(spec.members).toEqual(ARGS.members);
  expect(spec.services).toEqual(ARGS.services);
  expect(build.model.clusters.find((c) => c.name === "c1")?.sidecars).toEqual([
    { namespace: "shop", extraEgressHosts: ["legacy/billing.legacy.svc.cluster.local"] },
  ]);
});

describe("registered", () => {
  let rec: Recorder;
  beforeAll(async () => {
    rec = await installMocks({ preview: true });
    new GlobalNamespace("store", ARGS);
    await rec.settled();
  });

  test("the Sidecar, in the scoped namespace, with its egress hosts; c2 holds no client objects for frontend", () => {
    const sidecars = rec.registrations.filter((r) => r.type === "kubernetes:networking.istio.io/v1:Sidecar");
    expect(sidecars.map((r) => r.name)).toEqual(["store-c1-shop/gns.store.scope"]);
    expect(sidecars[0].inputs.spec.egress[0].hosts).toContain("istio-gateways/catalog.store.example.com");
    const c2 = rec.registrations.filter((r) => r.name.startsWith("store-c2-"));
    expect(c2.some((r) => r.name.includes(".frontend"))).toBe(false);
  });
});

test("a call to an unknown service is refused in the args' terms, registering nothing", async () => {
  await installMocks({ preview: true });
  const bad = { ...ARGS, services: [{ ...ARGS.services![0], calls: ["catalgo"] }, ARGS.services![1]] };
  const { count, error } = registrationsDuring(() => new GlobalNamespace("store", bad));
  expect(count).toBe(0);
  expect(error).toBeInstanceOf(SpecError);
  expect((error as SpecError).message).toMatch(
    /services\[0\]\.calls\[0\]: unknown service "catalgo".*did you mean catalog\?/,
  );
});
