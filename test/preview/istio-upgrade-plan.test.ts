import { kubeconfigText } from "../helpers/kubeconfigs";
import { planOf, Plan, Program } from "../helpers/plan";
import type { IstioRelease } from "../../sdk/src";

/**
 * A canary upgrade of Istio 1.29.6 → 1.30.3, one program edit and one `pulumi preview` per step, as
 * docs/operating.md ("Upgrading Istio") describes it: each step's plan creates, updates and deletes only what that
 * step is about. Two MeshClusters and a GlobalNamespace over them, which no step touches.
 */
const CLUSTERS = ["c1", "c2"];
const OLD = { name: "default", version: "1.29.6" };
const NEW = { name: "1-30-3", version: "1.30.3" };

const STEPS: Record<string, IstioRelease> = {
  /** Where a stack is before the upgrade: one control plane, the default revision. */
  before: { version: OLD.version },
  /** 1. The canary control plane beside the old one. */
  canary: { revisions: [OLD, NEW] },
  /** 2. The injection tag moves: new and restarted pods get the new sidecar. */
  tagMoved: { revisions: [OLD, NEW], injectionRevision: NEW.name },
  /** 3. The gateways move, last. */
  gatewaysMoved: { revisions: [OLD, NEW], injectionRevision: NEW.name, gatewayRevision: NEW.name },
  /** 4. The old control plane goes. */
  oldRemoved: { revisions: [NEW] },
};

function mesh(istio: IstioRelease): Program {
  return async () => {
    const lib = await import("../../sdk/src");
    const trust = new lib.MeshTrust("mesh", { clusters: CLUSTERS });
    const meshes = CLUSTERS.map(
      (c) =>
        new lib.MeshCluster(c, {
          cluster: { clusterName: c, kubeconfig: kubeconfigText(c) },
          ca: trust.caFor(c),
          meshId: trust.meshId,
          injection: { namespaces: ["shop"] },
          istio,
        }),
    );
    new lib.GlobalNamespace(
      "shop",
      {
        domain: "shop.example.com",
        clusters: meshes,
        members: [{ cluster: "*", namespace: "shop" }],
        services: [{ name: "cart", namespace: "shop", clusters: ["c1"], ports: [{ number: 8080, name: "http" }] }],
      },
      { dependsOn: meshes },
    );
  };
}

const name = (urn: string) => urn.split("::").pop()!;
const perCluster = (...suffixes: string[]) => CLUSTERS.flatMap((c) => suffixes.map((s) => `${c}-${s}`)).sort();
/** The plan as a reviewer reads it: resource name → what happens (changed input paths, sorted, for an update). */
function summary(plan: Plan) {
  return {
    create: plan.create.map(name).sort(),
    delete: plan.delete.map(name).sort(),
    replace: Object.keys(plan.replace).map(name).sort(),
    update: Object.fromEntries(
      Object.entries(plan.update)
        .map(([urn, paths]) => [name(urn), [...paths].sort()])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    ) as Record<string, string[]>,
  };
}
const only = (update: Record<string, string[]>, suffix: string) =>
  Object.fromEntries(Object.entries(update).filter(([n]) => n.endsWith(suffix)));

describe("canary upgrade, step by step", () => {
  const plans: Record<string, ReturnType<typeof summary>> = {};
  beforeAll(async () => {
    const order = Object.keys(STEPS);
    for (let i = 1; i < order.length; i++)
      plans[order[i]] = summary(await planOf(mesh(STEPS[order[i - 1]]), mesh(STEPS[order[i]])));
  });

  test("1. add the canary: creates istiod-1-30-3 and upgrades the CRDs (base), nothing else", () => {
    const p = plans.canary;
    expect([p.create, p.delete, p.replace]).toEqual([perCluster("istiod-1-30-3"), [], []]);
    expect(p.update).toEqual(Object.fromEntries(perCluster("base").map((n) => [n, ["version"]])));
  });

  test("2. move the tag: one in-place update of the tag's webhook per cluster; no namespace is relabelled", () => {
    const p = plans.tagMoved;
    expect([p.create, p.delete, p.replace]).toEqual([[], [], []]);
    expect(Object.keys(p.update)).toEqual(perCluster("base", "injection-tag", "mesh-identity"));
    expect(only(p.update, "injection-tag")).toEqual(
      Object.fromEntries(
        perCluster("injection-tag").map((n) => [
          n,
          [
            'metadata.labels["istio.io/rev"]',
            "webhooks[0].clientConfig.service.name",
            "webhooks[1].clientConfig.service.name",
          ],
        ]),
      ),
    );
    // The default validating webhook follows the tag; the identity ConfigMap records what new sidecars run.
    expect(only(p.update, "-base")).toEqual(
      Object.fromEntries(perCluster("base").map((n) => [n, ["values.defaultRevision"]])),
    );
    expect(only(p.update, "mesh-identity")).toEqual(
      Object.fromEntries(perCluster("mesh-identity").map((n) => [n, ['data["istio-version"]']])),
    );
  });

  test("3. move the gateways: each gateway release changes chart version and revision, in place", () => {
    const p = plans.gatewaysMoved;
    expect([p.create, p.delete, p.replace]).toEqual([[], [], []]);
    expect(p.update).toEqual(
      Object.fromEntries(
        perCluster("egress-gateway", "ingress-gateway").map((n) => [n, ["values.revision", "version"]]),
      ),
    );
  });

  test("4. remove the old revision: deletes the old istiod release and nothing else changes", () => {
    const p = plans.oldRemoved;
    expect([p.create, p.delete, p.replace, p.update]).toEqual([[], perCluster("istiod"), [], {}]);
  });

  test("no step touches a provider, the trust, the namespaces' labels or a GlobalNamespace object", () => {
    for (const p of Object.values(plans)) {
      const touched = [...p.create, ...p.delete, ...p.replace, ...Object.keys(p.update)];
      expect(
        touched.filter((n) => /-k8s$|^mesh|^shop|injection-shop|cacerts|istio-system|istio-gateways/.test(n)),
      ).toEqual([]);
    }
  });
});

describe("rollback", () => {
  test("before the old revision is removed, moving the tag back is the same one-object update", async () => {
    const p = summary(await planOf(mesh(STEPS.tagMoved), mesh(STEPS.canary)));
    expect([p.create, p.delete, p.replace]).toEqual([[], [], []]);
    expect(Object.keys(p.update)).toEqual(perCluster("base", "injection-tag", "mesh-identity"));
  });

  test("dropping the canary deletes only its istiod, and base (the CRDs) follows the newest listed version back", async () => {
    const p = summary(await planOf(mesh(STEPS.canary), mesh(STEPS.before)));
    expect(p.delete).toEqual(perCluster("istiod-1-30-3"));
    expect(p.create).toEqual([]);
    expect(p.update).toEqual(Object.fromEntries(perCluster("base").map((n) => [n, ["version"]])));
  });
});
