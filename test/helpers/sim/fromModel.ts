/**
 * The simulator's input from a resolved mesh and its compiled objects: gateways, identities and ingress addresses
 * from the model's clusters, Services from its global services (pods labelled with the service's selector, or
 * `app: <name>` when the model knows none).
 */
import { MeshModel, MeshObject } from "../../../sdk/src/mesh";
import { SimMesh, SimService } from "./types";

export interface FromModelOptions {
  /** `<namespace>/<service>` → service account of its pods. Default `default`, as in Kubernetes. */
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
      gateways: {
        namespace: c.gateways.namespace,
        ingressLabels: c.gateways.ingressSelector,
        egressLabels: c.gateways.egressSelector,
        egressService: c.gateways.egressService,
        ingressPrincipal: c.gateways.ingressPrincipal,
        egressPrincipal: c.gateways.egressPrincipal,
      },
      ...(c.ingress && { ingress: { address: c.ingress.address, port: c.ingress.port } }),
      services: [
        ...model.services
          .filter((s) => s.clusters.includes(c.name))
          .map((s): SimService => ({
            name: s.name,
            namespace: s.namespace,
            labels: s.selector ?? { app: s.name },
            serviceAccount: options.serviceAccounts?.[`${s.namespace}/${s.name}`] ?? "default",
            ports: s.ports.map((p) => ({ port: p.number, targetPort: p.targetPort, protocol: p.protocol })),
          })),
        ...(options.services?.[c.name] ?? []),
      ],
    })),
  };
}
