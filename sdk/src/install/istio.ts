import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CACERTS_SECRET } from "./certs";
import { ChildOptions } from "./children";
import { MeshClusterPlan } from "./clusterPlan";
import { GATEWAY_NAMESPACE, ISTIO_NAMESPACE, RELEASE_TIMEOUT_SECONDS, RELEASES } from "./defaults";
import { GatewayIdentity } from "./gateways";
import { injectionTag, injectorSettings } from "./injectionTag";
import { deepMerge } from "./merge";
import { ClusterCa } from "./args";
import { RevisionPlan } from "./revisions";
import {
  baseValues,
  ClusterIdentity,
  eastWestGatewayValues,
  egressGatewayValues,
  ingressGatewayValues,
  istiodValues,
  ReleaseShape,
} from "./values";

/** The Istio installation of one cluster, in install order. */
export interface IstioInstallation {
  namespace: k8s.core.v1.Namespace;
  gatewayNamespace: k8s.core.v1.Namespace;
  cacerts: k8s.core.v1.Secret;
  base: k8s.helm.v3.Release;
  /** One istiod release per revision, by revision name. */
  istiods: Record<string, k8s.helm.v3.Release>;
  /** The injection tag's webhook: what enrolled namespaces' pods are injected by. */
  injectionTag: k8s.admissionregistration.v1.MutatingWebhookConfiguration;
  ingressGateway: k8s.helm.v3.Release;
  egressGateway: k8s.helm.v3.Release;
  eastWestGateway?: k8s.helm.v3.Release;
}

/** The gateways of a cluster, as the rest of the mesh names them. */
export interface ClusterGateways {
  ingress: GatewayIdentity;
  egress: GatewayIdentity;
  /** Installed with `eastWest: true`. */
  eastWest?: GatewayIdentity;
}

/**
 * Resource name of a revision's istiod release: `<name>-istiod` for the default revision (the name every stack made
 * before revisions had, so upgrading globalmesh changes it in place), `<name>-istiod-<revision>` for the others.
 */
const istiodResourceName = (name: string, r: RevisionPlan) =>
  r.chartRevision ? `${name}-istiod-${r.chartRevision}` : `${name}-istiod`;

/**
 * istio-system (labelled with the network) → `cacerts` and `base` → each revision's istiod → the injection tag → the
 * gateways (in `istio-gateways`), which wait for the revision that injects them. The `cacerts` secret must exist
 * before istiod starts, or istiod generates a self-signed root of its own and the cluster cannot talk to the rest of
 * the mesh; the gateways need their revision's injector (they are injected from the `gateway` template). The gateways
 * run in a namespace of their own: the gateway chart's Role lets a gateway read the secrets of its namespace, and
 * `cacerts` holds the intermediate CA's key.
 *
 * Every release is atomic (a failed install or upgrade is rolled back, a failed first install leaves nothing that
 * blocks the retry) and cleans up what it created on failure, with timeouts sized for load balancers and image pulls
 * (`RELEASE_TIMEOUT_SECONDS`).
 */
export function installIstio(
  name: string,
  plan: MeshClusterPlan,
  identity: ClusterIdentity,
  gateways: ClusterGateways,
  ca: pulumi.Output<pulumi.Unwrap<ClusterCa>>,
  loadBalancerAnnotations: Record<string, string> | undefined,
  opts: ChildOptions,
): IstioInstallation {
  const namespace = new k8s.core.v1.Namespace(
    `${name}-istio-system`,
    { metadata: { name: ISTIO_NAMESPACE, labels: { "topology.istio.io/network": plan.network } } },
    opts,
  );
  // No injection label: the chart's pods ask for injection themselves (`sidecar.istio.io/inject: "true"`, template
  // `gateway`, and `istio.io/rev` when their revision is not the default one), which a namespace labelled `disabled`
  // would refuse. A system namespace, so MeshCluster's injection policy never labels it.
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
    resourceName: string,
    releaseName: string,
    chart: string,
    version: string,
    values: object,
    releaseNamespace: k8s.core.v1.Namespace,
    timeout: number,
    dependsOn: pulumi.Resource[],
  ) =>
    new k8s.helm.v3.Release(
      resourceName,
      {
        name: releaseName,
        chart,
        version,
        repositoryOpts: { repo: plan.repository },
        // From the Namespace's output: the release waits for it.
        namespace: releaseNamespace.metadata.name,
        values,
        atomic: true,
        cleanupOnFail: true,
        timeout,
      },
      { ...opts, dependsOn },
    );
  const o = plan.overrides;
  const { revisions, injection, gateways: gatewayRevision, baseVersion } = plan.revisions;
  const availability = plan.availability;
  const base = release(
    `${name}-base`,
    RELEASES.base,
    "base",
    baseVersion,
    deepMerge(baseValues(injection.label), o.base),
    namespace,
    RELEASE_TIMEOUT_SECONDS.base,
    [],
  );
  const istiods: Record<string, k8s.helm.v3.Release> = {};
  for (const r of revisions) {
    const shape = {
      chartRevision: r.chartRevision,
      label: r.label,
      replicas: availability.istiodReplicas,
      spreadAcrossZones: availability.spreadAcrossZones,
    };
    istiods[r.name] = release(
      istiodResourceName(name, r),
      r.release,
      "istiod",
      r.version,
      deepMerge(istiodValues(identity, shape, plan.hub), o.istiod),
      namespace,
      RELEASE_TIMEOUT_SECONDS.istiod,
      [base, cacerts],
    );
  }
  // The tag's webhooks are the chart's (revision-tags-mwc.yaml), so they take the same values the chart's would.
  const tag = injectionTag(name, injection, injectorSettings(o.istiod), opts, [istiods[injection.name]]);

  const gatewayShape: ReleaseShape = {
    chartRevision: gatewayRevision.chartRevision,
    label: gatewayRevision.label,
    replicas: availability.gatewayReplicas,
    spreadAcrossZones: availability.spreadAcrossZones,
  };
  const gateway = (suffix: string, id: GatewayIdentity, values: object) =>
    release(
      `${name}-${suffix}`,
      id.release,
      "gateway",
      gatewayRevision.version,
      values,
      gatewayNamespace,
      RELEASE_TIMEOUT_SECONDS.gateway,
      [istiods[gatewayRevision.name]],
    );
  const { ingress, egress, eastWest } = gateways;
  const ingressGateway = gateway(
    "ingress-gateway",
    ingress,
    deepMerge(
      ingressGatewayValues(ingress.release, ingress.serviceAccount, gatewayShape, loadBalancerAnnotations),
      o.ingressGateway,
    ),
  );
  const egressGateway = gateway(
    "egress-gateway",
    egress,
    deepMerge(egressGatewayValues(egress.release, egress.serviceAccount, gatewayShape), o.egressGateway),
  );
  const eastWestGateway =
    eastWest &&
    gateway(
      "eastwest-gateway",
      eastWest,
      deepMerge(
        eastWestGatewayValues(
          eastWest.release,
          eastWest.serviceAccount,
          plan.network,
          gatewayShape,
          loadBalancerAnnotations,
        ),
        o.eastWestGateway,
      ),
    );
  return {
    namespace,
    gatewayNamespace,
    cacerts,
    base,
    istiods,
    injectionTag: tag,
    ingressGateway,
    egressGateway,
    ...(eastWestGateway && { eastWestGateway }),
  };
}
