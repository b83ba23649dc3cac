/** What reaches a terminal, an SVG or a Mermaid chart from the input: bounded and free of control characters. */
import {
  buildMesh,
  buildTopology,
  formatIssues,
  MAX_ISSUES_SHOWN,
  topologyToDot,
  topologyToMermaid,
} from "../../sdk/src/mesh";
import { baseSpec } from "../helpers/fixtures";

test("a message lists at most MAX_ISSUES_SHOWN problems, then how many more", () => {
  const issues = Array.from({ length: MAX_ISSUES_SHOWN + 30 }, (_, i) => ({
    path: `clusters[${i}].name`,
    message: "bad",
  }));
  const lines = formatIssues(issues).split("\n");
  expect(lines).toHaveLength(1 + MAX_ISSUES_SHOWN + 1);
  expect(lines[0]).toMatch(/\(80 problems\)$/);
  expect(lines.at(-1)).toMatch(/^ {2}… and 30 more/);
});

test("a workload name with terminal escapes is drawn without them", () => {
  const build = buildMesh(baseSpec());
  const evil = "shop\u001b]0;PWNED\u0007\u001b[2Jping";
  const topology = buildTopology(build, [
    {
      cluster: "cluster1",
      source: "m.yaml",
      objects: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: evil, namespace: "default" },
          spec: {
            template: {
              spec: { containers: [{ name: "c", env: [{ name: "CATALOG", value: "catalog.acme.example.com" }] }] },
            },
          },
        },
      ],
    },
  ]);
  expect(topology.callers.map((c) => c.workload)).toEqual(["Deployment/shop]0;PWNED[2Jping"]);
  for (const text of [topologyToDot(topology), topologyToMermaid(topology)]) {
    expect(text).toContain("PWNED");
    expect(text.includes("\u001b") || text.includes("\u0007")).toBe(false);
  }
});
