/** Parts both wiring compilers (tunnel and east-west) build their objects from. */
import { CLUSTER_DNS_SUFFIX } from "./gateways";
import { Grant } from "./grants";
import { strictMtls } from "./istio/authorization";
import { AuthorizationOperation, CLUSTER_LABEL, ObjectMeta, WorkloadEntry } from "./istio/types";
import { GlobalService, MeshModel, ResolvedCluster } from "./model";
import { namespaceObjectName, ownershipLabels } from "./names";
import { MeshObject, objectKey } from "./objects";
import { MtlsMode } from "./spec";

/** What a grant allows at the pods: their own ports when the policy named ports, and its HTTP rules. */
export function operation(s: GlobalService, g: Grant): AuthorizationOperation | undefined {
  const op: AuthorizationOperation = {
    ...(g.portsNamed && {
      ports: s.ports.filter((p) => g.ports.includes(p.number)).map((p) => String(p.targetPort)),
    }),
    ...(g.methods && { methods: g.methods }),
    ...(g.paths && { paths: g.paths }),
  };
  return Object.keys(op).length > 0 ? op : undefined;
}

/** STRICT mTLS in every mapped namespace of the cluster, unless the spec opts out. */
export function namespaceObjects<A>(mesh: MeshModel<A>, cluster: ResolvedCluster<A>): MeshObject<A>[] {
  if (mesh.mtls !== MtlsMode.STRICT) return [];
  return cluster.namespaces.map((namespace) =>
    strictMtls({
      name: namespaceObjectName(mesh.name),
      namespace,
      labels: ownershipLabels(mesh.name),
      annotations: { "globalmesh.io/owner": `GlobalNamespace ${mesh.name}: namespace-wide, one per namespace` },
    }),
  );
}

/** The service's own Kubernetes Service in its cluster. */
export function localFqdn(s: GlobalService): string {
  return `${s.name}.${s.namespace}.${CLUSTER_DNS_SUFFIX}`;
}

/** Metadata of a service's object: who owns it and for which host. */
export function meta(mesh: MeshModel<unknown>, s: GlobalService, name: string, namespace: string): ObjectMeta {
  return {
    name,
    namespace,
    labels: ownershipLabels(mesh.name, s.name),
    annotations: { "globalmesh.io/host": s.host },
  };
}

/**
 * The objects as they come, each checked on the way: two objects of one kind, namespace and name in a cluster would
 * overwrite each other.
 */
export function* uniquelyNamed<A>(cluster: string, objects: Iterable<MeshObject<A>>): Generator<MeshObject<A>> {
  const seen = new Set<string>();
  for (const o of objects) {
    const key = objectKey(o);
    if (seen.has(key)) throw new Error(`internal: two objects named ${key} in cluster ${cluster}`);
    seen.add(key);
    yield o;
  }
}

/**
 * The cross-cluster gateway of a cluster that other member clusters call: its ingress gateway in tunnel mode, its
 * east-west gateway in east-west mode (the model's `ingress` either way). resolveMesh guarantees one there
 * (checkIngress rejects the spec otherwise), so a missing one is a MeshModel that did not come from resolveMesh.
 */
export function ingressOf<A>(cluster: ResolvedCluster<A>): NonNullable<ResolvedCluster<A>["ingress"]> {
  if (!cluster.ingress)
    throw new Error(`internal: cluster ${cluster.name} serves other clusters but has no cross-cluster gateway`);
  return cluster.ingress;
}

/**
 * Another owner of the service, as its cross-cluster gateway (ingress or east-west): every port of the service
 * arrives on the gateway's one cross-cluster port; its locality ranks it, its cluster label names it for people.
 */
export function gatewayEndpoint<A>(owner: ResolvedCluster<A>, s: GlobalService): WorkloadEntry<A> {
  const gateway = ingressOf(owner);
  return {
    address: gateway.address,
    ports: Object.fromEntries(s.ports.map((p) => [p.name, gateway.port])),
    ...(owner.locality && ({ locality: owner.locality } satisfies Pick<WorkloadEntry, "locality">)),
    labels: { [CLUSTER_LABEL]: owner.name },
  };
}

/**
 * The service's own Service; the tlsMode label makes sidecars send Istio mTLS to it, as to any meshed pod. `cluster`
 * (east-west mode, where other owners' gateways are endpoints of the same entry): its locality, so the callers here
 * rank it first where the owners' regions differ, and its cluster label.
 */
export function localEndpoint<A>(s: GlobalService, cluster?: ResolvedCluster<A>): WorkloadEntry<A> {
  return {
    address: localFqdn(s),
    ports: Object.fromEntries(s.ports.map((p) => [p.name, p.number])),
    ...(cluster?.locality && ({ locality: cluster.locality } satisfies Pick<WorkloadEntry, "locality">)),
    labels: {
      ...(cluster && { [CLUSTER_LABEL]: cluster.name }),
      "security.istio.io/tlsMode": "istio",
    },
  };
}
