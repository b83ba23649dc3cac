import * as pulumi from "@pulumi/pulumi";

// Types of MeshCluster's outputs. Their own names, not the GlobalNamespace input types they fit: Pulumi's schema
// inference fixes a type's shape (which fields are plain) where it first meets it, and outputs are never plain.

/** Where other clusters reach a cluster's ingress gateway, as MeshCluster outputs it. */
export interface IngressEndpoint {
  /** The ingress gateway's load-balancer IP or hostname (or MeshCluster's `ingressAddress` when given). */
  address: pulumi.Output<string>;
  /** The gateway's cross-cluster (mTLS) port: 443. */
  port: number;
}

/** Where a cluster's Istio gateways run and how Istio objects select them, as MeshCluster installed them. */
export interface GatewayPlacement {
  /** Namespace of the gateways: `istio-system`. */
  namespace: string;
  /** Pod labels of the ingress gateway. */
  ingressSelector: Record<string, string>;
  /** Pod labels of the egress gateway. */
  egressSelector: Record<string, string>;
  /** In-cluster DNS name of the egress gateway Service. */
  egressService: string;
}

/** SPIFFE principals of a cluster's gateways, as AuthorizationPolicies name them. */
export interface GatewayPrincipals {
  /** The ingress gateway's, `<trustDomain>/ns/istio-system/sa/istio-ingressgateway`. */
  ingress: string;
  /** The egress gateway's, `<trustDomain>/ns/istio-system/sa/istio-egressgateway`. */
  egress: string;
}
