import * as pulumi from "@pulumi/pulumi";
import type { ClusterConnection } from "../clusters/connection";
import type { RootRotation } from "./certs";

export interface MeshTrustArgs {
  /**
   * Names of the mesh's clusters (DNS-1123 labels, each once): each gets an intermediate CA signed by the root. Adding
   * a name adds one intermediate; the others stay as they are.
   */
  clusters: string[];
  /** Mesh ID: `global.meshID` of every istiod in the mesh (DNS-1123 label). Default: the resource name. */
  meshId?: string;
  /**
   * SPIFFE trust domain of workload identities (`meshConfig.trustDomain`), the same in every cluster. Default
   * `cluster.local`.
   */
  trustDomain?: string;
  /** Bring your own root: its certificate, PEM. Give it with `rootKeyPem`. Default: MeshTrust generates a root. */
  rootCertPem?: pulumi.Input<string>;
  /**
   * Bring your own root: its private key, PEM. Pass it as a secret (`config.requireSecret`); MeshTrust keeps it secret
   * either way.
   */
  rootKeyPem?: pulumi.Input<string>;
  /**
   * Lifetime of a generated root CA, in hours, at least 720 (30 days). Not with a root you bring (its lifetime is its
   * own). Default 87600 (10 years).
   */
  rootValidityHours?: number;
  /**
   * How many hours before a generated root expires it is due for renewal (the tls provider's `earlyRenewalHours`):
   * from then on a preview stops at the protected root, the signal to rotate it (`rootRotation`), which needs the
   * workload certificate lifetime and three `pulumi up`s. At least 168, less than `rootValidityHours`, and at least
   * `intermediateValidityHours`, so every intermediate it signed before then expires before it does. Only a protected
   * root renews early (see `protectRoot`); not with a root you bring. Default 17520 (2 years).
   */
  rootEarlyRenewalHours?: number;
  /**
   * Lifetime of each cluster's intermediate CA, in hours, at least 168 (a week), less than the root's. With a root you
   * bring as PEM text, an intermediate signed now must expire before that root does. Default 17520 (2 years).
   */
  intermediateValidityHours?: number;
  /**
   * How many hours before an intermediate expires the next `pulumi up` signs a new one (same key, same root), which
   * istiod reloads from `cacerts` by itself. At least 48 (twice Istio's default workload certificate lifetime: the old
   * intermediate must outlive the certificates it signed) and less than `intermediateValidityHours`. Default 4380
   * (half a year).
   */
  intermediateEarlyRenewalHours?: number;
  /**
   * Protect the generated root (Pulumi's `protect`), so that nothing replaces or deletes it outside a rotation: a new
   * root without overlap breaks cross-cluster mTLS. The protection is the only guard: dropping `rootRotation` after a
   * rotation, omitting `from` in the next one, or jumping to `remove-old-root` with `pulumi up --skip-preview` would
   * otherwise delete the live root and make a fresh one. A rotation unprotects the old root in its second step. With
   * false, no root renews early either (a renewal would replace it with no overlap): it is replaced when it expires.
   * Set false (and `pulumi up`) only right before `pulumi destroy`. Not with a root you bring. Default true.
   */
  protectRoot?: boolean;
  /** A root rotation in progress: see RootRotation and docs/operating.md, "Rotating the mesh CA". Default: none. */
  rootRotation?: RootRotation;
}

/**
 * Which namespaces get Istio sidecars: TSM's namespace onboarding, done with the revision tag's label
 * (`istio.io/rev=stable`), which upgrades move from one control plane to the next without relabelling.
 */
export interface InjectionPolicy {
  /**
   * Namespaces of the cluster to enrol: each is labelled `istio.io/rev=stable` (or `istio-injection=disabled` when it
   * is also in `exclude`). A namespace that does not exist yet is created by the label patch. Default: none.
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
  /** Over the `istio/base` values; not `defaultRevision` (it follows `injectionRevision`). Default: none. */
  base?: HelmValues;
  /**
   * Over the `istio/istiod` values; not `global.meshID`, `global.multiCluster.clusterName`, `global.network`,
   * `global.hub`, `meshConfig.trustDomain`, `revision`, `revisionTags`, `env.ISTIO_MULTIROOT_MESH`, nor any of them
   * under `pilot.` (the chart copies `pilot` over the top level). Default: none.
   */
  istiod?: HelmValues;
  /**
   * Over the ingress gateway's `istio/gateway` values; not `name`, `labels.app`, `labels.istio`, `serviceAccount.name`.
   * Default: none.
   */
  ingressGateway?: HelmValues;
  /** Over the egress gateway's `istio/gateway` values; same fixed keys as `ingressGateway`. Default: none. */
  egressGateway?: HelmValues;
  /**
   * Over the east-west gateway's `istio/gateway` values (with `eastWest: true`); same fixed keys as `ingressGateway`.
   * Default: none.
   */
  eastWestGateway?: HelmValues;
}

/** One istiod control plane (an Istio revision). */
export interface IstioRevision {
  /**
   * The revision's name, a DNS-1123 label of at most 46 characters (Helm caps the release name `istiod-<name>` at 53):
   * `default` is Istio's unnamed revision (Helm release and Deployment `istiod`, what `istio.version` installs); any
   * other name installs `istiod-<name>`. Name revisions after their version (`1-30-3`); a name that spells another
   * minor than `version` (`1-29-6` at `1.30.3`) is refused. Not `stable`, the injection tag's name.
   */
  name: string;
  /** Istio release `x.y.z` of this control plane (the istiod chart's version). */
  version: string;
}

