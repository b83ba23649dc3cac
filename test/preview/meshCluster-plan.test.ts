import { kubeconfigText } from "../helpers/kubeconfigs";
import { planOf, Plan, Program } from "../helpers/plan";

/**
 * The plan `pulumi preview` shows for changes to the onboarding itself: a mesh of two MeshClusters (one MeshTrust)
 * and a GlobalNamespace over them that waits for them.
 */
interface Onboarding {
  istioVersion?: string;
  /** Install c2's east-west gateway. */
  eastWest?: boolean;
  /**
   * Add the GlobalNamespace over the clusters. Default true. (A cluster with an east-west gateway joins one once issue
   * 10's GatewaysSpec takes the east-west fields of `gateways`.)
   */
  globalNamespace?: boolean;
  /** Kubeconfig per cluster. Default `kubeconfigText(<cluster>)`. */
  kubeconfigs?: Record<string, string>;
}

const CLUSTERS = ["c1", "c2"];

function onboarding({ istioVersion, eastWest, globalNamespace = true, kubeconfigs = {} }: Onboarding): Program {
  return async () => {
    const lib = await import("../../sdk/src");
    const trust = new lib.MeshTrust("mesh", { clusters: CLUSTERS });
    const meshes = CLUSTERS.map(
      (c) =>
        new lib.MeshCluster(c, {
          cluster: { clusterName: c, kubeconfig: kubeconfigs[c] ?? kubeconfigText(c) },
          ca: trust.caFor(c),
          meshId: trust.meshId,
          trustDomain: trust.trustDomain,
          injection: { namespaces: ["shop"] },
          ...(istioVersion && { istio: { version: istioVersion } }),
          ...(eastWest && c === "c2" && { eastWest }),
        }),
    );
    if (!globalNamespace) return;
    new lib.GlobalNamespace(
      "shop",
      {
        domain: "shop.example.com",
        clusters: meshes,
        members: [{ cluster: "*", namespace: "shop" }],
        services: [
          { name: "cart", namespace: "shop", clusters: ["c1"], ports: [{ number: 8080, name: "http" }] },
          { name: "catalog", namespace: "shop", clusters: ["c2"], ports: [{ number: 8082, name: "http" }] },
        ],
      },
      { dependsOn: meshes },
    );
  };
}

const name = (urn: string) => urn.split("::").pop()!;
const type = (urn: string) => urn.split("::")[2].split("$").pop()!;
const touched = (plan: Plan) => [
  ...plan.create,
  ...plan.delete,
  ...Object.keys(plan.update),
  ...Object.keys(plan.replace),
];

describe("an in-place patch upgrade (istio.version 1.30.3, the default, → 1.30.4)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planOf(onboarding({}), onboarding({ istioVersion: "1.30.4" }));
  });

  test("replaces no provider and no mesh object; creates and deletes nothing", () => {
    expect(plan.create).toEqual([]);
    expect(plan.delete).toEqual([]);
    const replaced = Object.keys(plan.replace);
    expect(replaced.filter((u) => type(u) === "pulumi:providers:kubernetes")).toEqual([]);
    expect(replaced.filter((u) => type(u).startsWith("kubernetes:networking.istio.io/"))).toEqual([]);
    expect(replaced).toEqual([]);
  });

  test("touches neither a provider nor a GlobalNamespace object at all", () => {
    expect(
      touched(plan).filter(
        (u) => type(u) === "pulumi:providers:kubernetes" || u.includes("globalmesh:index:GlobalNamespace$"),
      ),
    ).toEqual([]);
  });

  test("updates each cluster's four Helm releases in place (their chart version only) and the recorded Istio version", () => {
    const releases = CLUSTERS.flatMap((c) =>
      ["base", "istiod", "ingress-gateway", "egress-gateway"].map((s) => `${c}-${s}`),
    );
    expect(Object.keys(plan.update).map(name).sort()).toEqual(
      [...releases, ...CLUSTERS.map((c) => `${c}-mesh-identity`)].sort(),
    );
    for (const [urn, paths] of Object.entries(plan.update)) {
      // (The helper does not model the Kubernetes provider's ConfigMap immutability: the real provider replaces a
      // ConfigMap whose data changes, which mesh-identity allows with deleteBeforeReplace.)
      expect({ name: name(urn), paths }).toEqual({
        name: name(urn),
        paths: name(urn).endsWith("-mesh-identity") ? ['data["istio-version"]'] : ["version"],
      });
    }
  });
});

describe("pointing c2 at another kubeconfig (the cluster was rebuilt)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planOf(onboarding({}), onboarding({ kubeconfigs: { c2: kubeconfigText("rebuilt-c2") } }));
  });

  test("replaces c2's providers and everything written through them, and nothing of c1", () => {
    expect([plan.create, plan.delete, plan.update]).toEqual([[], [], {}]);
    const replaced = Object.keys(plan.replace);
    // MeshCluster c2's own provider and the GlobalNamespace's provider for c2: both built from the kubeconfig.
    expect(
      replaced
        .filter((u) => type(u) === "pulumi:providers:kubernetes")
        .map(name)
        .sort(),
    ).toEqual(["c2-k8s", "shop-c2"]);
    const k8sOnC2 = replaced.filter((u) => type(u) !== "pulumi:providers:kubernetes");
    expect(k8sOnC2.length).toBeGreaterThan(10);
    for (const u of k8sOnC2)
      expect({ name: name(u), why: plan.replace[u] }).toEqual({
        name: expect.stringMatching(/^(c2-|shop-c2-)/),
        why: "its provider is replaced",
      });
    // Every Kubernetes child of MeshCluster c2 is among them: all go through its one provider.
    expect(
      k8sOnC2
        .filter((u) => u.includes("globalmesh:index:MeshCluster$"))
        .map(name)
        .sort(),
    ).toEqual(
      expect.arrayContaining([
        "c2-istio-system",
        "c2-cacerts",
        "c2-base",
        "c2-istiod",
        "c2-ingress-gateway",
        "c2-egress-gateway",
        "c2-mesh-identity",
        "c2-injection-shop",
      ]),
    );
    expect(
      touched(plan).filter(
        (u) => name(u).startsWith("c1-") || name(u).startsWith("shop-c1") || name(u).startsWith("mesh-"),
      ),
    ).toEqual([]);
  });
});

describe("installing c2's east-west gateway (eastWest: true)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planOf(onboarding({ globalNamespace: false }), onboarding({ globalNamespace: false, eastWest: true }));
  });

  test("adds the gateway's release and nothing else but the recorded identity; replaces and deletes nothing", () => {
    // The Service read that gives its address is skipped in a preview until the release exists.
    expect(plan.create.map(name)).toEqual(["c2-eastwest-gateway"]);
    expect([plan.delete, plan.replace]).toEqual([[], {}]);
    expect(Object.fromEntries(Object.entries(plan.update).map(([u, p]) => [name(u), p]))).toEqual({
      "c2-mesh-identity": ['data["east-west-gateway"]'],
    });
  });
});
