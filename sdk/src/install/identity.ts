/** What the mesh expects of one cluster, as an operator reads it with `kubectl get configmap -n globalmesh-system`. */
export interface MeshIdentity {
  clusterName: string;
  network: string;
  locality?: string;
  meshId: string;
  trustDomain: string;
  istioVersion: string;
  globalNamespaces: string[];
  ingressGateway: string;
  egressGateway: string;
  /** The east-west gateway's Service host, when installed. */
  eastWestGateway?: string;
}

/** Name of the ConfigMap that records a cluster's mesh identity. */
export const IDENTITY_CONFIGMAP = "mesh-identity";

/**
 * ConfigMap `data`: one flat key per fact (greppable), lists comma-separated and sorted (stable content). The
 * injection policy is left out on purpose: ConfigMap data changes replace the ConfigMap, and editing exclusions must
 * stay an in-place label update (`kubectl get ns -L istio-injection` shows the policy anyway).
 */
export function meshIdentityData(m: MeshIdentity): Record<string, string> {
  const list = (xs: string[]) => [...xs].sort().join(",");
  return {
    "cluster-name": m.clusterName,
    network: m.network,
    ...(m.locality && { locality: m.locality }),
    "mesh-id": m.meshId,
    "trust-domain": m.trustDomain,
    "istio-version": m.istioVersion,
    "global-namespaces": list(m.globalNamespaces),
    "ingress-gateway": m.ingressGateway,
    "egress-gateway": m.egressGateway,
    ...(m.eastWestGateway && { "east-west-gateway": m.eastWestGateway }),
  };
}
