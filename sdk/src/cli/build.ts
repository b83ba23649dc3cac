import { buildMesh, MeshBuild, SpecError } from "../mesh";
import { loadManifests, loadSpec } from "./inputs";

/** Spec file + manifests → compiled mesh, with spec errors pointing at lines of the spec file. */
export function buildFromFiles(specFile: string, manifests: string[], cwd: string): MeshBuild {
  const spec = loadSpec(specFile, cwd);
  const loaded = loadManifests(manifests, cwd);
  try {
    return buildMesh(spec.value, loaded);
  } catch (e) {
    throw e instanceof SpecError && e.source === undefined ? spec.explain(e) : e;
  }
}
