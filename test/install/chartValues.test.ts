import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { installMocks, Recorder, valueOf } from "../helpers/pulumiHarness";
import { computedState, connection } from "./support";
import { OWNED_VALUES } from "../../sdk/src/install/values";

/**
 * Every chart value MeshCluster sets exists in the values.yaml of the chart it goes to, at the default Istio version
 * (test/fixtures/istio/1.30.3/values, copied from the released charts): a value the charts rename or drop fails here
 * instead of being silently ignored by Helm.
 */
const VALUES_DIR = path.join(__dirname, "../fixtures/istio/1.30.3/values");
const chartValues = (file: string) =>
  // The charts keep their defaults under this key and merge the user's values over them (templates/zzz_profile.yaml).
  parse(readFileSync(path.join(VALUES_DIR, file), "utf8"))._internal_defaults_do_not_set as Record<string, unknown>;
const CHARTS: Record<string, Record<string, unknown>> = {
  base: chartValues("base_values.yaml"),
  istiod: chartValues("istio-control_istio-discovery_values.yaml"),
  gateway: chartValues("gateway_values.yaml"),
};

/**
 * Values that are maps the chart passes on whole, so their keys are not in values.yaml: checked up to the map.
 * - istiod `meshConfig`: the MeshConfig (istio.mesh.v1alpha1) written into the `istio` ConfigMap;
 * - `env`: the container's environment (istiod's, the gateway's);
 * - gateway `labels`, `service.annotations`: put on the pods and the Service as they are;
 * - gateway `podDisruptionBudget`: the budget's spec fields (values.yaml documents `minAvailable` in a comment).
 */
const OPEN_MAPS: Record<string, string[]> = {
  base: [],
  istiod: ["meshConfig", "env"],
  gateway: ["labels", "env", "service.annotations", "podDisruptionBudget"],
};

/** Dotted paths of the leaves of a values tree; a list is a leaf (the chart takes it whole). */
function leafPaths(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return [prefix];
  const entries = Object.entries(v);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, x]) => leafPaths(x, prefix ? `${prefix}.${k}` : k));
}

/** The paths among `paths` that the chart's values.yaml does not have (an open map's keys excepted). */
function unknownPaths(chart: string, paths: string[]): string[] {
  const openMap = (p: string) => OPEN_MAPS[chart].find((m) => p === m || p.startsWith(`${m}.`));
  return paths.filter((p) => !has(CHARTS[chart], openMap(p) ?? p));
}

function has(tree: Record<string, unknown>, dotted: string): boolean {
  let v: unknown = tree;
  for (const key of dotted.split(".")) {
    if (v === null || typeof v !== "object" || !(key in v)) return false;
    v = (v as Record<string, unknown>)[key];
  }
  return true;
}

let rec: Recorder;

beforeAll(async () => {
  rec = await installMocks({ preview: false, state: computedState });
  const lib = await import("../../sdk/src");
  const trust = new lib.MeshTrust("mesh", { clusters: ["c1"] });
  // Every option that adds values: two revisions, a registry, load-balancer annotations, the east-west gateway.
  const mc = new lib.MeshCluster("c1", {
    cluster: { ...connection("c1"), loadBalancerAnnotations: { "example.com/lb": "nlb" } },
    ca: trust.caFor("c1"),
    meshId: trust.meshId,
    istio: {
      revisions: [
        { name: "default", version: "1.29.6" },
        { name: "1-30-3", version: "1.30.3" },
      ],
      injectionRevision: "1-30-3",
      hub: "registry.example.com/istio",
    },
    eastWest: true,
  });
  await valueOf(mc.ingressAddress);
  await rec.settled();
});

const releases = () => rec.ofType("kubernetes:helm.sh/v3:Release");

test("the program under test installs every chart MeshCluster uses, with the optional values set", () => {
  expect(
    releases()
      .map((r) => `${r.name}: ${r.inputs.chart}`)
      .sort(),
  ).toEqual([
    "c1-base: base",
    "c1-eastwest-gateway: gateway",
    "c1-egress-gateway: gateway",
    "c1-ingress-gateway: gateway",
    "c1-istiod-1-30-3: istiod",
    "c1-istiod: istiod",
  ]);
  const values = (n: string) => rec.byName(n).inputs.values;
  expect(values("c1-istiod-1-30-3").global.hub).toBe("registry.example.com/istio");
  expect(values("c1-eastwest-gateway").service.annotations).toEqual({ "example.com/lb": "nlb" });
});

test.each(["base", "istiod", "gateway"])("every %s value MeshCluster sets is a value of the chart", (chart) => {
  const ofChart = releases().filter((r) => r.inputs.chart === chart);
  expect(ofChart.length).toBeGreaterThan(0);
  for (const r of ofChart) {
    const paths = leafPaths(r.inputs.values);
    expect(paths.length).toBeGreaterThan(0);
    expect({ release: r.name, unknown: unknownPaths(chart, paths) }).toEqual({ release: r.name, unknown: [] });
  }
});

test("every value MeshCluster refuses to let callers override is a value of the chart", () => {
  expect(unknownPaths("istiod", Object.keys(OWNED_VALUES.istiod))).toEqual([]);
  expect(unknownPaths("gateway", Object.keys(OWNED_VALUES.gateway))).toEqual([]);
});

test("the check fails on a renamed or misplaced value (a typo, an old `pilot.*` key)", () => {
  expect(
    unknownPaths("gateway", ["autoscaling.minReplica", "podDisruptionBudget.minAvailable", "service.annotation.x"]),
  ).toEqual(["autoscaling.minReplica", "service.annotation.x"]);
  expect(unknownPaths("istiod", ["pilot.autoscaleEnabled", "global.hubb", "env.ANYTHING", "revision"])).toEqual([
    "pilot.autoscaleEnabled",
    "global.hubb",
  ]);
  expect(unknownPaths("base", ["defaultRevision", "revision"])).toEqual(["revision"]);
});
