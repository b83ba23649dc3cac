import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { main } from "../../sdk/src/cli/main";
import { capture } from "../helpers/cli";
import { ROOT } from "../helpers/fixtures";
import { istioSchemaProblems } from "../helpers/istioSchema";

/**
 * The command line in east-west mode, on examples/acme-fitness/gns-east-west.yaml (the same services as gns.yaml):
 * `npm run demo`'s own commands render it into out/east-west, `check` passes it, `diff` from tunnel says the switch in
 * one line, `graph` draws sidecar → the owner's east-west gateway → service.
 */

const A = "examples/acme-fitness";
const MANIFESTS = [
  "--manifests",
  `cluster1=${A}/manifests/cluster1.yaml`,
  "--manifests",
  `cluster2=${A}/manifests/cluster2.yaml`,
];
const EAST_WEST = ["--spec", `${A}/gns-east-west.yaml`, ...MANIFESTS];

/** `npm run demo`, as package.json says it, each `globalmesh` command run in-process with `out` in a new directory. */
async function runDemo(): Promise<{ out: string; io: ReturnType<typeof capture> }> {
  const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> })
    .scripts.demo;
  const out = join(mkdtempSync(join(tmpdir(), "gm-demo-")), "out");
  const io = capture();
  for (const command of script.split("&&").map((c) => c.trim())) {
    const [bin, ...args] = command.split(/\s+/);
    expect(bin).toBe("globalmesh");
    const code = await main(
      args.map((a) => a.replace(/^out(?=\/|$)/, out)),
      io,
    );
    expect([command, code]).toEqual([command, 0]);
  }
  return { out, io };
}

const docsOf = (file: string): any[] => parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS());

