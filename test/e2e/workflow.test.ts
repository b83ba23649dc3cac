import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEFAULT_ISTIO_VERSION } from "../../sdk/src/install/defaults";
import {
  CURL_IMAGE,
  ISTIO_VERSION,
  KIND_NODE_IMAGE,
  KIND_VERSION,
  METALLB_MANIFEST_URL,
  PULUMI_VERSION,
  TOOLS,
} from "../../e2e/versions";

/** .github/workflows/e2e.yml: valid YAML, pinned actions, no secrets, and the tool versions e2e/versions.ts pins. */

const ROOT = join(__dirname, "..", "..");
const text = readFileSync(join(ROOT, ".github", "workflows", "e2e.yml"), "utf8");
const workflow = parse(text);
const steps: any[] = Object.values(workflow.jobs as Record<string, any>).flatMap((job) => job.steps);

test("is a workflow: triggers, one job on a hosted ubuntu runner, read-only token", () => {
  // By hand and weekly; never on push or pull requests.
  expect(Object.keys(workflow.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
  expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \d$/) }]);
  expect(workflow.permissions).toEqual({ contents: "read" });
  const jobs = Object.values<any>(workflow.jobs);
  expect(jobs).toHaveLength(1);
  expect(jobs[0]["runs-on"]).toMatch(/^ubuntu-/);
  expect(jobs[0]["timeout-minutes"]).toBeGreaterThan(0);
});

test("every action is pinned to a full commit SHA, with its version in a comment", () => {
  const uses = steps.filter((s) => s.uses).map((s) => s.uses as string);
  expect(uses.length).toBeGreaterThan(0);
  for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
  for (const line of text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l)))
    expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  expect(uses).toEqual([
    "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
    "actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af",
  ]);
  expect(steps.find((s) => s.uses?.startsWith("actions/setup-node@")).with["node-version"]).toBe(20);
  expect(steps.find((s) => s.uses?.startsWith("actions/checkout@")).with["persist-credentials"]).toBe(false);
});

test("needs no secrets and uploads nothing", () => {
  expect(text).not.toMatch(/secrets\./);
  expect(text).not.toMatch(/upload-artifact|cache@/);
});

test("installs the tools from the URLs e2e/versions.ts pins, then runs npm ci and npm run e2e", () => {
  const script = steps.map((s) => (s.run as string | undefined) ?? "").join("\n");
  for (const t of TOOLS.filter((x) => x.downloadUrl)) expect(script).toContain(t.downloadUrl);
  // No other version of a tool slipped in: every download names one of the pinned versions.
  const downloads = script.match(/https:\/\/\S+/g) ?? [];
  for (const url of downloads)
    expect(
      [KIND_VERSION, TOOLS.find((t) => t.name === "kubectl")?.version, ISTIO_VERSION, PULUMI_VERSION].some(
        (v) => v && url.includes(v),
      ),
    ).toBe(true);
  const runs = steps.map((s) => s.run?.trim());
  expect(runs.indexOf("npm ci")).toBeGreaterThan(-1);
  expect(runs.indexOf("npm run e2e")).toBeGreaterThan(runs.indexOf("npm ci"));
});

test("the pins: istioctl is the Istio MeshCluster installs, the Pulumi CLI the SDK's version, images by tag or digest", () => {
  expect(ISTIO_VERSION).toBe(DEFAULT_ISTIO_VERSION);
  const sdk = JSON.parse(readFileSync(join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"));
  expect(PULUMI_VERSION).toBe(`v${sdk.version}`);
  expect(KIND_NODE_IMAGE).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  expect(CURL_IMAGE).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
  expect(METALLB_MANIFEST_URL).toBe(
    "https://raw.githubusercontent.com/metallb/metallb/v0.14.9/config/manifests/metallb-native.yaml",
  );
  // kubectl within one minor of the node's Kubernetes (the supported skew), istioctl and the rest pinned exactly.
  const node = /:v(\d+)\.(\d+)\./.exec(KIND_NODE_IMAGE)!;
  const kubectl = /^v(\d+)\.(\d+)\.\d+$/.exec(TOOLS.find((t) => t.name === "kubectl")!.version!)!;
  expect(kubectl[1]).toBe(node[1]);
  expect(Math.abs(Number(kubectl[2]) - Number(node[2]))).toBeLessThanOrEqual(1);
});
