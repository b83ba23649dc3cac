import { stringify } from "yaml";
import { buildMesh, MeshObject, objectYaml } from "../sdk/src/mesh";
import { generateSpec, MeshSize } from "./generate";
import { round, timed } from "./stats";

/**
 * The emitter candidates on the same objects, µs per object: the yaml package (the emitter before issue 12, with its
 * options), js-yaml's dump as render uses it (objectYaml), and JSON.stringify as the floor no YAML emitter beats.
 * `identical` counts objects whose YAML both emitters write byte for byte the same.
 */
export interface EmitterResult {
  objects: number;
  usPerObject: { yaml: number; jsYaml: number; json: number };
  identical: number;
}

export function measureEmitters(size: MeshSize, runs: number): EmitterResult {
  const objects: MeshObject[] = [...buildMesh(generateSpec(size)).compiled.objects.values()].flat();
  const yamlPackage = (o: MeshObject) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`;
  const per = (f: (o: MeshObject) => string) =>
    round((timed(() => objects.map(f), runs, 1).ms * 1000) / objects.length);
  const identical = objects.filter((o) => yamlPackage(o) === objectYaml(o)).length;
  return {
    objects: objects.length,
    usPerObject: { yaml: per(yamlPackage), jsYaml: per(objectYaml), json: per((o) => JSON.stringify(o)) },
    identical,
  };
}
