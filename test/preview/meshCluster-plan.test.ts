import { kubeconfigText } from "../helpers/kubeconfigs";
import { planOf, Plan, Program } from "../helpers/plan";

/**
 * The plan `pulumi preview` shows for changes to the onboarding itself: a mesh of two MeshClusters (one MeshTrust)
 * and a GlobalNamespace over them that waits for them.
 */
interface Onboarding {
  istioVersion?: string;
  /** Kubeconfig per cluster. Default `kubeconfigText(<cluster>)`. */
  kubeconfigs?: Record<string, string>;
}

const CLUSTERS = ["c1", "c2"];

function onboarding({ istioVersion, kubeconfigs = {} }: Onboarding): Program {
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
        }),
    );
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

describe("an Istio version change (istio.version 1.29.2 → 1.28.3)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planOf(onboarding({}), onboarding({ istioVersion: "1.28.3" }));
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
