import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { IssueList } from "../../sdk/src/mesh";
import { compareVersions, planRevisions, RevisionArgs } from "../../sdk/src/install/revisions";
import { installMocks, Recorder } from "../helpers/pulumiHarness";
import { computedState, connection, deps, registrationsDuring } from "./support";
import type { MeshClusterArgs, SpecError as SpecErrorT } from "../../sdk/src";

/**
 * Control-plane revisions are plain args, checked before anything is registered: a canary upgrade lists the old and
 * the new revision; a skipped minor, a downgrade, a malformed version or a repeated name is refused, naming the field
 * and the fix.
 */
const plan = (a: RevisionArgs) => {
  const issues = new IssueList();
  const p = planRevisions(issues, a);
  return { plan: p, lines: issues.issues.map((i) => `${i.path}: ${i.message}`) };
};
const rev = (name: string, version: string) => ({ name, version });

describe("what gets installed", () => {
  test("no istio args: one default revision at the default version; tag, gateways and base on it", () => {
    const { plan: p, lines } = plan({});
    expect(lines).toEqual([]);
    expect(p.revisions).toEqual([
      { name: "default", version: "1.30.3", chartRevision: "", release: "istiod", label: "default" },
    ]);
    expect([p.injection.name, p.gateways.name, p.baseVersion]).toEqual(["default", "default", "1.30.3"]);
  });

  test("`version` alone is the default revision at that version (what stacks made before revisions had)", () => {
    const { plan: p } = plan({ version: "1.29.6" });
    expect(p.revisions).toEqual([
      { name: "default", version: "1.29.6", chartRevision: "", release: "istiod", label: "default" },
    ]);
  });

  test("a canary: the first listed keeps the tag and the gateways until moved; base follows the newest", () => {
    const revisions = [rev("default", "1.29.6"), rev("1-30-3", "1.30.3")];
    const { plan: p, lines } = plan({ revisions });
    expect(lines).toEqual([]);
    expect(p.revisions.map((r) => [r.name, r.chartRevision, r.release, r.label])).toEqual([
      ["default", "", "istiod", "default"],
      ["1-30-3", "1-30-3", "istiod-1-30-3", "1-30-3"],
    ]);
    expect([p.injection.name, p.gateways.name, p.baseVersion]).toEqual(["default", "default", "1.30.3"]);
    const moved = plan({ revisions, injectionRevision: "1-30-3" }).plan;
    expect([moved.injection.name, moved.gateways.name]).toEqual(["1-30-3", "default"]);
    const done = plan({ revisions, injectionRevision: "1-30-3", gatewayRevision: "1-30-3" }).plan;
    expect([done.injection.name, done.gateways.name]).toEqual(["1-30-3", "1-30-3"]);
  });

  test("patch canaries within a minor, and a chain of one-minor steps, are accepted", () => {
    expect(plan({ revisions: [rev("a", "1.30.1"), rev("b", "1.30.3")] }).lines).toEqual([]);
    expect(plan({ revisions: [rev("a", "1.29.6"), rev("b", "1.30.0"), rev("c", "1.30.3")] }).lines).toEqual([]);
  });

  test("a name that spells its version's minor, at any patch, and names that spell none, are accepted", () => {
    const names = [rev("1-29", "1.29.6"), rev("v1-30-1", "1.30.3"), rev("canary-1-30", "1.30.4")];
    expect(plan({ revisions: names }).lines).toEqual([]);
    expect(plan({ revisions: [rev("default", "1.29.6"), rev("canary", "1.30.3")] }).lines).toEqual([]);
  });

  test("the longest name Helm takes: istiod-<46 characters> is a 53-character release", () => {
    const { plan: p, lines } = plan({ revisions: [rev("r".repeat(46), "1.30.3")] });
    expect(lines).toEqual([]);
    expect(p.revisions[0].release).toHaveLength(53);
  });
});

