import { gatewaySelector, gatewayServiceAccount, gatewayServiceHost, principal } from "../mesh";

/** How the rest of the mesh names one gateway installed by the `istio/gateway` chart. */
export interface GatewayIdentity {
  /** Helm release name; also the Deployment and Service name. */
  release: string;
  /** Pod labels that select it, as Gateway `selector`s use them. */
  selector: Record<string, string>;
  /**
   * Its service account, `<release>-<cluster>`: an identity of its own per cluster (chart value `serviceAccount.name`).
   */
  serviceAccount: string;
  /** Its principal, `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`, for AuthorizationPolicies. */
  principal: string;
  /** In-cluster DNS name of its Service. */
  serviceHost: string;
}

/** Where a gateway runs: the cluster it belongs to, its namespace and the trust domain of the cluster's identities. */
export interface GatewayPlace {
  cluster: string;
  namespace: string;
  trustDomain: string;
}

/**
 * The chart names the Deployment, the Service and the pod labels after the release; the service account is set
 * per cluster, so that the far end of a tunnel can tell one cluster's gateway from another's.
 */
export function gatewayIdentity(release: string, { cluster, namespace, trustDomain }: GatewayPlace): GatewayIdentity {
  const serviceAccount = gatewayServiceAccount(release, cluster);
  return {
    release,
    selector: gatewaySelector(release),
    serviceAccount,
    principal: principal(trustDomain, namespace, serviceAccount),
    serviceHost: gatewayServiceHost(release, namespace),
  };
}

/** A Service's `status` as far as the load balancer is concerned. */
export interface LoadBalancerStatus {
  loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] };
}

/** Which MeshCluster field overrides a gateway's load-balancer address, and the port it must reach. */
export interface AddressOverride {
  field: "ingressAddress" | "eastWestAddress";
  port: number;
}

/**
 * The external address of a LoadBalancer Service: the first ingress IP, else its hostname (AWS ELBs give names).
 * Helm only reports the release ready once the load balancer has an address, so a missing one is an error.
 */
export function loadBalancerAddress(
  status: LoadBalancerStatus | undefined,
  service: string,
  override: AddressOverride = { field: "ingressAddress", port: 443 },
): string {
  const first = status?.loadBalancer?.ingress?.[0];
  const address = first?.ip || first?.hostname;
  if (!address)
    throw new Error(
      `Service ${service} has no load-balancer address; the cluster may have no LoadBalancer implementation. ` +
        `Give MeshClusterArgs.${override.field} (an address that reaches the gateway's port ${override.port}) instead.`,
    );
  return address;
}
