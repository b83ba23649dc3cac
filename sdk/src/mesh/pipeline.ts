import { callsInManifests } from "./calls";
import { compileMesh, CompiledMesh } from "./compile";
import { ClusterManifests, discoverServices, Discovery } from "./discover";
import { IssueList } from "./errors";
import { checkFoundCallAddresses, DEFAULT_GATEWAY_NAMESPACE, MeshModel, resolveMesh } from "./model";
import { addFoundCalls } from "./scope";
import { scopeWarnings } from "./scopeWarnings";
import { checkExistingSidecars } from "./sidecars";
import { validateSpec } from "./validate";

/** Everything one GlobalNamespace compiles to, and how it got there. */
export interface MeshBuild<A = string> {
  model: MeshModel<A>;
  compiled: CompiledMesh<A>;
  discovery: Discovery;
  /** The model's warnings (a spec value overriding a discovered one), for the CLI to print; absent when none. */
  warnings?: string[];
}

/**
 * Spec (untyped input) + manifests → validated, resolved and compiled mesh. Throws SpecError, having written or
 * registered nothing, when any part of the input is wrong. The objects are compiled on demand (`compiled`), which
 * throws only on a defect of globalmesh (`internal: …`), never on the input.
 */
export function buildMesh<A = string>(input: unknown, manifests: readonly ClusterManifests[] = []): MeshBuild<A> {
  const spec = validateSpec<A>(input);
  checkManifestClusters(
    spec.clusters.map((c) => c.name),
    manifests,
  );
  const discovery = withoutGatewayNamespaces(
    discoverServices(spec.members, manifests),
    new Map(spec.clusters.map((c) => [c.name, c.gateways?.namespace ?? DEFAULT_GATEWAY_NAMESPACE])),
  );
  const model = resolveMesh(spec, discovery);
  checkExistingSidecars(spec.members, model, manifests);
  addFoundCalls(model, callsInManifests(model, manifests));
  // A call the manifests show may make a cluster without an address a called one: refuse it as the spec would be.
  checkFoundCallAddresses(spec, model);
  const scoping = scopeWarnings(model, manifests);
  if (scoping.length > 0) model.warnings = [...(model.warnings ?? []), ...scoping];
  return { model, compiled: compileMesh(model), discovery, ...(model.warnings && { warnings: model.warnings }) };
}

/**
 * A cluster's gateways' namespace is a system namespace of that cluster, whatever its name: its Services (the
 * gateways') never join, and it is never an audience of the objects.
 */
function withoutGatewayNamespaces(discovery: Discovery, gateways: ReadonlyMap<string, string>): Discovery {
  const skipped = [...discovery.skipped];
  const services = discovery.services.flatMap((d) => {
    const inGateways = d.clusters.filter((c) => gateways.get(c) === d.namespace);
    for (const cluster of inGateways)
      skipped.push({
        cluster,
        service: `${d.namespace}/${d.name}`,
        reason: "it is in the cluster's gateways' namespace",
      });
    const clusters = d.clusters.filter((c) => !inGateways.includes(c));
    return clusters.length > 0 ? [{ ...d, clusters }] : [];
  });
  const namespaces = Object.fromEntries(
    Object.entries(discovery.namespaces).map(([c, list]) => [c, list.filter((ns) => ns !== gateways.get(c))]),
  );
  return { services, skipped, namespaces };
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
