import * as k8s from "@pulumi/kubernetes";
import { checkWhenKnown } from "../whenKnown";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_INGRESS_PORT } from "../mesh";
import { installAgent } from "./agent";
import { MeshClusterArgs } from "./args";
import { planMeshCluster } from "./clusterPlan";
import { EAST_WEST_PORT, GATEWAY_NAMESPACE, RELEASES } from "./defaults";
import { GatewayPlacement, GatewayPrincipals, IngressEndpoint } from "./outputs";
import { AddressOverride, gatewayIdentity, loadBalancerAddress } from "./gateways";
import { meshIdentityData } from "./identity";
import { labelNamespaces } from "./injection";
import { ChildOptions } from "./children";
import { installIstio } from "./istio";

/**
 * Onboards one cluster into a mesh, as TSM's cluster onboarding does: Istio from the official charts with the mesh's
 * shared root of trust (`cacerts` from the cluster's intermediate CA before istiod starts), an ingress gateway that
 * other clusters reach on 443 and an egress gateway that local sidecars leave through (and, with `eastWest: true`, an
 * east-west gateway on 15443), the sidecar injection policy (the revision tag `stable`), and the agent's footprint
 * (`globalmesh-system`, read-only RBAC, a ConfigMap recording the cluster's mesh identity).
 *
 * istiod runs as one or more revisions (`istio.revisions`): a canary upgrade adds a revision, moves the injection tag
 * to it, then the gateways, then removes the old one (docs/operating.md). istiod and every gateway run two replicas
 * by default, with a disruption budget and spread across zones; every Helm release is atomic.
 *
 * The gateways run in `istio-gateways`, not in istio-system with `cacerts` (the gateway chart's Role lets a gateway
 * read its namespace's secrets), each with a service account of its own per cluster (`istio-ingressgateway-<cluster>`,
 * `istio-egressgateway-<cluster>`), so the far end of a tunnel can tell which cluster's gateway it talks to.
 *
 * Its outputs are what a GlobalNamespace's `clusters` entry needs (`clusterName`, `kubeconfig`, `ingress`, `locality`,
 * `network`, `gateways`, `trustDomain`, `injectionExcluded`; in TypeScript pass the MeshCluster itself). Give the
 * GlobalNamespace `dependsOn: [meshCluster…]` so its objects wait for istiod (the Istio CRDs and validating webhook)
 * and the gateways.
 *
 * Values that decide what gets registered (names, network, identity) are plain and known when the program runs; what
 * only the cluster knows (the load balancer's address) is an Output. Bad args throw SpecError before anything is
 * registered.
 */
export class MeshCluster extends pulumi.ComponentResource {
  /** The cluster's name in the mesh (istiod's `global.multiCluster.clusterName`). */
  public readonly clusterName: string;
  /** Kubeconfig of the cluster (secret), as given. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Istio network of the cluster. */
  public readonly network: string;
  /** Istio locality of the cluster, when known. */
  public readonly locality?: string;
  /** Mesh ID (`global.meshID`). */
  public readonly meshId: string;
  /** Trust domain of the cluster's workload identities. */
  public readonly trustDomain: string;
  /** The Istio release new sidecars get: the version of the revision the injection tag points at. */
  public readonly istioVersion: string;
  /** Where the gateways run and the labels that select them: what the wiring's objects name. */
  public readonly gateways: GatewayPlacement;
  /** Where other clusters reach this one: the ingress gateway's external address, port 443. */
  public readonly ingress: IngressEndpoint;
  /** The ingress gateway's external address (load-balancer IP or hostname, or `ingressAddress` when given). */
  public readonly ingressAddress: pulumi.Output<string>;
  /**
   * Where other clusters reach this one's east-west gateway: its external address, port 15443 (a GlobalNamespace
   * entry's `eastWest`). Only with `eastWest: true`.
   */
  public readonly eastWest?: IngressEndpoint;
  /** In-cluster DNS name of the egress gateway Service (sidecars send cross-cluster traffic to its port 443). */
  public readonly egressGatewayHost: string;
  /**
   * Principals of the gateways, for AuthorizationPolicies: `<trustDomain>/ns/istio-gateways/sa/<release>-<cluster>`.
   */
  public readonly gatewayPrincipals: GatewayPrincipals;
  /** Namespaces enrolled for sidecars (labelled `istio.io/rev=stable`). */
  public readonly injectedNamespaces: string[];
  /** Namespaces that must never get sidecars; a GlobalNamespace refuses to map them on this cluster. */
  public readonly injectionExcluded: string[];

