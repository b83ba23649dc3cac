import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterHandle } from "../clusters";
import { GlobalNamespaceCluster } from "../gns/args";
import { DEFAULT_INGRESS_PORT, GatewaysSpec } from "../mesh";
import { AgentFootprint, installAgent } from "./agent";
import { MeshClusterArgs } from "./args";
import { claim } from "./claims";
import { planMeshCluster } from "./clusterPlan";
import { ISTIO_NAMESPACE, RELEASES } from "./defaults";
import { gatewayIdentity, loadBalancerAddress } from "./gateways";
import { meshIdentityData } from "./identity";
import { labelNamespaces } from "./injection";
import { installIstio, IstioInstallation } from "./istio";

/**
 * Onboards one cluster into a mesh, as TSM's cluster onboarding does: Istio from the official charts with the mesh's
 * shared root of trust (`cacerts` from MeshTrust before istiod starts), an ingress gateway that other clusters reach
 * on 443 and an egress gateway that local sidecars leave through, the sidecar injection policy, and the agent's
 * footprint (`globalmesh-system`, read-only RBAC, a ConfigMap recording the cluster's mesh identity).
 *
 * A MeshCluster is itself a GlobalNamespace member: pass it as `cluster` in GlobalNamespace `members` and the
 * wiring finds its ingress address, network, locality and gateways, and waits for its istiod and gateways.
 *
 * Values that decide what gets registered (names, network, identity) are plain strings known when the program runs;
 * what only the cluster knows (the load balancer's address) is an Output. Bad args throw SpecError before anything is
 * registered.
 */
export class MeshCluster extends pulumi.ComponentResource implements GlobalNamespaceCluster, ClusterHandle {
  /** The cluster's name in the mesh (istiod's `global.multiCluster.clusterName`). */
  public readonly clusterName!: string;
  /** Kubeconfig of the cluster (secret), as the handle gave it. */
  public readonly kubeconfig!: pulumi.Output<string>;
  /** The handle's provider; everything MeshCluster (and a GlobalNamespace) writes to the cluster goes through it. */
  public readonly provider!: k8s.Provider;
  /** Istio network of the cluster. */
  public readonly network!: string;
  /** Istio locality of the cluster, when known. */
  public readonly locality?: string;
  /** Mesh ID, from the MeshTrust. */
  public readonly meshId!: string;
  /** Trust domain of the cluster's workload identities, from the MeshTrust. */
  public readonly trustDomain!: string;
  /** The Istio release installed. */
  public readonly istioVersion!: string;
  /** Where the gateways run and the labels that select them: what the wiring's objects name. */
  public readonly gateways!: Required<GatewaysSpec>;
  /** Where other clusters reach this one: the ingress gateway's external address, port 443. */
  public readonly ingress!: { readonly address: pulumi.Output<string>; readonly port: number };
  /** The ingress gateway's external address (load-balancer IP or hostname, or `ingressAddress` when given). */
  public readonly ingressAddress!: pulumi.Output<string>;
  /** In-cluster DNS name of the egress gateway Service (sidecars send cross-cluster traffic to its port 443). */
  public readonly egressGatewayHost!: string;
  /** SPIFFE principals of the gateways, for AuthorizationPolicies (`<trustDomain>/ns/istio-system/sa/<gateway>`). */
  public readonly gatewayPrincipals!: { readonly ingress: string; readonly egress: string };
  /** Namespaces labelled `istio-injection=enabled`. */
  public readonly injectedNamespaces!: string[];
  /** Namespaces that must never get sidecars; a GlobalNamespace refuses to map them on this cluster. */
  public readonly injectionExcluded!: string[];
  /**
   * What mesh objects and apps on this cluster must wait for: istiod (CRDs, validating webhook, injector), both
   * gateways, and the injection labels of the enrolled namespaces.
   */
  public readonly meshReady!: pulumi.Resource[];
  /** The Istio installation: istio-system, `cacerts` and the Helm releases. */
  public readonly istio!: IstioInstallation;
  /** The mesh agent's footprint. */
  public readonly agent!: AgentFootprint;

