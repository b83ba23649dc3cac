/** SPIFFE principals of a cluster's gateways, as AuthorizationPolicies name them. */
export interface GatewayPrincipals {
  /** The ingress gateway's, `<trustDomain>/ns/istio-system/sa/istio-ingressgateway`. */
  ingress: string;
  /** The egress gateway's, `<trustDomain>/ns/istio-system/sa/istio-egressgateway`. */
  egress: string;
}