/**
 * Which Istio to install, from where, with what values. One control plane: `{ version }`. A canary upgrade (see
 * docs/operating.md, "Upgrading Istio"): list both `revisions`, then move `injectionRevision`, then `gatewayRevision`,
 * then remove the old revision, one `pulumi up` each.
 */
export interface IstioRelease {
  /**
   * Istio release `x.y.z` of the one control plane, the `default` revision (chart version of base, istiod and the
   * gateways). Changing it upgrades in place, and MeshCluster cannot check that change: it sees only this program,
   * not the version installed, so a skipped minor or a downgrade here is not refused. Use it for patch upgrades;
   * upgrade a minor as a canary with `revisions`. Pin it: the default moves with globalmesh releases (1.29.2 → 1.30.3
   * was a minor), and an unpinned stack follows it in place. Not with `revisions`. Default `1.30.3`.
   */
  version?: string;
  /**
   * The control planes, oldest first: each a newer patch of the same minor or the next minor (a skipped minor or a
   * downgrade is refused). Editing a listed revision's version in place is an in-place upgrade, which cannot be
   * checked: keep to patches there. Default: one, `{ name: "default", version }`.
   */
  revisions?: IstioRevision[];
  /**
   * The revision the injection tag `stable` points at: new and restarted pods of enrolled namespaces get its sidecar.
   * Default: the first of `revisions`.
   */
  injectionRevision?: string;
  /**
   * The revision that injects the gateways; their chart is its version. Never newer than `injectionRevision`
   * (gateways move last). Default: the first of `revisions`.
   */
  gatewayRevision?: string;
  /**
   * Image registry of Istio's images (chart value `global.hub`; the gateways get their proxy image from istiod's
   * injector, so it covers them too), for clusters that cannot pull from Docker Hub: a mirror that holds `pilot` and
   * `proxyv2` at every listed version, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/istio`. Default: the
   * charts' own (`docker.io/istio`).
   */
  hub?: string;
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
  /**
   * The cluster's intermediate CA (MeshTrust's `intermediates[clusterName]`; `trust.caFor(clusterName)` in TypeScript).
   * Kept secret.
   */
  ca: pulumi.Input<ClusterCa>;
  /** Mesh ID (`global.meshID`), the same for every cluster of the mesh: MeshTrust's `meshId`. */
  meshId: string;
  /** SPIFFE trust domain of the mesh's workload identities: MeshTrust's `trustDomain`. Default `cluster.local`. */
  trustDomain?: string;
  /**
   * Istio network of the cluster (`global.network`, `topology.istio.io/network` on istio-system). Default: the
   * cluster's `network`, else its name.
   */
  network?: string;
  /** Istio locality `region[/zone[/subzone]]` of the cluster. Default: the cluster's `locality`. */
  locality?: string;
  /**
   * Istio version or revisions, image registry, chart repository and value overrides. Default: Istio 1.30.3 from the
   * official repository.
   */
  istio?: IstioRelease;
  /**
   * Replicas, disruption budgets and zone spread of istiod and the gateways. Default: two of each, spread across
   * zones.
   */
  availability?: Availability;
  /** Sidecar injection policy. Default: no namespace is labelled. */
  injection?: InjectionPolicy;
  /**
   * Names of the GlobalNamespaces this cluster joins, recorded in its mesh identity ConfigMap for operators
   * (informational). Default: none.
   */
  globalNamespaces?: string[];
  /**
   * Where other clusters reach this cluster's ingress gateway (port 443), when that is not the load-balancer address
   * of its Service: a DNS name in front of it, or a node address on a cluster without a LoadBalancer implementation
   * (then also set `istio.values.ingressGateway.service.type` to `NodePort`, or Helm waits for a load balancer that
   * never comes). Default: read from the Service's load-balancer status.
   */
  ingressAddress?: pulumi.Input<string>;
  /**
   * Install an east-west gateway (release `istio-eastwestgateway` in `istio-gateways`, label `istio: eastwestgateway`,
   * a LoadBalancer Service with ports 15021 and 15443 only), what a GlobalNamespace in `east-west` mode routes through.
   * A literal. Default false.
   */
  eastWest?: boolean;
  /**
   * Where other clusters reach the east-west gateway (port 15443), when that is not its Service's load-balancer
   * address (see `ingressAddress`). Only with `eastWest: true`. Default: read from the Service's load-balancer status.
   */
  eastWestAddress?: pulumi.Input<string>;
}

/** How many of each control-plane and gateway pod run, and where. */
export interface Availability {
  /**
   * istiod replicas per revision (chart `replicaCount` and `autoscaleMin`), 1–10. At 2 or more istiod gets a
   * PodDisruptionBudget with `minAvailable: 1`. Default 2.
   */
  istiodReplicas?: number;
  /**
   * Replicas of each gateway (chart `replicaCount` and `autoscaling.minReplicas`), 1–10. At 2 or more each gateway gets
   * a PodDisruptionBudget with `minAvailable: 1`. Default 2.
   */
  gatewayReplicas?: number;
  /**
   * Spread istiod's and each gateway's pods across zones (`topology.kubernetes.io/zone`, `maxSkew: 1`,
   * `whenUnsatisfiable: ScheduleAnyway`, so a single-zone or single-node cluster still schedules them). Default true.
   */
  spreadAcrossZones?: boolean;
}
