import { compileMesh, CompiledMesh } from "./compile";
import { ClusterManifests, discoverServices, Discovery } from "./discover";
import { IssueList } from "./errors";
import { MeshModel, resolveMesh } from "./model";
import { validateSpec } from "./validate";

/** Everything one GlobalNamespace compiles to, and how it got there. */
export interface MeshBuild<A = string> {
  model: MeshModel<A>;
  compiled: CompiledMesh<A>;
  discovery: Discovery;
}

/**
 * Spec (untyped input) + manifests → validated, resolved and compiled mesh. Throws SpecError, having written or
 * registered nothing, when any part of the input is wrong.
 */
export function buildMesh<A = string>(input: unknown, manifests: readonly ClusterManifests[] = []): MeshBuild<A> {
  const spec = validateSpec<A>(input);
  checkManifestClusters(
    spec.clusters.map((c) => c.name),
    manifests,
  );
  const discovery = discoverServices(spec.members, manifests);
  const model = resolveMesh(spec, discovery);
  return { model, compiled: compileMesh(model), discovery };
}

/** Manifests of a cluster the spec does not list would be dropped in silence, and their services with them. */
function checkManifestClusters(clusters: string[], manifests: readonly ClusterManifests[]): void {
  const issues = new IssueList();
  for (const m of manifests) {
    if (!clusters.includes(m.cluster))
      issues.add(
        m.source,
        `manifests given for cluster "${m.cluster}", which is not a member; known clusters: ${clusters.join(", ")}`,
      );
  }
  issues.throwIfAny();
}