describe("refused, naming the field and the fix", () => {
  test.each<[string, RevisionArgs, string[]]>([
    [
      "a skipped minor",
      { revisions: [rev("default", "1.28.5"), rev("1-30-3", "1.30.3")] },
      [
        `istio.revisions[1].version: "1.30.3" skips 1.29 after istio.revisions[0]'s "1.28.5"; Istio upgrades one minor at a time: add a 1.29 revision, move to it and remove "default", then add "1.30.3"`,
      ],
    ],
    [
      "a new major",
      { revisions: [rev("a", "1.30.3"), rev("b", "2.0.0")] },
      [
        `istio.revisions[1].version: "2.0.0" changes the major version after istio.revisions[0]'s "1.30.3"; MeshCluster upgrades within a major, one minor at a time: follow Istio's upgrade notes for the new major by hand`,
      ],
    ],
    [
      "a downgrade",
      { revisions: [rev("a", "1.30.3"), rev("b", "1.29.6")] },
      [
        `istio.revisions[1].version: "1.29.6" is older than istio.revisions[0]'s "1.30.3"; list revisions oldest first (to roll back, point injectionRevision and gatewayRevision at the older revision and then remove the newer one)`,
      ],
    ],
    [
      "the same version twice",
      { revisions: [rev("a", "1.30.3"), rev("b", "1.30.3")] },
      [
        `istio.revisions[1].version: "1.30.3" is the same release as istio.revisions[0]; a canary needs a newer version, so remove one of them`,
      ],
    ],
    [
      "malformed versions",
      { revisions: [rev("a", "v1.30.3"), rev("b", "1.31")] },
      [
        `istio.revisions[0].version: "v1.30.3" is not an Istio release; use major.minor.patch without a "v", e.g. "1.30.3"`,
        `istio.revisions[1].version: "1.31" is not an Istio release; use major.minor.patch without a "v", e.g. "1.30.3"`,
      ],
    ],
    [
      "a name listed twice",
      { revisions: [rev("canary", "1.29.6"), rev("canary", "1.30.3")] },
      [
        `istio.revisions[1].name: "canary" is listed twice (first at istio.revisions[0].name); give each revision a name of its own, e.g. "1-30-3"`,
      ],
    ],
    [
      "names that are not DNS labels, the tag's name, a name too long for the Helm release istiod-<name>",
      { revisions: [rev("1.29", "1.29.6"), rev("stable", "1.30.0"), rev("r".repeat(47), "1.30.3")] },
      [
        `istio.revisions[0].name: "1.29" is not a DNS-1123 label; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. "1-30-3"`,
        `istio.revisions[1].name: "stable" is the injection tag's name, and Istio refuses a revision named like a tag; name the revision after its version, e.g. "1-30-3"`,
        `istio.revisions[2].name: "${"r".repeat(47)}" is longer than 46 characters, and the Helm release istiod-<name> must fit in 53; use a shorter name, e.g. "1-30-3"`,
      ],
    ],
    [
      "a revision's version edited in place to another minor than its name says",
      { revisions: [rev("1-29-6", "1.30.3")] },
      [
        `istio.revisions[0].name: "1-29-6" names Istio 1.29, but its version is "1.30.3"; a revision's version changes in place (no canary, no skipped-minor check), so move to 1.30 by adding a revision named after it, e.g. "1-30-3", and keep this one's version`,
      ],
    ],
    [
      "a name that spells a minor its version skips past, beside a good canary",
      { revisions: [rev("v1-28", "1.29.6"), rev("1-30-3", "1.30.3")] },
      [
        `istio.revisions[0].name: "v1-28" names Istio 1.28, but its version is "1.29.6"; a revision's version changes in place (no canary, no skipped-minor check), so move to 1.29 by adding a revision named after it, e.g. "1-29-6", and keep this one's version`,
      ],
    ],
    [
      "version and revisions together",
      { version: "1.30.3", revisions: [rev("default", "1.30.3")] },
      [
        "istio.version: is given with istio.revisions; give one: version for a single control plane, or revisions (each with its version) for a canary upgrade",
      ],
    ],
    [
      "an empty list",
      { revisions: [] },
      [
        `istio.revisions: is empty; list at least one revision, e.g. [{ name: "default", version: "1.29.6" }, { name: "1-30-3", version: "1.30.3" }]`,
      ],
    ],
    [
      "a tag or gateways pointing at a revision not listed",
      { revisions: [rev("default", "1.29.6")], injectionRevision: "1-30-3", gatewayRevision: "canary" },
      [
        `istio.injectionRevision: "1-30-3" is not a listed revision (default); name one of istio.revisions' names`,
        `istio.gatewayRevision: "canary" is not a listed revision (default); name one of istio.revisions' names`,
      ],
    ],
    [
      "gateways moved before the tag",
      { revisions: [rev("default", "1.29.6"), rev("1-30-3", "1.30.3")], gatewayRevision: "1-30-3" },
      [
        `istio.gatewayRevision: "1-30-3" (1.30.3) is newer than istio.injectionRevision "default" (1.29.6); gateways move last: set injectionRevision to "1-30-3" first and restart the workloads, then move the gateways`,
      ],
    ],
  ])("%s", (_case, args, expected) => {
    expect(plan(args).lines).toEqual(expected);
  });

  test("property: any two versions one minor or less apart, newer second, are accepted; any other pair is refused", () => {
    const version = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.nat(40), fc.nat(20)).map((p) => p.join("."));
    fc.assert(
      fc.property(version, version, (a, b) => {
        const [[aMajor, aMinor], [bMajor, bMinor]] = [a, b].map((v) => v.split(".").map(Number));
        const fine = compareVersions(b, a) > 0 && aMajor === bMajor && bMinor - aMinor <= 1;
        expect(plan({ revisions: [rev("old", a), rev("new", b)] }).lines.length === 0).toBe(fine);
      }),
    );
  });
});

let lib: typeof import("../../sdk/src");
let rec: Recorder;
beforeAll(async () => {
  rec = await installMocks({ preview: false, state: computedState });
  lib = await import("../../sdk/src");
});

