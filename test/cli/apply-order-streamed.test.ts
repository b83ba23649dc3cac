import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSpec } from "../../bench/generate";
import { DocumentMatch, documentsOf } from "../../sdk/src/cli/documentMatch";
import { HEADER } from "../../sdk/src/cli/files";
import { main } from "../../sdk/src/cli/main";
import { capture } from "../helpers/cli";

/**
 * The apply order as render finds it while streaming (documentMatch.ts): texts compared first, only differing
 * documents parsed. The cases the old whole-file comparison handled must come out the same.
 */

type Spec = { clusters: { name: string }[]; services: { clusters: string[] }[] } & Record<string, unknown>;

const THREE = generateSpec({ clusters: 3, services: 6 }) as Spec;
/** The same mesh without c02 and the services that run there. */
const TWO: Spec = {
  ...THREE,
  clusters: THREE.clusters.filter((c) => c.name !== "c02"),
  services: THREE.services.filter((s) => !s.clusters.includes("c02")),
};

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), "gm-order-"));
  return {
    dir,
    async render(spec: unknown, ...flags: string[]) {
      writeFileSync(join(dir, "gns.json"), JSON.stringify(spec));
      const io = capture(dir);
      expect(await main(["render", "--spec", "gns.json", "--out", "out", ...flags], io)).toBe(0);
      return io.out.split("\n").find((l) => l.startsWith("Apply order:")) ?? "";
    },
  };
}

test("a cluster with no file in --out yet is in the order: first when it serves, the others then", async () => {
  // c02 is new and serves; c00 now also runs svc-0005 (it runs in c02 too), so serves a host more; c01 only calls.
  const w = workspace();
  await w.render(TWO);
  expect(await w.render(THREE)).toMatch(
    /^Apply order: c00, c02 first \(it now serves hosts other clusters will route to\), then c01$/,
  );
  expect(await w.render(TWO)).toMatch(/^Apply order: c01, then c00 last .*, then delete c02's objects last/);
});

test("files whose line ends a checkout made CRLF still compare: nothing changed", async () => {
  const w = workspace();
  await w.render(THREE);
  const file = join(w.dir, "out", "c00.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/\n/g, "\r\n"));
  expect(await w.render(THREE)).toBe("Apply order: nothing changed since the files in out");
});

test("a cluster with files of both layouts in --out is compared object by object: nothing changed", async () => {
  const w = workspace();
  await w.render(THREE);
  await w.render(THREE, "--layout", "kustomize");
  // Now c00.yaml and c00/globalmesh.yaml both hold c00's objects, the same ones.
  expect(await w.render(THREE, "--layout", "kustomize")).toBe("Apply order: nothing changed since the files in out");
});

test("with two GlobalNamespaces, each one's summary lists its own clusters only", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gm-order-multi-"));
  const other = JSON.parse(
    JSON.stringify(THREE)
      .replace(/"c0(\d)"/g, '"d0$1"')
      .replace(/c0(\d)\.lb/g, "d0$1.lb"),
  ) as Spec;
  writeFileSync(join(dir, "a.json"), JSON.stringify(THREE));
  writeFileSync(join(dir, "b.json"), JSON.stringify({ ...other, name: "other", domain: "other.example.com" }));
  const io = capture(dir);
  expect(await main(["render", "--spec", "a.json", "--spec", "b.json", "--out", "out"], io)).toBe(0);
  const blocks = io.out.split(/^(?=GlobalNamespace )/m);
  expect(blocks[0]).toMatch(/c00 .* objects/);
  expect(blocks[0]).not.toMatch(/d00/);
  expect(blocks[1]).toMatch(/d00 .* objects/);
  expect(blocks[1]).not.toMatch(/ c00 /);
});

describe("documents of a rendered file", () => {
  const doc = (name: string) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

  test("each from its ---, the header left out; content before the first --- is a document too", () => {
    expect(documentsOf(`${HEADER}\n${doc("a")}${doc("b")}`)).toEqual([doc("a"), doc("b")]);
    expect(documentsOf(`${HEADER}\nkind: ConfigMap\n${doc("b")}`)).toEqual([`${HEADER}\nkind: ConfigMap\n`, doc("b")]);
    expect(documentsOf(doc("a"))).toEqual([doc("a")]);
  });

  test("the same text twice is one object; a differing document is parsed and compared by key", () => {
    const gateway = (hosts: string[]) =>
      `---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: g\n  namespace: gw\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - hosts: [${hosts.join(", ")}]\n`;
    const serves = (_c: string, o: unknown) => (o as { kind?: string }).kind === "Gateway";
    const same = new DocumentMatch([doc("a"), doc("a"), gateway(["x"])]);
    for (const d of [doc("a"), gateway(["x"])]) same.offer(d);
    expect(same.placement("c", serves)).toBe("unchanged");
    const grown = new DocumentMatch([doc("a"), gateway(["x"])]);
    for (const d of [doc("a"), gateway(["x", "y"])]) grown.offer(d);
    expect(grown.placement("c", serves)).toBe("first");
    const shrunk = new DocumentMatch([doc("a"), gateway(["x", "y"])]);
    for (const d of [doc("a"), gateway(["x"])]) shrunk.offer(d);
    expect(shrunk.placement("c", serves)).toBe("last");
    const changed = new DocumentMatch([doc("a"), gateway(["x"])]);
    for (const d of [doc("b"), gateway(["x"])]) changed.offer(d);
    expect(changed.placement("c", serves)).toBe("then");
  });
});
