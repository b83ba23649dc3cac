import { stringify } from "yaml";
import { buildMesh, MeshObject, objectYaml, rememberingObjectYaml } from "../sdk/src/mesh";
import { generateSpec, MeshSize } from "./generate";
import { round, timed } from "./stats";

/**
 * The emitter candidates on the same objects, µs per object: the yaml package (the emitter before issue 12, with its
 * options), js-yaml's dump (objectYaml), render's emitter (the dump, remembering what recurs from cluster to cluster:
 * rememberingObjectYaml, a fresh memory per run) and JSON.stringify as the floor no YAML emitter beats. `identical`
 * counts objects that all three YAML emitters write byte for byte the same.
 */
export interface EmitterResult {
  objects: number;
  usPerObject: { yaml: number; jsYaml: number; remembered: number; json: number };
  identical: number;
}

export function measureEmitters(size: MeshSize, runs: number): EmitterResult {
  const objects: MeshObject[] = [...buildMesh(generateSpec(size)).compiled.objects.values()].flat();
  const yamlPackage = (o: MeshObject) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`;
  const per = (f: (o: MeshObject) => string) =>
    round((timed(() => objects.map(f), runs, 1).ms * 1000) / objects.length);
  const remembering = rememberingObjectYaml();
  const identical = objects.filter((o) => yamlPackage(o) === objectYaml(o) && remembering(o) === objectYaml(o)).length;
  const remembered = round((timed(() => objects.map(rememberingObjectYaml()), runs, 1).ms * 1000) / objects.length);
  return {
    objects: objects.length,
    usPerObject: { yaml: per(yamlPackage), jsYaml: per(objectYaml), remembered, json: per((o) => JSON.stringify(o)) },
    identical,
  };
}