describe("npm run demo renders acme-fitness in east-west mode into out/east-west", () => {
  let out: string;
  let io: ReturnType<typeof capture>;
  beforeAll(async () => ({ out, io } = await runDemo()));

  test("out/ keeps the tunnel wiring, out/east-west holds one file per cluster and the picture", () => {
    expect(readdirSync(out).sort()).toEqual(["cluster1.yaml", "cluster2.yaml", "east-west", "topology.svg"]);
    expect(readdirSync(join(out, "east-west")).sort()).toEqual(["cluster1.yaml", "cluster2.yaml", "topology.svg"]);
    expect(io.err).toBe("");
    expect(io.out).toMatch(
      /^Mode: tunnel \(sidecar → local egress gateway → the owner's ingress gateway → service\)$/m,
    );
    expect(io.out).toMatch(/^Mode: east-west \(sidecar → the owner's east-west gateway, passthrough on 15443 → /m);
  });

  test("every object validates; a client cluster holds two objects per remote service, no gateway hop of its own", () => {
    const clusters = {
      cluster1: ["catalog", "catalog-mongo"],
      cluster2: ["cart", "cart-redis", "order", "order-mongo", "payment", "shopping", "users", "users-mongo"],
    };
    for (const [cluster, remote] of Object.entries(clusters)) {
      const objects = docsOf(join(out, "east-west", `${cluster}.yaml`));
      expect(objects.flatMap(istioSchemaProblems)).toEqual([]);
      for (const s of remote) {
        const mine = objects.filter((o) => o.metadata.labels["globalmesh.io/service"] === s);
        expect([s, mine.map((o) => o.kind).sort()]).toEqual([s, ["DestinationRule", "ServiceEntry"]]);
        const rule = mine.find((o) => o.kind === "DestinationRule");
        expect(rule.spec.trafficPolicy.portLevelSettings.map((p: any) => p.tls.sni)).toEqual(
          mine
            .find((o) => o.kind === "ServiceEntry")
            .spec.ports.map((p: any) => `outbound_.${p.number}_._.${s}.default.svc.cluster.local`),
        );
      }
      // Mesh routes only for the services the cluster runs (the other cluster's), each to the local Service.
      const routes = objects.filter((o) => o.kind === "VirtualService");
      expect(routes.map((o) => o.metadata.labels["globalmesh.io/service"]).sort()).toEqual(
        clusters[cluster === "cluster1" ? "cluster2" : "cluster1"],
      );
      const destinations = (vs: any) =>
        ["http", "tcp", "tls"].flatMap((k) =>
          (vs.spec[k] ?? []).flatMap((r: any) => r.route.map((d: any) => d.destination.host)),
        );
      for (const vs of routes)
        expect([...new Set(destinations(vs))]).toEqual([
          `${vs.metadata.labels["globalmesh.io/service"]}.default.svc.cluster.local`,
        ]);
      // One passthrough per serving cluster: the east-west gateway's pods, port 15443, the namespace served.
      const gateways = objects.filter((o) => o.kind === "Gateway");
      expect(gateways.map((g) => [g.spec.selector, g.spec.servers])).toEqual([
        [
          { istio: "eastwestgateway" },
          [
            expect.objectContaining({
              port: expect.objectContaining({ number: 15443 }),
              hosts: ["*.default.svc.cluster.local"],
              tls: { mode: "AUTO_PASSTHROUGH" },
            }),
          ],
        ],
      ]);
    }
  });

  test("the picture draws the east-west path: shopping → cluster2's east-west gateway → catalog", () => {
    const svg = readFileSync(join(out, "east-west", "topology.svg"), "utf8");
    expect(svg).toContain("cluster1/svc/shopping&#45;&gt;cluster2/gw/eastwest");
    expect(svg).toContain("cluster2/gw/eastwest&#45;&gt;cluster2/svc/catalog");
    expect(svg).not.toMatch(/gw\/(egress|ingress)/);
  });
});

test("check passes the compiled east-west wiring and says the mode, in text and JSON", async () => {
  const io = capture();
  expect(await main(["check", ...EAST_WEST], io)).toBe(0);
  expect(io.err).toBe("");
  expect(io.out).toContain("  checked at: each service's pods (an ALLOW policy naming the member namespaces");
  const json = capture();
  expect(await main(["check", ...EAST_WEST, "-o", "json"], json)).toBe(0);
  const doc = JSON.parse(json.out);
  expect([doc.ok, doc.findings, doc.globalNamespaces[0].mode]).toEqual([true, [], "east-west"]);
  const tunnel = capture();
  expect(await main(["check", "--spec", `${A}/gns.yaml`, ...MANIFESTS, "-o", "json"], tunnel)).toBe(0);
  expect(JSON.parse(tunnel.out).globalNamespaces[0].mode).toBe("tunnel");
});

describe("diff from tunnel to east-west", () => {
  const args = ["diff", `${A}/gns.yaml`, `${A}/gns-east-west.yaml`, ...MANIFESTS];

  test("one line says the switch; per cluster, the tunnel objects go and the passthrough comes", async () => {
    const io = capture();
    expect(await main(args, io)).toBe(1);
    const lines = io.out.split("\n");
    expect(lines[0]).toMatch(/^mode: tunnel → east-west: callers' sidecars open mTLS straight to the service's pods/);
    expect(lines.filter((l) => l.startsWith("mode:"))).toHaveLength(1);
    // The hosts and virtual IPs stay: no service changes.
    expect(io.out).toMatch(/^total: \d+ objects removed, \d+ added, \d+ changed in 2 clusters; no service changes$/m);
    for (const cluster of ["cluster1", "cluster2"]) {
      const start = lines.indexOf(cluster);
      const section = lines.slice(
        start + 1,
        lines.indexOf("", start + 1) === -1 ? undefined : lines.indexOf("", start + 1),
      );
      expect(section).toContain("  + Gateway istio-gateways/gns-acme-fitness-passthrough");
      expect(section.filter((l) => /^ {2}- Gateway .*-(egress|ingress)-/.test(l)).length).toBeGreaterThan(0);
      expect(section.filter((l) => l.startsWith("  + VirtualService"))).toEqual([]);
    }
  });

  test("-o json: the mode as data, and the objects per cluster", async () => {
    const io = capture();
    expect(await main([...args, "-o", "json"], io)).toBe(1);
    const doc = JSON.parse(io.out);
    expect(doc.mode).toEqual({ before: "tunnel", after: "east-west" });
    expect(doc.globalNamespace[0]).toMatch(/^mode: tunnel → east-west: /);
    expect(doc.services).toEqual([]);
    const c2 = doc.clusters.find((c: any) => c.cluster === "cluster2");
    expect(c2.added).toContainEqual({
      kind: "Gateway",
      namespace: "istio-gateways",
      name: "gns-acme-fitness-passthrough",
    });
    // And back: the same line the other way.
    const back = capture();
    expect(await main(["diff", `${A}/gns-east-west.yaml`, `${A}/gns.yaml`, ...MANIFESTS, "-o", "json"], back)).toBe(1);
    expect(JSON.parse(back.out).mode).toEqual({ before: "east-west", after: "tunnel" });
  });

  test("the same mode on both sides says nothing about it", async () => {
    const io = capture();
    expect(
      await main(["diff", `${A}/gns-east-west.yaml`, `${A}/gns-east-west.yaml`, ...MANIFESTS, "-o", "json"], io),
    ).toBe(0);
    expect(JSON.parse(io.out).mode).toBeUndefined();
  });
});

test("graph --out .mmd in east-west mode: sidecars and east-west gateways, no egress or ingress gateway", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "gm-ew-graph-")), "topology.mmd");
  const io = capture();
  expect(await main(["graph", ...EAST_WEST, "--out", file], io)).toBe(0);
  expect(io.out).toContain("10 cross-cluster routes (east-west: through the owners' passthrough gateways)");
  const mmd = readFileSync(file, "utf8");
  expect(mmd).toContain('{{"east-west gateway<br/>passthrough :15443"}}');
  expect(mmd).toContain('(["sidecars<br/>member namespaces"])');
  expect(mmd).not.toMatch(/egress gateway<br\/>|ingress gateway<br\/>/);
});

