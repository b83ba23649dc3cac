import {
  AuthorizationPolicyObject,
  DestinationRuleObject,
  GatewayObject,
  PeerAuthenticationObject,
  ServiceEntryObject,
  SidecarObject,
  VirtualServiceObject,
} from "./istio/types";

export { API_NETWORKING, API_SECURITY } from "./istio/types";
export type {
  AuthorizationPolicyObject,
  AuthorizationPolicySpec,
  PeerAuthenticationObject,
  PeerAuthenticationSpec,
  DestinationRuleObject,
  DestinationRuleSpec,
  GatewayObject,
  GatewaySpec,
  ServiceEntryObject,
  ServiceEntrySpec,
  SidecarObject,
  SidecarSpec,
  VirtualServiceObject,
  VirtualServiceSpec,
} from "./istio/types";

/**
 * The Kubernetes objects the compiler emits: plain data, ready for YAML or a Pulumi CustomResource. Narrowing on
 * `kind` gives the typed `spec`. Values of type `A` appear only as ServiceEntry endpoint addresses (remote ingress
 * gateways).
 */
export type MeshObject<A = string> =
  | ServiceEntryObject<A>
  | VirtualServiceObject
  | DestinationRuleObject
  | GatewayObject
  | AuthorizationPolicyObject
  | PeerAuthenticationObject
  | SidecarObject;

/** `<kind>/<namespace>/<name>`: unique among the objects of one cluster. */
export function objectKey(o: Pick<MeshObject<unknown>, "kind" | "metadata">): string {
  return `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
}
