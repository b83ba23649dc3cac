import * as ec2 from "@pulumi/aws/ec2";
import * as eks from "@pulumi/aws/eks";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import * as vpc from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import { checkWhenKnown } from "../../whenKnown";
import { ClusterConnection } from "../connection";
import { adminAccessEntries } from "./access";
import { managedAddon } from "./addons";
import { EksClusterArgs } from "./args";
import { awsProviderConfig, hasExplicitAwsProvider } from "./credentials";
import { CLUSTER_POLICIES, NODE_POLICIES, serviceRole } from "./iam";
import { eksKubeconfig } from "./kubeconfig";
import { defaultAwsRegion } from "./region";
import { validateEksClusterArgs } from "./validate";
import { createVpc, EksSubnets } from "./vpc";

/** Ports the API server calls on Istio: the sidecar-injector/validation webhook, and istiod's xDS/CA port. */
const ISTIO_CONTROL_PORTS = [
  { port: 15017, what: "Istio webhooks" },
  { port: 15012, what: "istiod xDS and CA" },
] as const;

/**
 * The gateways' LoadBalancer Services get a Network Load Balancer from EKS's own cloud controller (the in-tree service
 * controller), which needs nothing installed. The AWS Load Balancer Controller's `external` type would leave the
 * Service pending on a cluster without that controller. An NLB passes TCP through (Istio terminates mTLS) and keeps
 * one stable DNS name; the Classic Load Balancer that an unannotated Service gets is deprecated.
 */
export const EKS_LOAD_BALANCER_ANNOTATIONS: Readonly<Record<string, string>> = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
};

/**
 * An Amazon EKS cluster, ready for Istio, as a ClusterConnection: a VPC (or your subnets), the IAM roles, the cluster, a
 * managed node group, the managed add-ons vpc-cni, kube-proxy and coredns at the cluster's version, access entries for
 * extra admins, and a kubeconfig that authenticates with `aws eks get-token` as the AWS provider's principal.
 * Bad args throw before anything is registered.
 */
export class EksCluster extends pulumi.ComponentResource implements ClusterConnection {
  /** The cluster's name in the mesh. */
  public readonly clusterName: string;
  /**
   * Kubeconfig (secret) that runs `aws eks get-token`; needs the AWS CLI where it is used. It resolves once the node
   * group exists, so a provider built from it waits for nodes to schedule on.
   */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Istio locality: the AWS region. */
  public readonly locality: string;
  /** Istio network, when given. */
  public readonly network?: string;
  /** `service.beta.kubernetes.io/aws-load-balancer-type: nlb`: gateways get a Network Load Balancer. */
  public readonly loadBalancerAnnotations: Record<string, string>;
  /** Name of the EKS cluster in AWS. */
  public readonly eksClusterName: pulumi.Output<string>;
  /** API server URL. */
  public readonly endpoint: pulumi.Output<string>;
  /** VPC of the cluster. */
  public readonly vpcId: pulumi.Output<string>;
  /** Security group EKS created for the control plane and the managed nodes. */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Check before registering anything: bad args must leave no half-made cluster behind.
    const explicitProvider = hasExplicitAwsProvider(opts);
    const s = validateEksClusterArgs(name, args, defaultAwsRegion(), {
      ...(explicitProvider ? {} : awsProviderConfig()),
      explicitProvider,
    });
    super("globalmesh:index:EksCluster", name, {}, opts);
    // With an explicit provider its region applies: a `region` on each resource would override it.
    const region = s.explicitProvider ? undefined : s.region;
    const regionChecked = s.explicitProvider ? providerRegion(name, s.region, this) : pulumi.output(s.region);

    const subnets: EksSubnets = s.vpc.create
      ? createVpc(name, { region, regionName: s.region, vpcCidr: s.vpc.vpcCidr, zones: s.vpc.zones }, this)
      : s.vpc;
    const clusterRole = serviceRole(`${name}-cluster-role`, "eks.amazonaws.com", CLUSTER_POLICIES, s.region, this);
    const nodeRole = serviceRole(`${name}-node-role`, "ec2.amazonaws.com", NODE_POLICIES, s.region, this);

    const cluster = new eks.Cluster(
      `${name}-eks`,
      {
        region,
        version: s.kubernetesVersion,
        roleArn: clusterRole.role.arn,
        vpcConfig: {
          subnetIds: [...subnets.privateSubnetIds, ...subnets.publicSubnetIds],
          endpointPublicAccess: true,
          endpointPrivateAccess: true,
        },
        // Access entries: whoever runs `pulumi up` becomes cluster admin; managed nodes get their entry from EKS.
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      },
      { parent: this, dependsOn: clusterRole.attachments },
    );
    if (!s.vpc.create) tagSharedSubnets(name, s.vpc, cluster, region, this);
    const admins = adminAccessEntries(name, s.adminPrincipalArns, cluster, { region, partitionOf: s.region }, this);

