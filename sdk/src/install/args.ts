import * as pulumi from "@pulumi/pulumi";
import type { ClusterConnection } from "../clusters/connection";

export interface MeshTrustArgs {
  /**
   * Names of the mesh's clusters (DNS-1123 labels, each once): each gets an intermediate CA signed by the root. Adding
   * a name adds one intermediate; the others stay as they are.
   */
  clusters: string[];
  /** Mesh ID: `global.meshID` of every istiod in the mesh (DNS-1123 label). Default: the resource name. */
  meshId?: string;
  /** SPIFFE trust domain of workload identities (`meshConfig.trustDomain`), the same in every cluster. Default `cluster.local`. */
  trustDomain?: string;
  /** Bring your own root: its certificate, PEM. Give it with `rootKeyPem`. Default: MeshTrust generates a root. */
  rootCertPem?: pulumi.Input<string>;
  /** Bring your own root: its private key, PEM. Pass it as a secret (`config.requireSecret`); MeshTrust keeps it secret either way. */
  rootKeyPem?: pulumi.Input<string>;
  /** Lifetime of a generated root CA, in hours. Default 87600 (10 years). */
  rootValidityHours?: number;
  /** Lifetime of each cluster's intermediate CA, in hours. Default 17520 (2 years). */
  intermediateValidityHours?: number;
}

/** Which namespaces get Istio sidecars: TSM's namespace onboarding, done with the `istio-injection` label. */
export interface InjectionPolicy {
  /**
   * Namespaces of the cluster to enrol: each is labelled `istio-injection=enabled` (or `disabled` when it is also in
   * `exclude`). A namespace that does not exist yet is created by the label patch. Default: none.
   */
  namespaces?: string[];
  /**
   * TSM's "all namespaces" mode, within what a Pulumi program can see: `namespaces` is then the program's inventory of
   * the cluster's namespaces, and system namespaces in it are skipped instead of rejected. Namespaces created later
   * outside the program are NOT labelled (Pulumi cannot list a cluster's namespaces while it plans); add them to the
   * inventory. Default false: `namespaces` is an explicit list and naming a system namespace is an error.
   */
  allNamespaces?: boolean;
  /**
   * Namespaces that must never get sidecars. Those in `namespaces` are labelled `istio-injection=disabled`, so moving a
   * namespace in or out of this list is an in-place label change. A GlobalNamespace refuses to map an excluded
   * namespace. Default: none.
   */
  exclude?: string[];
}

/** One cluster's plug-in CA: what goes into its `cacerts` secret. MeshTrust's `intermediates` hold one per cluster. */
export interface ClusterCa {
  /** The intermediate CA certificate, PEM (`ca-cert.pem`). */
  certPem: pulumi.Input<string>;
  /** Its private key, PEM (`ca-key.pem`). Kept secret. */
  keyPem: pulumi.Input<string>;
  /** The intermediate, then the chain up to the root, PEM (`cert-chain.pem`). */
  certChainPem: pulumi.Input<string>;
  /** The root certificates the cluster trusts, PEM (`root-cert.pem`); several during a root rotation. */
  rootCertsPem: pulumi.Input<string>;
}

/**
 * Helm chart values, as in a values.yaml file: free-form, so `any` (Pulumi's schema inference makes it an `Any` map
 * for every language).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type HelmValues = { [key: string]: any };

/**
 * Caller overrides of the chart values, as in a values.yaml file, deep-merged over MeshCluster's (arrays replace).
 * The keys MeshCluster derives (mesh identity, gateway names and labels) cannot be overridden.
 */
export interface IstioValuesOverrides {
  /** Over the `istio/base` values. Default: none. */
  base?: HelmValues;
  /** Over the `istio/istiod` values; not `global.meshID`, `global.multiCluster.clusterName`, `global.network`, `meshConfig.trustDomain`. Default: none. */
  istiod?: HelmValues;
  /** Over the ingress gateway's `istio/gateway` values; not `name`, `labels.app`, `labels.istio`, `serviceAccount.name`. Default: none. */
  ingressGateway?: HelmValues;
  /** Over the egress gateway's `istio/gateway` values; same fixed keys as `ingressGateway`. Default: none. */
  egressGateway?: HelmValues;
}

/** Which Istio to install, from where, with what values. */
export interface IstioRelease {
  /** Istio release `x.y.z` (chart version of base, istiod and gateway). Default `1.29.2`. */
  version?: string;
  /** Helm repository of the charts. Default `https://istio-release.storage.googleapis.com/charts`. */
  repository?: string;
  /** Chart value overrides. Default: none. */
  values?: IstioValuesOverrides;
}

export interface MeshClusterArgs {
  /**
   * The cluster to onboard: its name and kubeconfig (an EksCluster, AksCluster or KubeconfigCluster fits as it is).
   * MeshCluster writes through a provider of its own built from the kubeconfig. Onboard a cluster once.
   */
  cluster: ClusterConnection;
  /** The cluster's intermediate CA (MeshTrust's `intermediates[clusterName]`; `trust.caFor(clusterName)` in TypeScript). Kept secret. */
  ca: pulumi.Input<ClusterCa>;
  /** Mesh ID (`global.meshID`), the same for every cluster of the mesh: MeshTrust's `meshId`. */
  meshId: string;
  /** SPIFFE trust domain of the mesh's workload identities: MeshTrust's `trustDomain`. Default `cluster.local`. */
  trustDomain?: string;
  /** Istio network of the cluster (`global.network`, `topology.istio.io/network` on istio-system). Default: the cluster's `network`, else its name. */
  network?: string;
  /** Istio locality `region[/zone[/subzone]]` of the cluster. Default: the cluster's `locality`. */
  locality?: string;
  /** Istio version, chart repository and value overrides. Default: Istio 1.29.2 from the official repository. */
  istio?: IstioRelease;
  /** Sidecar injection policy. Default: no namespace is labelled. */
  injection?: InjectionPolicy;
  /** Names of the GlobalNamespaces this cluster joins, recorded in its mesh identity ConfigMap for operators (informational). Default: none. */
  globalNamespaces?: string[];
  /**
   * Where other clusters reach this cluster's ingress gateway (port 443), when that is not the load-balancer address
   * of its Service: a DNS name in front of it, or a node address on a cluster without a LoadBalancer implementation
   * (then also set `istio.values.ingressGateway.service.type` to `NodePort`, or Helm waits for a load balancer that
   * never comes). Default: read from the Service's load-balancer status.
   */
  ingressAddress?: pulumi.Input<string>;
}
