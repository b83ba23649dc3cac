import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CACERTS_SECRET } from "./certs";
import { ChildOptions } from "./children";
import { MeshClusterPlan } from "./clusterPlan";
import { GATEWAY_NAMESPACE, ISTIO_NAMESPACE, RELEASES } from "./defaults";
import { GatewayIdentity } from "./gateways";
import { deepMerge } from "./merge";
import { ClusterCa } from "./args";
import { baseValues, ClusterIdentity, egressGatewayValues, ingressGatewayValues, istiodValues } from "./values";

/** The Istio installation of one cluster, in install order. */
export interface IstioInstallation {
  namespace: k8s.core.v1.Namespace;
  gatewayNamespace: k8s.core.v1.Namespace;
  cacerts: k8s.core.v1.Secret;
  base: k8s.helm.v3.Release;
  istiod: k8s.helm.v3.Release;
  ingressGateway: k8s.helm.v3.Release;
  egressGateway: k8s.helm.v3.Release;
}

/** The two gateways of a cluster, as the rest of the mesh names them. */
export interface ClusterGateways {
  ingress: GatewayIdentity;
  egress: GatewayIdentity;
}

/**
 * istio-system (labelled with the network) → `cacerts` and `base` → istiod → both gateways (in `istio-gateways`).
 * The `cacerts` secret must exist before istiod starts, or istiod generates a self-signed root of its own and the
 * cluster cannot talk to the rest of the mesh; the gateways need istiod's injector (they are injected from the
 * `gateway` template). The gateways run in a namespace of their own: the gateway chart's Role lets a gateway read
 * the secrets of its namespace, and `cacerts` holds the intermediate CA's key.
 */
export function installIstio(
  name: string,
  plan: MeshClusterPlan,
  identity: ClusterIdentity,
  gateways: ClusterGateways,
  ca: pulumi.Output<pulumi.Unwrap<ClusterCa>>,
  opts: ChildOptions,
): IstioInstallation {
  const namespace = new k8s.core.v1.Namespace(
    `${name}-istio-system`,
    { metadata: { name: ISTIO_NAMESPACE, labels: { "topology.istio.io/network": plan.network } } },
    opts,
  );
  // No `istio-injection` label: the chart's pods ask for injection themselves (`sidecar.istio.io/inject: "true"`,
  // template `gateway`), which a namespace labelled `disabled` would refuse. A system namespace, so MeshCluster's
  // injection policy never labels it.
  const gatewayNamespace = new k8s.core.v1.Namespace(
    `${name}-istio-gateways`,
    { metadata: { name: GATEWAY_NAMESPACE } },
    opts,
  );
  const cacerts = new k8s.core.v1.Secret(
    `${name}-cacerts`,
    {
      metadata: { name: CACERTS_SECRET, namespace: namespace.metadata.name },
      stringData: {
        "ca-cert.pem": ca.certPem,
        "ca-key.pem": pulumi.secret(ca.keyPem),
        "root-cert.pem": ca.rootCertsPem,
        "cert-chain.pem": ca.certChainPem,
      },
    },
    // A fixed name: a replacement must delete the old secret first or the create collides.
    { ...opts, deleteBeforeReplace: true },
  );
  const release = (
    suffix: string,
    releaseName: string,
    chart: string,
    values: object,
    releaseNamespace: k8s.core.v1.Namespace,
    dependsOn: pulumi.Resource[],
  ) =>
    new k8s.helm.v3.Release(
      `${name}-${suffix}`,
      {
        name: releaseName,
        chart,
        version: plan.istioVersion,
        repositoryOpts: { repo: plan.repository },
        // From the Namespace's output: the release waits for it.
        namespace: releaseNamespace.metadata.name,
        values,
      },
      { ...opts, dependsOn },
    );
  const o = plan.overrides;
  const base = release("base", RELEASES.base, "base", deepMerge(baseValues(), o.base), namespace, []);
  const istiod = release("istiod", RELEASES.istiod, "istiod", deepMerge(istiodValues(identity), o.istiod), namespace, [
    base,
    cacerts,
  ]);
  const ingressGateway = release(
    "ingress-gateway",
    gateways.ingress.release,
    "gateway",
    deepMerge(ingressGatewayValues(gateways.ingress.serviceAccount), o.ingressGateway),
    gatewayNamespace,
    [istiod],
  );
  const egressGateway = release(
    "egress-gateway",
    gateways.egress.release,
    "gateway",
    deepMerge(egressGatewayValues(gateways.egress.serviceAccount), o.egressGateway),
    gatewayNamespace,
    [istiod],
  );
  return { namespace, gatewayNamespace, cacerts, base, istiod, ingressGateway, egressGateway };
}
