import { GlobalService } from "../model";
import { API_NETWORKING, ObjectMeta, Port, ServiceEntryObject, ServiceEntrySpec, WorkloadEntry } from "./types";

/**
 * A global host with its virtual IP and real ports. MESH_INTERNAL, because every endpoint speaks Istio mTLS (a remote
 * gateway or a meshed local Service); resolved by DNS, because endpoints are hostnames as often as IPs (east-west mode
 * asks for STATIC when every endpoint is an IP address).
 */
export function serviceEntry<A>(
  metadata: ObjectMeta,
  service: GlobalService,
  endpoints: WorkloadEntry<A>[],
  exportTo: string[],
  resolution: ServiceEntrySpec["resolution"] = "DNS",
): ServiceEntryObject<A> {
  return {
    apiVersion: API_NETWORKING,
    kind: "ServiceEntry",
    metadata,
    spec: {
      hosts: [service.host],
      addresses: [service.address],
      ports: service.ports.map((p): Port => ({ number: p.number, name: p.name, protocol: p.protocol })),
      location: "MESH_INTERNAL",
      resolution,
      exportTo,
      endpoints,
    },
  };
}
