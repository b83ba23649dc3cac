import * as ec2 from "@pulumi/aws/ec2";
import * as eks from "@pulumi/aws/eks";
import * as vpc from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import { ClusterConnection } from "../connection";
import { EksClusterArgs } from "./args";
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
 * An Amazon EKS cluster, ready for Istio, as a ClusterConnection: a VPC (or your subnets), the IAM roles, the cluster, a
 * managed node group, and a kubeconfig that authenticates with `aws eks get-token`.
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
    const s = validateEksClusterArgs(name, args, defaultAwsRegion());
    super("globalmesh:index:EksCluster", name, {}, opts);
    const region = s.region;

    const subnets: EksSubnets = s.vpc.create
      ? createVpc(name, { region, vpcCidr: s.vpc.vpcCidr, zones: s.vpc.zones }, this)
      : s.vpc;
    const clusterRole = serviceRole(`${name}-cluster-role`, "eks.amazonaws.com", CLUSTER_POLICIES, region, this);
    const nodeRole = serviceRole(`${name}-node-role`, "ec2.amazonaws.com", NODE_POLICIES, region, this);

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

    // The cluster tag names the EKS cluster, known only once it exists; hence Tag resources, not subnet tags.
    const tagSubnets = (kind: string, ids: pulumi.Input<string>[]) =>
      ids.forEach(
        (id, i) =>
          new ec2.Tag(
            `${name}-${kind}-${i}-cluster-tag`,
            { resourceId: id, key: pulumi.interpolate`kubernetes.io/cluster/${cluster.name}`, value: "shared", region },
            { parent: this },
          ),
      );
    tagSubnets("public", subnets.publicSubnetIds);
    tagSubnets("private", subnets.privateSubnetIds);

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
      { parent: this, dependsOn: nodeRole.attachments },
    );

    const kubeconfig = pulumi
      // The node group's id only orders: whatever uses the kubeconfig waits for nodes.
      .all([
        cluster.name,
        cluster.endpoint,
        cluster.certificateAuthority.data,
        s.kubeconfigProfile,
        s.kubeconfigRoleArn,
        nodeGroup.id,
      ])
      .apply(([eksClusterName, endpoint, certificateAuthority, profile, roleArn]) =>
        eksKubeconfig({
          clusterName: s.clusterName,
          eksClusterName,
          endpoint,
          certificateAuthority,
          region,
          profile,
          roleArn,
        }),
      );

    this.clusterName = s.clusterName;
    this.kubeconfig = pulumi.secret(kubeconfig);
    this.locality = region;
    this.network = s.network;
    this.eksClusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.vpcId = cluster.vpcConfig.vpcId;
    this.clusterSecurityGroupId = securityGroupId;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      locality: this.locality,
      network: this.network,
      eksClusterName: this.eksClusterName,
      endpoint: this.endpoint,
      vpcId: this.vpcId,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
    });
  }
}
