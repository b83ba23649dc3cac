/** The Kubernetes objects the compiler emits: plain data, ready for YAML or a Pulumi CustomResource. */
export interface MeshObject<A = string> {
  apiVersion: "networking.istio.io/v1";
  kind: "ServiceEntry" | "VirtualService" | "DestinationRule" | "Gateway";
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  /** Values of type `A` appear only as ServiceEntry endpoint addresses (remote ingress gateways). */
  spec: Record<string, unknown | A>;
}

/** `<kind>/<namespace>/<name>`: unique among the objects of one cluster. */
export function objectKey(o: Pick<MeshObject<unknown>, "kind" | "metadata">): string {
  return `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
}
