import { buildMesh, ClusterManifests, MeshBuild, SpecError } from "../mesh";
import { loadManifests, loadSpec } from "./inputs";

/** A compiled mesh and the manifests it was discovered from (the topology also reads their workloads). */
export interface FileBuild extends MeshBuild {
  manifests: ClusterManifests[];
}

/** Spec file + manifests → compiled mesh, with spec errors pointing at lines of the spec file. */
export function buildFromFiles(specFile: string, manifests: string[], cwd: string, specFlag?: string): FileBuild {
  const spec = loadSpec(specFile, cwd, specFlag);
  const loaded = loadManifests(manifests, cwd);
  try {
    return { ...buildMesh(spec.value, loaded), manifests: loaded };
  } catch (e) {
    throw e instanceof SpecError && e.source === undefined ? spec.explain(e) : e;
  }
}