    const securityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    // Managed nodes share the cluster security group, which admits itself; explicit rules keep Istio working if that is tightened.
    for (const { port, what } of ISTIO_CONTROL_PORTS)
      new vpc.SecurityGroupIngressRule(
        `${name}-istio-${port}`,
        {
          securityGroupId,
          referencedSecurityGroupId: securityGroupId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: `${what} from the control plane`,
          region,
        },
        { parent: this },
      );

    // The network add-ons before the nodes (a node is Ready once its CNI runs); CoreDNS, a Deployment, once there are nodes.
    const networkAddons = (["vpc-cni", "kube-proxy"] as const).map((a) =>
      managedAddon(name, a, cluster, region, { parent: this }),
    );
    const nodeGroup = new eks.NodeGroup(
      `${name}-nodes`,
      {
        region,
        clusterName: cluster.name,
        version: cluster.version,
        nodeRoleArn: nodeRole.role.arn,
        subnetIds: subnets.privateSubnetIds,
        instanceTypes: [s.instanceType],
        scalingConfig: s.scaling,
      },
      { parent: this, dependsOn: [...nodeRole.attachments, ...networkAddons] },
    );
    const coredns = managedAddon(name, "coredns", cluster, region, { parent: this, dependsOn: [nodeGroup] });

    const kubeconfig = pulumi
      // The last ids only order: whatever uses the kubeconfig waits for nodes, DNS, and the admins' access (the
      // kubeconfig's principal may be one of them).
      .all([
        cluster.name,
        cluster.endpoint,
        cluster.certificateAuthority.data,
        s.kubeconfigProfile,
        s.kubeconfigRoleArn,
        pulumi.all([nodeGroup.id, coredns.id, regionChecked, ...admins.map((r) => r.id)]),
      ])
      .apply(([eksClusterName, endpoint, certificateAuthority, profile, roleArn]) =>
        eksKubeconfig({
          clusterName: s.clusterName,
          eksClusterName,
          endpoint,
          certificateAuthority,
          region: s.region,
          profile,
          roleArn,
        }),
      );

    this.clusterName = s.clusterName;
    this.kubeconfig = pulumi.secret(kubeconfig);
    this.locality = s.region;
    this.network = s.network;
    this.loadBalancerAnnotations = { ...EKS_LOAD_BALANCER_ANNOTATIONS };
    this.eksClusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.vpcId = cluster.vpcConfig.vpcId;
    this.clusterSecurityGroupId = securityGroupId;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      locality: this.locality,
      network: this.network,
      loadBalancerAnnotations: this.loadBalancerAnnotations,
      eksClusterName: this.eksClusterName,
      endpoint: this.endpoint,
      vpcId: this.vpcId,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
    });
  }
}

/** The region given with an explicit provider must be that provider's: the locality and the kubeconfig rely on it. */
function providerRegion(name: string, region: string, parent: pulumi.Resource): pulumi.Output<string> {
  return checkWhenKnown(getRegionOutput({}, { parent }).region, (actual) => {
    if (actual !== region)
      throw new Error(
        `EksCluster "${name}": region is "${region}", but the AWS provider in opts creates resources in "${actual}"; set region: "${actual}"`,
      );
    return actual;
  });
}

/**
 * Your own subnets get the cluster tag `kubernetes.io/cluster/<eks name>=shared` (as `ec2.Tag`: they are not this
 * program's). Since Kubernetes 1.21 the cloud controller also takes subnets with no cluster tag at all, but not one
 * that carries only another cluster's tag, which shared subnets often do. Subnets the component creates need none.
 */
function tagSharedSubnets(
  name: string,
  subnets: EksSubnets,
  cluster: eks.Cluster,
  region: string | undefined,
  parent: pulumi.Resource,
): void {
  const tag = (kind: string, ids: pulumi.Input<string>[]) =>
    ids.forEach(
      (id, i) =>
        new ec2.Tag(
          `${name}-${kind}-${i}-cluster-tag`,
          { resourceId: id, key: pulumi.interpolate`kubernetes.io/cluster/${cluster.name}`, value: "shared", region },
          { parent },
        ),
    );
  tag("public", subnets.publicSubnetIds);
  tag("private", subnets.privateSubnetIds);
}
