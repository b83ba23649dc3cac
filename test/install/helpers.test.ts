import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { IssueList, SpecError, SYSTEM_NAMESPACES } from "../../sdk/src/mesh";
import { checkInjectionExclusions } from "../../sdk/src/mesh/injection";
import { certChain } from "../../sdk/src/install/certs";
import { gatewayIdentity, loadBalancerAddress } from "../../sdk/src/install/gateways";
import { planInjection } from "../../sdk/src/install/injectionPlan";
import { deepMerge } from "../../sdk/src/install/merge";
import { baseValues, istiodValues, OWNED_VALUES } from "../../sdk/src/install/values";

describe("deepMerge (chart value overrides)", () => {
  test("objects merge by key, arrays and scalars replace, undefined changes nothing, inputs untouched", () => {
    const base = { a: { b: 1, c: [1, 2], d: { e: "x" } }, f: "keep" };
    const frozen = JSON.stringify(base);
    const merged = deepMerge<any>(base, { a: { c: [9], d: { g: true } }, f: undefined, h: 3 });
    expect(merged).toEqual({ a: { b: 1, c: [9], d: { e: "x", g: true } }, f: "keep", h: 3 });
    expect(JSON.stringify(base)).toBe(frozen);
  });

  test("an Output is a leaf, not an object to merge into", () => {
    const out = pulumi.output("v");
    expect(deepMerge<any>({ a: { b: 1 } }, { a: out }).a).toBe(out);
  });

  test("property: override leaves win, keys only the base has survive, merging twice changes nothing", () => {
    const key = fc.constantFrom("a", "b", "c", "d");
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, fc.integer(), fc.dictionary(key, tie("node"), { maxKeys: 3 })),
    })).node;
    // Leaves are non-object values; an empty object has none (merging it changes nothing).
    const leaves = (v: unknown, path = ""): [string, unknown][] =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.entries(v).flatMap(([k, x]) => leaves(x, `${path}/${k}`))
        : [[path, v]];
    fc.assert(
      fc.property(fc.dictionary(key, tree), fc.dictionary(key, tree), (base, override) => {
        const merged = deepMerge<any>(base, override);
        const got = new Map(leaves(merged));
        for (const [p, v] of leaves(override)) expect(got.get(p)).toEqual(v);
        for (const k of Object.keys(base)) if (!(k in override)) expect(merged[k]).toEqual(base[k]);
        expect(deepMerge<any>(merged, override)).toEqual(merged);
      }),
    );
  });

  test("every value MeshCluster owns in istiod is one it sets (the guard protects real keys)", () => {
    const shape = { chartRevision: "1-30-3", label: "1-30-3", replicas: 2, spreadAcrossZones: true };
    const v = istiodValues(
      { clusterName: "c", network: "n", meshId: "m", trustDomain: "t" },
      shape,
      "hub.example/istio",
    );
    const at = (p: string) => p.split(".").reduce<any>((o, k) => o?.[k], v);
    // revisionTags stays the chart's empty default: MeshCluster writes the tag's webhook itself (injectionTag.ts).
    expect(Object.keys(OWNED_VALUES.istiod).map(at)).toEqual([
      "m",
      "c",
      "n",
      "t",
      "1-30-3",
      undefined,
      "hub.example/istio",
      "true",
    ]);
    expect(Object.keys(OWNED_VALUES.base).map((k) => (baseValues("1-30-3") as any)[k])).toEqual(["1-30-3"]);
  });
});

describe("gateways", () => {
  test("labels follow the release name like the istio/gateway chart; the service account is the cluster's own", () => {
    const place = { cluster: "east", namespace: "istio-gateways", trustDomain: "td.example" };
    expect(gatewayIdentity("istio-egressgateway", place)).toEqual({
      release: "istio-egressgateway",
      selector: { istio: "egressgateway" },
      serviceAccount: "istio-egressgateway-east",
      principal: "td.example/ns/istio-gateways/sa/istio-egressgateway-east",
      serviceHost: "istio-egressgateway.istio-gateways.svc.cluster.local",
    });
    expect(gatewayIdentity("edge", { ...place, namespace: "gw" }).selector).toEqual({ istio: "edge" });
    expect(gatewayIdentity("istio-egressgateway", { ...place, cluster: "west" }).principal).toBe(
      "td.example/ns/istio-gateways/sa/istio-egressgateway-west",
    );
  });

  test("load-balancer address: IP first, else hostname, else a clear error", () => {
    expect(
      loadBalancerAddress({ loadBalancer: { ingress: [{ ip: "198.51.100.7", hostname: "x.example.com" }] } }, "s"),
    ).toBe("198.51.100.7");
    expect(loadBalancerAddress({ loadBalancer: { ingress: [{ hostname: "x.elb.example.com" }] } }, "s")).toBe(
      "x.elb.example.com",
    );
    expect(() => loadBalancerAddress({ loadBalancer: {} }, "istio-gateways/istio-ingressgateway")).toThrow(
      /istio-gateways\/istio-ingressgateway has no load-balancer address.*ingressAddress/,
    );
  });
});