test("apply order: a cluster whose passthrough gains a namespace goes first", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gm-ew-order-"));
  const billing = [
    "---",
    "apiVersion: v1",
    "kind: Service",
    "metadata: { name: invoices, namespace: billing }",
    "spec: { selector: { app: invoices }, ports: [{ name: http-invoices, port: 7000 }] }",
    "---",
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata: { name: invoices, namespace: billing }",
    "spec:",
    "  selector: { matchLabels: { app: invoices } }",
    "  template:",
    "    metadata: { labels: { app: invoices } }",
    "    spec: { containers: [{ name: invoices, image: example/invoices:1 }] }",
    "",
  ].join("\n");
  writeFileSync(join(dir, "cluster2.yaml"), readFileSync(join(ROOT, A, "manifests/cluster2.yaml"), "utf8") + billing);
  writeFileSync(
    join(dir, "gns.yaml"),
    readFileSync(join(ROOT, A, "gns-east-west.yaml"), "utf8") + "  - { cluster: cluster2, namespace: billing }\n",
  );
  const out = join(dir, "out");
  expect(await main(["render", ...EAST_WEST, "--out", out], capture())).toBe(0);
  const io = capture();
  const grown = [
    "--spec",
    join(dir, "gns.yaml"),
    MANIFESTS[0],
    MANIFESTS[1],
    "--manifests",
    `cluster2=${join(dir, "cluster2.yaml")}`,
  ];
  expect(await main(["render", ...grown, "--out", out], io)).toBe(0);
  expect(io.out).toMatch(
    /^Apply order: cluster2 first \(it now serves hosts other clusters will route to\), then cluster1$/m,
  );
  const gateway = docsOf(join(out, "cluster2.yaml")).find((o) => o.kind === "Gateway");
  expect(gateway.spec.servers[0].hosts).toEqual(["*.billing.svc.cluster.local", "*.default.svc.cluster.local"]);
  // And back: cluster2 stops serving billing, so it goes last.
  const back = capture();
  expect(await main(["render", ...EAST_WEST, "--out", out], back)).toBe(0);
  expect(back.out).toMatch(/^Apply order: cluster1, then cluster2 last \(it stops serving hosts/m);
});
