import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../sdk/src/cli/main";
import { Topology, topologyToDot } from "../../sdk/src/mesh";
import { ROOT } from "../helpers/fixtures";
import { capture, ACME_ARGS } from "../helpers/cli";
import { findAll, parseXml, textOf, XmlElement } from "./xml";

const SERVICES = {
  cluster1: ["cart", "cart-redis", "order", "order-mongo", "payment", "shopping", "users", "users-mongo"],
  cluster2: ["catalog", "catalog-mongo"],
};
/** shopping (cluster1) calls catalog.acme.example.com (CATALOG_HOST): its egress, cluster2's ingress, catalog. */
const SHOPPING_TO_CATALOG = [
  "cluster1/svc/shopping->cluster1/gw/egress",
  "cluster1/gw/egress->cluster2/gw/ingress",
  "cluster2/gw/ingress->cluster2/svc/catalog",
];

async function graphTo(file: string): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), "gm-graph-")), file);
  const io = capture();
  expect(await main(["graph", ...ACME_ARGS, "--out", out], io)).toBe(0);
  expect(io.err).toBe("");
  expect(io.out).toContain("1 caller (Deployment/shopping → catalog.acme.example.com)");
  return readFileSync(out, "utf8");
}

describe("graph --out topology.svg (laid out by Graphviz)", () => {
  let svg: XmlElement;
  const groups = (cls: string) => findAll(svg, (e) => e.name === "g" && (e.attrs.class ?? "").split(" ").includes(cls));
  const title = (g: XmlElement) => textOf(g.children.find((c) => c.name === "title")!);

  beforeAll(async () => {
    svg = parseXml(await graphTo("topology.svg"));
  });

  test("is a well-formed SVG document", () => {
    expect(svg.name).toBe("svg");
    expect(svg.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
  });

  test("groups each cluster's services in a box named after the cluster", () => {
    const clusters = groups("cluster").filter((g) => !title(g).includes("/ns/"));
    expect(clusters.map(title).sort()).toEqual(["cluster_cluster1", "cluster_cluster2"]);
    for (const box of clusters) {
      const cluster = title(box).replace("cluster_", "") as keyof typeof SERVICES;
      expect(textOf(box)).toContain(cluster);
      const inside = groups("node").filter((n) => title(n).startsWith(`${cluster}/svc/`));
      expect(inside.map((n) => title(n).split("/")[2]).sort()).toEqual(SERVICES[cluster]);
    }
  });

  test("labels every service with its global host", () => {
    for (const [cluster, services] of Object.entries(SERVICES)) {
      for (const s of services) {
        const node = groups("node").find((n) => title(n) === `${cluster}/svc/${s}`)!;
        const lines = findAll(node, (e) => e.name === "text").map(textOf);
        expect(lines[0]).toBe(s);
        expect(lines[1]).toMatch(new RegExp(`^${s}\\.acme\\.example\\.com:\\d+$`));
      }
    }
  });

  test("draws shopping → catalog through cluster1's egress and cluster2's ingress, and only that path, emphasised", () => {
    expect(groups("caller").map(title).sort()).toEqual([...SHOPPING_TO_CATALOG].sort());
    const first = groups("caller").find((g) => title(g) === SHOPPING_TO_CATALOG[0])!;
    expect(findAll(first, (e) => e.name === "text").map(textOf)).toEqual(["catalog.acme.example.com"]);
  });

  test("draws the reachability the wiring creates: each cluster's egress to the other's ingress, each ingress to its services", () => {
    const routes = groups("edge").map(title);
    expect(routes).toContain("cluster2/gw/egress->cluster1/gw/ingress");
    for (const [cluster, services] of Object.entries(SERVICES))
      for (const s of services) expect(routes).toContain(`${cluster}/gw/ingress->${cluster}/svc/${s}`);
    expect(routes).toHaveLength(2 + 10 + 1);
  });
});

test("--out .dot and .mmd write the same drawing as Graphviz and Mermaid text", async () => {
  const dot = await graphTo("topology.dot");
  expect(dot).toMatch(/^digraph "acme-fitness" \{/);
  expect(dot.match(/^ {2}subgraph "cluster_[^"]+"/gm)).toEqual([
    '  subgraph "cluster_cluster1"',
    '  subgraph "cluster_cluster2"',
  ]);
  expect(dot).toContain('"cluster1/svc/shopping" -> "cluster1/gw/egress" [label="catalog.acme.example.com"');
  const mmd = await graphTo("topology.mmd");
  expect(mmd.split("\n")[0]).toBe("flowchart LR");
  expect(mmd.match(/==>/g)).toHaveLength(3);
  expect(mmd).toMatch(/subgraph c0\["cluster1 \(us-west-2\)"\]/);
});

test.each([
  [
    ["graph", ...ACME_ARGS, "--out", "topology.png"],
    /--out: "topology\.png" does not end in \.svg, \.dot, \.mmd; name the file after the format, e\.g\. "topology\.svg"/,
  ],
  [["graph", ...ACME_ARGS], /graph needs --out/],
  [["graph", "--out", "x.svg"], /graph needs --spec/],
])("usage error %#: exit 2", async (argv, message) => {
  const io = capture();
  expect(await main(argv, io)).toBe(2);
  expect(io.err).toMatch(message);
});

test("the globalmesh bin writes the SVG too (Graphviz loads outside jest)", () => {
  const out = join(mkdtempSync(join(tmpdir(), "gm-graph-bin-")), "topology.svg");
  const r = spawnSync(process.execPath, [join(ROOT, "sdk/bin/globalmesh.js"), "graph", ...ACME_ARGS, "--out", out], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect([r.status, r.stderr]).toEqual([0, ""]);
  const titles = findAll(parseXml(readFileSync(out, "utf8")), (e) => e.name === "title").map(textOf);
  expect(titles).toEqual(expect.arrayContaining(["cluster_cluster1", "cluster_cluster2", ...SHOPPING_TO_CATALOG]));
});

test("--quiet writes the drawing and prints nothing", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "gm-graph-q-")), "topology.mmd");
  const io = capture();
  expect(await main(["graph", ...ACME_ARGS, "--out", out, "--quiet"], io)).toBe(0);
  expect([io.out, io.err]).toEqual(["", ""]);
  expect(readFileSync(out, "utf8")).toMatch(/^flowchart LR/);
});

