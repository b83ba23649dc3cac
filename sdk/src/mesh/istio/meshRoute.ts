import { GlobalService, ResolvedPort } from "../model";
import { routeKind } from "../ports";
import {
  API_NETWORKING,
  Destination,
  ObjectMeta,
  RouteDestination,
  VirtualServiceObject,
  VirtualServiceSpec,
} from "./types";

/**
 * The sidecars' route for a global host: each port to `destination(port)`, in the section its protocol needs, so the
 * sidecar keeps what it knows of the protocol — `http` for the HTTP family, `tls` (matched on the host as SNI) for
 * TLS, `tcp` for the rest. Sections appear in the order of their first port.
 */
export function meshRoute(
  metadata: ObjectMeta,
  service: GlobalService,
  destination: (port: ResolvedPort) => Destination,
  exportTo: string[],
): VirtualServiceObject {
  const spec: VirtualServiceSpec = { hosts: [service.host], exportTo };
  for (const p of service.ports) {
    const route: RouteDestination[] = [{ destination: destination(p) }];
    switch (routeKind(p.protocol)) {
      case "http":
        (spec.http ??= []).push({ match: [{ port: p.number }], route });
        break;
      case "tls":
        (spec.tls ??= []).push({ match: [{ port: p.number, sniHosts: [service.host] }], route });
        break;
      case "tcp":
        (spec.tcp ??= []).push({ match: [{ port: p.number }], route });
        break;
    }
  }
  return { apiVersion: API_NETWORKING, kind: "VirtualService", metadata, spec };
}
