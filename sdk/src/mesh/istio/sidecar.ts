import { API_NETWORKING, ObjectMeta, SidecarObject } from "./types";

/** A namespace-wide Sidecar whose proxies import only `hosts` (Istio's `namespace/dnsName` entries). */
export function namespaceSidecar(metadata: ObjectMeta, hosts: string[]): SidecarObject {
  return { apiVersion: API_NETWORKING, kind: "Sidecar", metadata, spec: { egress: [{ hosts }] } };
}