test("the SVG has the legend, and namespace boxes inside each cluster's", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "gm-graph-l-")), "topology.svg");
  expect(await main(["graph", ...ACME_ARGS, "--out", out], capture())).toBe(0);
  const svg = parseXml(readFileSync(out, "utf8"));
  const titles = findAll(svg, (e) => e.name === "title").map(textOf);
  expect(titles).toEqual(
    expect.arrayContaining(["legend", "cluster_cluster1/ns/default", "cluster_cluster2/ns/default"]),
  );
});

test("50 clusters × 1000 services: the cluster-level SVG is bounded (and quick to lay out)", async () => {
  const names = Array.from({ length: 50 }, (_, i) => `c${i}`);
  const services = Array.from({ length: 1000 }, (_, i) => ({
    name: `s${i}`,
    namespace: "default",
    host: `s${i}.x.example.com`,
    ports: [80],
    clusters: [names[i % 50]],
  }));
  const t: Topology = {
    name: "big",
    domain: "x.example.com",
    clusters: names.map((name) => ({ name, egress: true, ingressPort: 443 })),
    services,
    routes: services.flatMap((s) =>
      names.filter((c) => c !== s.clusters[0]).map((c) => ({ service: s.name, from: c, to: s.clusters })),
    ),
    callers: [],
  };
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  const svg = (await Graphviz.load()).dot(topologyToDot(t), "svg");
  const [, width, height] = svg.match(/<svg width="(\d+)pt" height="(\d+)pt"/)!.map(Number);
  expect(width).toBeLessThan(5_000);
  expect(height).toBeLessThan(5_000);
  expect(svg.length).toBeLessThan(1_000_000);
});

test("few services in many clusters (over 500 service-level edges): a readable cluster-level SVG, said so", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gm-graph-edges-"));
  const c = (i: number) => `c${String(i).padStart(2, "0")}`;
  const spec = {
    name: "wide",
    domain: "wide.example.com",
    clusters: Array.from({ length: 30 }, (_, i) => ({ name: c(i), ingress: { address: `${c(i)}.lb.example.net` } })),
    members: [{ cluster: "*", namespace: "team" }],
    services: Array.from({ length: 100 }, (_, i) => ({
      name: `s${i}`,
      namespace: "team",
      clusters: [c(i % 30)],
      ports: [{ number: 8080, name: "http" }],
    })),
  };
  // JSON is YAML: the spec as a file.
  writeFileSync(join(dir, "gns.yaml"), JSON.stringify(spec));
  const io = capture(dir);
  expect(await main(["graph", "--spec", "gns.yaml", "--out", "wide.svg"], io)).toBe(0);
  expect(io.out).toMatch(/drawn per cluster \(over 500 edges between services \(\d+\)\)/);
  const svg = readFileSync(join(dir, "wide.svg"), "utf8");
  const [, width, height] = svg.match(/<svg width="(\d+)pt" height="(\d+)pt"/)!.map(Number);
  expect(Math.max(width, height)).toBeLessThan(5_000);
  const titles = findAll(parseXml(svg), (e) => e.name === "title").map(textOf);
  expect(titles).toEqual(expect.arrayContaining(["c00", "c29"]));
  expect(titles.some((t) => t.includes("/svc/"))).toBe(false);
});