test("cert-chain.pem: intermediate then root, each ending in a newline", () => {
  expect(certChain("INTER", "ROOT\n")).toBe("INTER\nROOT\n");
  expect(certChain("INTER\n", "ROOT")).toBe("INTER\nROOT\n");
});

describe("injection plan", () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
  const names = fc.uniqueArray(fc.oneof(label, fc.constantFrom(...SYSTEM_NAMESPACES)), { maxLength: 8 });

  test("property (all-namespaces mode): system namespaces never labelled, exclusion wins, nothing else dropped", () => {
    fc.assert(
      fc.property(names, names, (namespaces, exclude) => {
        const issues = new IssueList();
        const plan = planInjection(issues, "injection", { allNamespaces: true, namespaces, exclude });
        expect(issues.issues).toEqual([]);
        expect(plan.namespaces.map((n) => n.namespace)).toEqual(
          namespaces.filter((n) => !SYSTEM_NAMESPACES.includes(n)),
        );
        for (const n of plan.namespaces) expect(n.label).toBe(exclude.includes(n.namespace) ? "disabled" : "enabled");
        expect(plan.excluded).toEqual([...exclude].sort());
      }),
    );
  });

  test("listed mode refuses system namespaces by index", () => {
    const issues = new IssueList();
    planInjection(issues, "injection", { namespaces: ["a", "kube-system"], exclude: ["x y"] });
    expect(issues.issues.map((i) => i.path)).toEqual(["injection.exclude[0]", "injection.namespaces[1]"]);
    expect(issues.issues[0].message).toBe(
      `"x y" is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "shop"`,
    );
  });

  test("a namespace is named at the index it was given at, after a name listed twice", () => {
    const issues = new IssueList();
    const plan = planInjection(issues, "injection", { namespaces: ["a", "a", "kube-system", "b"], exclude: ["b"] });
    expect(issues.issues).toEqual([
      {
        path: "injection.namespaces[1]",
        message: '"a" is listed twice (first at injection.namespaces[0]); list each namespace once',
      },
      {
        path: "injection.namespaces[2]",
        message: `"kube-system" is a system namespace, and those (${SYSTEM_NAMESPACES.join(", ")}) never get sidecars; remove it`,
      },
    ]);
    expect(plan.namespaces).toEqual([
      { namespace: "a", label: "enabled" },
      { namespace: "b", label: "disabled" },
    ]);
  });

  test("every field is a literal: an Output is refused on its path", () => {
    const issues = new IssueList();
    planInjection(issues, "injection", {
      namespaces: [pulumi.output("a") as never],
      exclude: pulumi.output(["b"]) as never,
    });
    const deployTime = "known only at deploy time; this field decides which objects exist, so give";
    expect(issues.issues).toEqual([
      { path: "injection.namespaces[0]", message: `is an Output, ${deployTime} a literal string (e.g. "shop")` },
      { path: "injection.exclude", message: `is an Output, ${deployTime} a literal list (e.g. ["shop", "payments"])` },
    ]);
  });

  test("no policy, or an empty one, labels nothing", () => {
    const issues = new IssueList();
    expect(planInjection(issues, "injection", undefined)).toEqual({ namespaces: [], excluded: [] });
    expect(planInjection(issues, "injection", {})).toEqual({ namespaces: [], excluded: [] });
    expect(issues.issues).toEqual([]);
  });
});

describe("checkInjectionExclusions (GlobalNamespace vs the clusters' exclusions)", () => {
  const excluded = new Map([
    ["c1", ["legacy"]],
    ["c2", []],
  ]);
  const services = [{ name: "old", namespace: "legacy", clusters: ["c2"] }];
  const check =
    (members: { cluster: string; namespace: string }[], svc = services) =>
    () =>
      checkInjectionExclusions(members, svc, excluded);

  test("an exact rule on a cluster that excludes the namespace", () => {
    expect(check([{ cluster: "c*", namespace: "legacy" }])).toThrow(SpecError);
    expect(check([{ cluster: "c2", namespace: "legacy" }])).not.toThrow();
  });

  test("a pattern rule only when a service runs in the excluded namespace of that cluster", () => {
    expect(check([{ cluster: "*", namespace: "leg*" }])).not.toThrow();
    expect(
      check([{ cluster: "*", namespace: "leg*" }], [{ name: "old", namespace: "legacy", clusters: ["c1", "c2"] }]),
    ).toThrow(/members\[0\]: maps namespace legacy of cluster c1/);
  });
});
