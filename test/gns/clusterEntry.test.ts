import { KubeconfigCluster, MeshCluster, MeshClusterArgs, MeshTrust, SpecError } from "../../sdk/src";
import { installMocks } from "../helpers/pulumiHarness";
import { computedState, registrationsDuring } from "../install/support";

/**
 * MeshCluster's `cluster`, like a GlobalNamespace's cluster entry, is a component as it is (its other outputs pass) or
 * a mapping with a ClusterConnection's fields only: a misspelt field is refused, not silently lost.
 */
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c1, cluster: { server: "https://c1.example.com" } }]
users: [{ name: u1, user: { token: t } }]
contexts: [{ name: c1, context: { cluster: c1, user: u1 } }]
current-context: c1
`;

let trust: MeshTrust;
beforeAll(async () => {
  await installMocks({ preview: false, state: computedState });
  trust = new MeshTrust("entry-trust", { clusters: ["c1"] });
});
const meshArgs = (cluster: unknown) =>
  ({ cluster, ca: trust.caFor("c1"), meshId: trust.meshId }) as unknown as MeshClusterArgs;

test("a misspelt field of a mapping is refused, with the field it meant, and nothing is registered", () => {
  const { count, error } = registrationsDuring(
    () =>
      new MeshCluster(
        "typo",
        meshArgs({ clusterName: "c1", kubeconfig: KUBECONFIG, localty: "us-east-2", netwrk: "n1" }),
      ),
  );
  expect(count).toBe(0);
  expect(error).toBeInstanceOf(SpecError);
  expect((error as SpecError).message).toBe(
    [
      'MeshCluster "typo": invalid arguments (2 problems)',
      '  - cluster.localty: unknown field; did you mean "locality"?',
      '  - cluster.netwrk: unknown field; did you mean "network"?',
    ].join("\n"),
  );
});

test("a component spread keeps its other outputs, but not a misspelt field", () => {
  const cluster = new KubeconfigCluster("c1-spread", { clusterName: "c1", kubeconfig: KUBECONFIG });
  expect(registrationsDuring(() => new MeshCluster("spread", meshArgs({ ...cluster }))).error).toBeUndefined();
  const { count, error } = registrationsDuring(
    () => new MeshCluster("spread-typo", meshArgs({ ...cluster, netwrk: "n1" })),
  );
  expect(count).toBe(0);
  expect((error as SpecError).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
    'cluster.netwrk: unknown field; did you mean "network"?',
  ]);
});

test("a component fits as it is, Pulumi's own fields (urn, …) with it", () => {
  const cluster = new KubeconfigCluster("c1", { kubeconfig: KUBECONFIG });
  const { count, error } = registrationsDuring(() => new MeshCluster("c1-mesh", meshArgs(cluster)));
  expect(error).toBeUndefined();
  expect(count).toBeGreaterThan(0);
});
