/**
 * The simulator's input from a resolved mesh and its compiled objects: gateways, identities, localities and the
 * cross-cluster address (the ingress gateway's, or in east-west mode the east-west gateway's) from the model's
 * clusters, Services from its global services (pods labelled with the service's selector, or `app: <name>` when the
 * model knows none).
 */
import { MeshModel, MeshObject } from "../../../sdk/src/mesh";
import { MeshMode } from "../../../sdk/src/mesh/spec";
import { SimMesh, SimService } from "./types";

export interface FromModelOptions {
  /**
   * `<namespace>/<service>` → service account of its pods. Default: the first the manifests show for the cluster
   * (the model's `serviceAccounts`), else `default`, as in Kubernetes.
   */
  serviceAccounts?: Record<string, string>;
  /** More Services per cluster (callers that are not global services need none: a Caller is enough). */
  services?: Record<string, SimService[]>;
}

export function simMeshFromModel(
  model: MeshModel<string>,
  objects: ReadonlyMap<string, readonly MeshObject[]>,
  options: FromModelOptions = {},
): SimMesh {
  return {
    objects,
    clusters: model.clusters.map((c) => ({
      name: c.name,
      trustDomain: c.trustDomain,
      ...(c.locality && { locality: c.locality }),
      gateways: {
        namespace: c.gateways.namespace,
        ingressLabels: c.gateways.ingressSelector,
        egressLabels: c.gateways.egressSelector,
        egressService: c.gateways.egressService,
        ingressPrincipal: c.gateways.ingressPrincipal,
        egressPrincipal: c.gateways.egressPrincipal,
        eastWestLabels: c.gateways.eastWestSelector,
        eastWestPrincipal: c.gateways.eastWestPrincipal,
      },
      ...(c.ingress &&
        (model.mode === MeshMode.EAST_WEST
          ? { eastWest: { address: c.ingress.address, port: c.ingress.port } }
          : { ingress: { address: c.ingress.address, port: c.ingress.port } })),
      services: [
        ...model.services
          .filter((s) => s.clusters.includes(c.name))
          .map((s): SimService => ({
            name: s.name,
            namespace: s.namespace,
            labels: s.selector ?? { app: s.name },
            serviceAccount:
              options.serviceAccounts?.[`${s.namespace}/${s.name}`] ?? s.serviceAccounts?.[c.name]?.[0] ?? "default",
            ports: s.ports.map((p) => ({ port: p.number, targetPort: p.targetPort, protocol: p.protocol })),
          })),
        ...(options.services?.[c.name] ?? []),
      ],
    })),
  };
}