  constructor(name: string, args: MeshClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planMeshCluster(name, args);
    super("globalmesh:index:MeshCluster", name, {}, opts);
    claim(args.cluster, name);
    const { trust, cluster } = args;
    const child = { parent: this, provider: cluster.provider };
    const ingressGateway = gatewayIdentity(RELEASES.ingressGateway, ISTIO_NAMESPACE, trust.trustDomain);
    const egressGateway = gatewayIdentity(RELEASES.egressGateway, ISTIO_NAMESPACE, trust.trustDomain);

    const identity = { clusterName: plan.clusterName, network: plan.network, meshId: trust.meshId, trustDomain: trust.trustDomain };
    const istio = installIstio(name, plan, identity, trust.intermediateFor(plan.clusterName), child);
    // Label after istiod: a namespace marked for sidecars while no injector exists starts pods without them yet looks enrolled.
    const labels = labelNamespaces(name, plan.injection, child, [istio.istiod]);
    const injectedNamespaces = plan.injection.namespaces.filter((n) => n.label === "enabled").map((n) => n.namespace);
    const agent = installAgent(
      name,
      meshIdentityData({
        ...identity,
        ...(plan.locality && { locality: plan.locality }),
        istioVersion: plan.istioVersion,
        globalNamespaces: plan.globalNamespaces,
        ingressGateway: ingressGateway.serviceHost,
        egressGateway: egressGateway.serviceHost,
      }),
      child,
    );
    const ingressAddress =
      args.ingressAddress !== undefined
        ? pulumi.output(args.ingressAddress)
        : this.loadBalancerAddressOf(name, istio.ingressGateway, ingressGateway.release, cluster.provider);

    this.clusterName = plan.clusterName;
    this.kubeconfig = pulumi.secret(cluster.kubeconfig);
    this.provider = cluster.provider;
    this.network = plan.network;
    this.locality = plan.locality;
    this.meshId = trust.meshId;
    this.trustDomain = trust.trustDomain;
    this.istioVersion = plan.istioVersion;
    this.gateways = {
      namespace: ISTIO_NAMESPACE,
      ingressSelector: ingressGateway.selector,
      egressSelector: egressGateway.selector,
      egressService: egressGateway.serviceHost,
    };
    this.ingressAddress = ingressAddress;
    this.ingress = { address: ingressAddress, port: DEFAULT_INGRESS_PORT };
    this.egressGatewayHost = egressGateway.serviceHost;
    this.gatewayPrincipals = { ingress: ingressGateway.principal, egress: egressGateway.principal };
    this.injectedNamespaces = injectedNamespaces;
    this.injectionExcluded = plan.injection.excluded;
    // Apps deployed after meshReady start with sidecars: istiod injects, and their namespaces carry the label.
    this.meshReady = [istio.istiod, istio.ingressGateway, istio.egressGateway, ...labels];
    this.istio = istio;
    this.agent = agent;
    this.registerOutputs({
      clusterName: this.clusterName,
      network: this.network,
      meshId: this.meshId,
      trustDomain: this.trustDomain,
      istioVersion: this.istioVersion,
      ingressAddress: this.ingressAddress,
      egressGatewayHost: this.egressGatewayHost,
      gatewayPrincipals: this.gatewayPrincipals,
      injectedNamespaces: this.injectedNamespaces,
      injectionExcluded: this.injectionExcluded,
    });
  }

  /** The gateway Service's load-balancer address, read once its release is installed. */
  private loadBalancerAddressOf(name: string, release: k8s.helm.v3.Release, serviceName: string, provider: k8s.Provider): pulumi.Output<string> {
    const service = `${ISTIO_NAMESPACE}/${serviceName}`;
    // The ID comes from the release's output: on a first preview it is unknown, so the read is skipped instead of
    // failing on a Service that does not exist yet (a read ignores plain dependsOn in previews, pulumi/pulumi#16395).
    const svc = k8s.core.v1.Service.get(`${name}-ingress-service`, release.id.apply(() => service), { parent: this, provider, dependsOn: [release] });
    return svc.status.apply((status) => loadBalancerAddress(status, service));
  }
}
