import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { generateSpec } from "../../bench/generate";
import { HEADER } from "../../sdk/src/cli/files";
import { main } from "../../sdk/src/cli/main";
import {
  buildMesh,
  MeshBuild,
  MeshObject,
  objectYaml,
  parseManifests,
  parseRendered,
  rememberingObjectYaml,
  renderYaml,
} from "../../sdk/src/mesh";
import { capture } from "../helpers/cli";
import { acmeBuild, bookinfoBuild } from "../helpers/fixtures";

/**
 * Rendered YAML comes from js-yaml's dump since issue 12. The emitter before it (the yaml package with these options)
 * is the oracle: every object of the examples and of generated meshes must come out byte for byte as it did.
 */
const before = (o: MeshObject) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`;

const all = (b: MeshBuild) => [...b.compiled.objects.values()].flat();

test.each([
  ["acme-fitness (spec + manifests)", () => all(acmeBuild())],
  ["bookinfo", () => all(bookinfoBuild())],
  ["a generated 6 × 15 mesh", () => all(buildMesh(generateSpec({ clusters: 6, services: 15 })))],
  [
    "a generated 4 × 20 mesh with declared calls",
    () => all(buildMesh(generateSpec({ clusters: 4, services: 20 }, { calls: true }))),
  ],
])("%s renders byte for byte as the yaml package did", (_name, objects) => {
  const list = objects();
  expect(list.length).toBeGreaterThan(50);
  const differing = list.filter((o) => objectYaml(o) !== before(o)).map((o) => `${o.kind}/${o.metadata.name}`);
  expect(differing).toEqual([]);
  expect(renderYaml(list)).toBe(list.map(before).join(""));
});

test("values YAML 1.1 would read as booleans, times or dates stay strings (quoted), as Kubernetes' decoder needs", () => {
  const tricky = ["on", "off", "yes", "no", "y", "12:30", "2024-01-01", "0x1f", "1e3", "012", "null", "~", "true", ""];
  // Only the strings matter here, not a whole ServiceEntry.
  const object = {
    apiVersion: "networking.istio.io/v1",
    kind: "ServiceEntry",
    metadata: {
      name: "x",
      namespace: "istio-gateways",
      labels: Object.fromEntries(tricky.map((t, i) => [`l${i}`, t])),
      annotations: {},
    },
    spec: { hosts: tricky },
  } as unknown as MeshObject;
  const text = objectYaml(object);
  for (const version of ["1.1", "1.2"] as const) expect(parse(text.slice(4), { version })).toEqual(object);
  expect(parseRendered(text, "x.yaml")).toEqual([object]);
});

test("a rendered file reads back (parseRendered) as the document parser reads it; anchors go through the parser", () => {
  const text = renderYaml(all(acmeBuild()));
  expect(parseRendered(text, "acme.yaml")).toEqual(parseManifests(text, "acme.yaml"));
  const bomb = `a: &a [x, x]\nb: &b [*a, *a]\n${Array.from({ length: 30 }, (_, i) => `c${i}: [*b, *b, *b]`).join("\n")}\n`;
  expect(() => parseRendered(bomb, "bomb.yaml")).toThrow(/more than 100 YAML aliases/);
});

test("render streams each cluster's file in batches: the bytes are the header and renderYaml's, past 1 MB", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gm-emission-"));
  const spec = generateSpec({ clusters: 2, services: 260 });
  writeFileSync(join(dir, "gns.json"), JSON.stringify(spec));
  expect(await main(["render", "--spec", "gns.json", "--out", "out", "-q"], capture(dir))).toBe(0);
  const build = buildMesh(spec);
  expect(readdirSync(join(dir, "out")).sort()).toEqual(
    [...build.compiled.objects.keys()].map((c) => `${c}.yaml`).sort(),
  );
  for (const [cluster, objects] of build.compiled.objects) {
    const text = readFileSync(join(dir, "out", `${cluster}.yaml`), "utf8");
    // More than one write chunk (1 MB), so the chunking is exercised.
    expect(text.length).toBeGreaterThan(1 << 20);
    expect(text).toBe(`${HEADER}\n${renderYaml(objects)}`);
  }
});

test("remembered documents are objectYaml's, byte for byte, across clusters, with a tiny memory and with nulls", () => {
  const build = buildMesh(generateSpec({ clusters: 6, services: 15 }));
  const objects = [...build.compiled.objects.values()].flat();
  for (const emit of [rememberingObjectYaml(), rememberingObjectYaml(3)])
    expect(objects.map(emit).join("")).toBe(renderYaml(objects));
  // `null` in the JSON is also NaN's and Infinity's, which js-yaml writes as .nan and .inf: never remembered.
  const emit = rememberingObjectYaml();
  const odd = (n: number | null) => ({ ...objects[0], spec: { weight: n } }) as unknown as MeshObject;
  for (const n of [null, NaN, Infinity, null]) expect(emit(odd(n))).toBe(objectYaml(odd(n)));
  expect(objectYaml(odd(NaN))).not.toBe(objectYaml(odd(null)));
});