  constructor(name: string, args: MeshClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planMeshCluster(name, args);
    // No args to super: the CA key must not be recorded as a component input.
    super("globalmesh:index:MeshCluster", name, {}, opts);
    const kubeconfig = pulumi.secret(args.cluster.kubeconfig);
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig }, { parent: this });
    const child = { parent: this, provider };
    const place = { cluster: plan.clusterName, namespace: GATEWAY_NAMESPACE, trustDomain: plan.trustDomain };
    const ingressGateway = gatewayIdentity(RELEASES.ingressGateway, place);
    const egressGateway = gatewayIdentity(RELEASES.egressGateway, place);
    const eastWestGateway = plan.eastWest ? gatewayIdentity(RELEASES.eastWestGateway, place) : undefined;

    const identity = {
      clusterName: plan.clusterName,
      network: plan.network,
      meshId: plan.meshId,
      trustDomain: plan.trustDomain,
    };
    const istio = installIstio(
      name,
      plan,
      identity,
      { ingress: ingressGateway, egress: egressGateway, ...(eastWestGateway && { eastWest: eastWestGateway }) },
      pulumi.output(args.ca),
      args.cluster.loadBalancerAnnotations,
      child,
    );
    // Label after the tag: a namespace marked for sidecars while no injector answers for the tag starts pods without
    // them yet looks enrolled.
    labelNamespaces(name, plan.injection, child, [istio.injectionTag]);
    installAgent(
      name,
      meshIdentityData({
        ...identity,
        ...(plan.locality && { locality: plan.locality }),
        istioVersion: plan.istioVersion,
        globalNamespaces: plan.globalNamespaces,
        ingressGateway: ingressGateway.serviceHost,
        egressGateway: egressGateway.serviceHost,
        ...(eastWestGateway && { eastWestGateway: eastWestGateway.serviceHost }),
      }),
      child,
    );
    const ingressAddress =
      args.ingressAddress !== undefined
        ? pulumi.output(args.ingressAddress)
        : loadBalancerAddressOf(`${name}-ingress-service`, istio.ingressGateway, ingressGateway.release, child);
    const eastWestAddress =
      istio.eastWestGateway && eastWestGateway
        ? args.eastWestAddress !== undefined
          ? pulumi.output(args.eastWestAddress)
          : loadBalancerAddressOf(`${name}-eastwest-service`, istio.eastWestGateway, eastWestGateway.release, child, {
              field: "eastWestAddress",
              port: EAST_WEST_PORT,
            })
        : undefined;

    this.clusterName = plan.clusterName;
    this.kubeconfig = kubeconfig;
    this.network = plan.network;
    this.locality = plan.locality;
    this.meshId = plan.meshId;
    this.trustDomain = plan.trustDomain;
    this.istioVersion = plan.istioVersion;
    this.gateways = {
      namespace: GATEWAY_NAMESPACE,
      ingressSelector: ingressGateway.selector,
      egressSelector: egressGateway.selector,
      egressService: egressGateway.serviceHost,
      ingressServiceAccount: ingressGateway.serviceAccount,
      egressServiceAccount: egressGateway.serviceAccount,
      ...(eastWestGateway && {
        eastWestSelector: eastWestGateway.selector,
        eastWestServiceAccount: eastWestGateway.serviceAccount,
      }),
    };
    this.ingressAddress = ingressAddress;
    this.ingress = { address: ingressAddress, port: DEFAULT_INGRESS_PORT };
    if (eastWestAddress) this.eastWest = { address: eastWestAddress, port: EAST_WEST_PORT };
    this.egressGatewayHost = egressGateway.serviceHost;
    this.gatewayPrincipals = { ingress: ingressGateway.principal, egress: egressGateway.principal };
    this.injectedNamespaces = plan.injection.namespaces.filter((n) => n.label === "enabled").map((n) => n.namespace);
    this.injectionExcluded = plan.injection.excluded;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      network: this.network,
      locality: this.locality,
      meshId: this.meshId,
      trustDomain: this.trustDomain,
      istioVersion: this.istioVersion,
      gateways: this.gateways,
      ingress: this.ingress,
      ingressAddress: this.ingressAddress,
      eastWest: this.eastWest,
      egressGatewayHost: this.egressGatewayHost,
      gatewayPrincipals: this.gatewayPrincipals,
      injectedNamespaces: this.injectedNamespaces,
      injectionExcluded: this.injectionExcluded,
    });
  }
}

/**
 * The gateway Service's load-balancer address, read once its release is installed. A function, not a method: the
 * component's type stays what its schema says (plain outputs only).
 */
function loadBalancerAddressOf(
  resourceName: string,
  release: k8s.helm.v3.Release,
  serviceName: string,
  opts: ChildOptions,
  override?: AddressOverride,
): pulumi.Output<string> {
  const service = `${GATEWAY_NAMESPACE}/${serviceName}`;
  // The ID comes from the release's output: on a first preview it is unknown, so the read is skipped instead of
  // failing on a Service that does not exist yet (a read ignores plain dependsOn in previews, pulumi/pulumi#16395).
  const svc = k8s.core.v1.Service.get(
    resourceName,
    release.id.apply(() => service),
    { ...opts, dependsOn: [release] },
  );
  return checkWhenKnown(svc.status, (status) => loadBalancerAddress(status, service, override));
}