describe("MeshCluster refuses bad revisions before registering anything", () => {
  const args = (istio: MeshClusterArgs["istio"]): MeshClusterArgs => {
    const trust = new lib.MeshTrust(`trust-${Math.random().toString(36).slice(2, 8)}`, { clusters: ["c1"] });
    return { cluster: connection("c1"), ca: trust.caFor("c1"), meshId: trust.meshId, istio };
  };

  test("a skipped minor and an Output where a literal revision name is needed: zero registrations, one error", () => {
    const a = args({
      revisions: [
        { name: "default", version: "1.28.5" },
        { name: "1-30-3", version: "1.30.3" },
      ],
      injectionRevision: pulumi.output("1-30-3") as never,
    });
    const { count, error } = registrationsDuring(() => new lib.MeshCluster("skip", a));
    expect(count).toBe(0);
    expect(error).toBeInstanceOf(lib.SpecError);
    expect((error as SpecErrorT).issues.map((i) => i.path)).toEqual([
      "istio.revisions[1].version",
      "istio.injectionRevision",
    ]);
    expect((error as Error).message.split("\n")[0]).toBe('MeshCluster "skip": invalid arguments (2 problems)');
  });

  test("a misspelt revision field and a bad registry", () => {
    const a = args({ revisions: [{ name: "default", verison: "1.30.3" } as never], hub: "https://docker.io/istio" });
    const { count, error } = registrationsDuring(() => new lib.MeshCluster("typo", a));
    expect(count).toBe(0);
    expect((error as SpecErrorT).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'istio.revisions[0].verison: unknown field; did you mean "version"?',
      'istio.revisions[0].version: is required; give an Istio release, e.g. "1.30.3"',
      `istio.hub: "https://docker.io/istio" is not an image registry path; give the registry and path that hold Istio's pilot and proxyv2 images, without a scheme or tag, e.g. "registry.example.com/istio"`,
    ]);
  });
});

describe("a canary's pieces wait for their own revision's istiod, and the tag's webhooks match the chart's", () => {
  const CANARY = [
    { name: "default", version: "1.29.6" },
    { name: "1-30-3", version: "1.30.3" },
  ];
  beforeAll(async () => {
    const trust = new lib.MeshTrust("canary-mesh", { clusters: ["t1", "t2", "t3"] });
    const mesh = (c: string) => ({ cluster: connection(c), ca: trust.caFor(c), meshId: trust.meshId });
    // t1: the tag moved, the gateways not yet; t2: both moved; t3: the chart's injector settings overridden.
    new lib.MeshCluster("t1", { ...mesh("t1"), istio: { revisions: CANARY, injectionRevision: "1-30-3" } });
    new lib.MeshCluster("t2", {
      ...mesh("t2"),
      eastWest: true,
      istio: { revisions: CANARY, injectionRevision: "1-30-3", gatewayRevision: "1-30-3" },
    });
    new lib.MeshCluster("t3", {
      ...mesh("t3"),
      istio: {
        values: {
          istiod: {
            sidecarInjectorWebhook: { reinvocationPolicy: "IfNeeded" },
            istiodRemote: { injectionPath: "/inject/plain" },
            // The chart copies pilot over the top level: this one wins.
            pilot: { istiodRemote: { injectionPath: "/inject/cluster/t3/net/t3" } },
          },
        },
      },
    });
    await rec.settled();
  });
  const urn = (n: string) => rec.byName(n).urn;
  const waitsFor = (n: string) => deps(rec.byName(n)).filter((d) => d.includes("-istiod"));

  test("the tag waits for the injection revision's istiod, the gateways for the gateway revision's", () => {
    expect(waitsFor("t1-injection-tag")).toEqual([urn("t1-istiod-1-30-3")]);
    for (const g of ["ingress-gateway", "egress-gateway"]) expect(waitsFor(`t1-${g}`)).toEqual([urn("t1-istiod")]);
    expect(waitsFor("t2-injection-tag")).toEqual([urn("t2-istiod-1-30-3")]);
    for (const g of ["ingress-gateway", "egress-gateway", "eastwest-gateway"])
      expect(waitsFor(`t2-${g}`)).toEqual([urn("t2-istiod-1-30-3")]);
  });

  test("the tag's webhooks call the injection revision's Service with the chart's defaults", () => {
    for (const w of rec.byName("t1-injection-tag").inputs.webhooks) {
      expect(w.clientConfig.service).toEqual({
        name: "istiod-1-30-3",
        namespace: "istio-system",
        path: "/inject",
        port: 443,
      });
      expect(w.reinvocationPolicy).toBe("Never");
    }
  });

  test("istiod value overrides of the injector reach the tag's webhooks as they reach the chart's", () => {
    const webhooks = rec.byName("t3-injection-tag").inputs.webhooks;
    expect(webhooks).toHaveLength(2);
    for (const w of webhooks) {
      expect(w.clientConfig.service.path).toBe("/inject/cluster/t3/net/t3");
      expect(w.reinvocationPolicy).toBe("IfNeeded");
    }
  });
});
