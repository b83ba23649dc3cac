import * as pulumi from "@pulumi/pulumi";

// Types of MeshCluster's outputs. Their own names, not the GlobalNamespace input types they fit: Pulumi's schema
// inference fixes a type's shape (which fields are plain) where it first meets it, and outputs are never plain.

/** Where other clusters reach a cluster's ingress or east-west gateway, as MeshCluster outputs it. */
export interface IngressEndpoint {
  /** The gateway's load-balancer IP or hostname (or MeshCluster's `ingressAddress` / `eastWestAddress` when given). */
  address: pulumi.Output<string>;
  /** The gateway's cross-cluster (mTLS) port: 443 for the ingress gateway, 15443 for the east-west gateway. */
  port: number;
}

/**
 * Where a cluster's Istio gateways run, how Istio objects select them and who they are, as MeshCluster installs them.
 */
export interface GatewayPlacement {
  /** Namespace of the gateways: `istio-gateways` (not istio-system, where `cacerts` is). */
  namespace: string;
  /** Pod labels of the ingress gateway. */
  ingressSelector: Record<string, string>;
  /** Pod labels of the egress gateway. */
  egressSelector: Record<string, string>;
  /** In-cluster DNS name of the egress gateway Service. */
  egressService: string;
  /** Service account of the ingress gateway pods, the cluster's own: `istio-ingressgateway-<cluster>`. */
  ingressServiceAccount: string;
  /** Service account of the egress gateway pods, the cluster's own: `istio-egressgateway-<cluster>`. */
  egressServiceAccount: string;
  /** Pod labels of the east-west gateway, `{ istio: "eastwestgateway" }`; only with `eastWest: true`. */
  eastWestSelector?: Record<string, string>;
  /** Service account of the east-west gateway pods: `istio-eastwestgateway-<cluster>`; only with `eastWest: true`. */
  eastWestServiceAccount?: string;
}

/** Principals of a cluster's gateways, as AuthorizationPolicies name them (TLS checks add `spiffe://`). */
export interface GatewayPrincipals {
  /** The ingress gateway's, `<trustDomain>/ns/istio-gateways/sa/istio-ingressgateway-<cluster>`. */
  ingress: string;
  /** The egress gateway's, `<trustDomain>/ns/istio-gateways/sa/istio-egressgateway-<cluster>`. */
  egress: string;
}
