import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CACERTS_SECRET } from "./certs";
import { ChildOptions } from "./children";
import { MeshClusterPlan } from "./clusterPlan";
import { ISTIO_NAMESPACE, RELEASES } from "./defaults";
import { deepMerge } from "./merge";
import { ClusterCa } from "./args";
import { baseValues, ClusterIdentity, egressGatewayValues, ingressGatewayValues, istiodValues } from "./values";

/** The Istio installation of one cluster, in install order. */
export interface IstioInstallation {
  namespace: k8s.core.v1.Namespace;
  cacerts: k8s.core.v1.Secret;
  base: k8s.helm.v3.Release;
  istiod: k8s.helm.v3.Release;
  ingressGateway: k8s.helm.v3.Release;
  egressGateway: k8s.helm.v3.Release;
}

/**
 * istio-system (labelled with the network) → `cacerts` and `base` → istiod → both gateways. The `cacerts` secret
 * must exist before istiod starts, or istiod generates a self-signed root of its own and the cluster cannot talk to
 * the rest of the mesh; the gateways need istiod's injector (they are injected from the `gateway` template).
 */
export function installIstio(
  name: string,
  plan: MeshClusterPlan,
  identity: ClusterIdentity,
  ca: pulumi.Output<pulumi.Unwrap<ClusterCa>>,
  opts: ChildOptions,
): IstioInstallation {
  const namespace = new k8s.core.v1.Namespace(
    `${name}-istio-system`,
    { metadata: { name: ISTIO_NAMESPACE, labels: { "topology.istio.io/network": plan.network } } },
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
  const release = (suffix: string, releaseName: string, chart: string, values: object, dependsOn: pulumi.Resource[]) =>
    new k8s.helm.v3.Release(
      `${name}-${suffix}`,
      {
        name: releaseName,
        chart,
        version: plan.istioVersion,
        repositoryOpts: { repo: plan.repository },
        // From the Namespace's output: the release waits for it.
        namespace: namespace.metadata.name,
        values,
      },
      { ...opts, dependsOn },
    );
  const o = plan.overrides;
  const base = release("base", RELEASES.base, "base", deepMerge(baseValues(), o.base), []);
  const istiod = release("istiod", RELEASES.istiod, "istiod", deepMerge(istiodValues(identity), o.istiod), [
    base,
    cacerts,
  ]);
  const ingressGateway = release(
    "ingress-gateway",
    RELEASES.ingressGateway,
    "gateway",
    deepMerge(ingressGatewayValues(), o.ingressGateway),
    [istiod],
  );
  const egressGateway = release(
    "egress-gateway",
    RELEASES.egressGateway,
    "gateway",
    deepMerge(egressGatewayValues(), o.egressGateway),
    [istiod],
  );
  return { namespace, cacerts, base, istiod, ingressGateway, egressGateway };
}
