import * as pulumi from "@pulumi/pulumi";
import { ClusterHandle } from "../clusters";
import type { MeshTrust } from "./meshTrust";
import { DeepPartial } from "./merge";
import { BaseValues, GatewayValues, IstiodValues } from "./values";

export interface MeshTrustArgs {
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
export interface InjectionArgs {
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

/** Caller overrides of the chart values, deep-merged over MeshCluster's (arrays replace). */
export interface IstioValuesOverrides {
  /** Over the `istio/base` values. Default: none. */
  base?: DeepPartial<BaseValues>;
  /** Over the `istio/istiod` values. Mesh identity keys are MeshTrust's and MeshCluster's and cannot be overridden. Default: none. */
  istiod?: DeepPartial<IstiodValues>;
  /** Over the ingress gateway's `istio/gateway` values. Its name, selector labels and service account are fixed. Default: none. */
  ingressGateway?: DeepPartial<GatewayValues>;
  /** Over the egress gateway's `istio/gateway` values. Its name, selector labels and service account are fixed. Default: none. */
  egressGateway?: DeepPartial<GatewayValues>;
}

/** Which Istio to install, from where, with what values. */
export interface IstioArgs {
  /** Istio release `x.y.z` (chart version of base, istiod and gateway). Default `1.29.2`. */
  version?: string;
  /** Helm repository of the charts. Default `https://istio-release.storage.googleapis.com/charts`. */
  repository?: string;
  /** Chart value overrides. Default: none. */
  values?: IstioValuesOverrides;
}

export interface MeshClusterArgs {
  /** The cluster to onboard (EksCluster, AksCluster, KubeconfigCluster or `{ clusterName, kubeconfig, provider }`). A cluster joins one MeshCluster only. */
  cluster: ClusterHandle;
  /** The mesh's shared root of trust and identity. Every MeshCluster of one mesh takes the same MeshTrust. */
  trust: MeshTrust;
  /** Istio network of the cluster (`global.network`, `topology.istio.io/network` on istio-system). Default: the handle's `network`, else the cluster name. */
  network?: string;
  /** Istio locality `region[/zone[/subzone]]` of the cluster. Default: the handle's `locality`. */
  locality?: string;
  /** Istio version, chart repository and value overrides. Default: Istio 1.29.2 from the official repository. */
  istio?: IstioArgs;
  /** Sidecar injection policy. Default: no namespace is labelled. */
  injection?: InjectionArgs;
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
