import * as pulumi from "@pulumi/pulumi";

/** Arguments of an EksCluster. Plain (non-Input) fields decide which resources exist, so they must be known up front. */
export interface EksClusterArgs {
  /** The cluster's name in the mesh (DNS-1123 label). Default: the resource name. */
  clusterName?: string;
  /**
   * AWS region, e.g. `us-west-2`; also the cluster's Istio locality. Default: `aws:region` config, then
   * `AWS_REGION`/`AWS_DEFAULT_REGION`; required with an explicit AWS provider, and must be that provider's region
   * (checked at deploy time). Resources carry it only without an explicit provider.
   */
  region?: string;
  /** EKS Kubernetes version `major.minor`. Default `1.35` (pinned: a new default would upgrade existing clusters). */
  kubernetesVersion?: string;
  /** EC2 instance type of the nodes. Default `m5.large` (2 vCPU, 8 GiB: room for istiod, gateways and sidecars). */
  instanceType?: string;
  /** Nodes to run. Default 3, moved into [minSize, maxSize] when those are given. */
  desiredSize?: number;
  /** Fewest nodes of the node group. Default: `desiredSize` (no autoscaler comes with the cluster). */
  minSize?: number;
  /** Most nodes of the node group. Default: `desiredSize`, or `minSize` if larger. */
  maxSize?: number;
  /** CIDR of the VPC the component creates (/16 to /20). Default `10.0.0.0/16`. Not with `privateSubnetIds`. */
  vpcCidr?: string;
  /**
   * Availability zones of the created VPC, one public and one private subnet each (2 to 8, all in `region`; not one
   * EKS refuses, see `availabilityZoneCount`). Default: `availabilityZoneCount` zones. Not with `privateSubnetIds`.
   */
  availabilityZones?: string[];
  /**
   * How many zones to use when `availabilityZones` is not given (2 to 8): the region's first zones, by name, that need
   * no opt-in and are not among the zone IDs EKS refuses (use1-az3, usw1-az2, cac1-az3, cnn1-az4). Default 2. Not
   * with `privateSubnetIds`.
   */
  availabilityZoneCount?: number;
  /**
   * Private subnets of your own VPC (at least 2, in different zones) for the nodes; no VPC is created then. They need
   * a route to the internet (NAT) and the tag `kubernetes.io/role/internal-elb=1`; the component adds only the tag
   * `kubernetes.io/cluster/<eks name>=shared` (an `ec2.Tag`: a subnet shared with another cluster carries that one's
   * tag, and then is not used without its own). Default: none (a VPC is created).
   */
  privateSubnetIds?: pulumi.Input<string>[];
  /** Public subnets of your own VPC for internet-facing load balancers (tag them `kubernetes.io/role/elb=1`). Only with `privateSubnetIds`. Default: none. */
  publicSubnetIds?: pulumi.Input<string>[];
  /**
   * AWS CLI profile the kubeconfig's `aws eks get-token` uses (`--profile`, which outranks AWS_* variables in the
   * shell). Default: the stack's `aws:profile`, the default AWS provider's; required (or `kubeconfigRoleArn`) with an
   * explicit AWS provider in `opts`, whose credentials the program cannot read.
   */
  kubeconfigProfile?: pulumi.Input<string>;
  /**
   * IAM role the kubeconfig's `aws eks get-token` assumes (`--role-arn`). Default: the role of the stack's
   * `aws:assumeRoles` (one role; a chain needs a profile that assumes it), none with an explicit provider. The
   * principal that creates the cluster is its admin; any other needs an entry in `adminPrincipalArns`.
   */
  kubeconfigRoleArn?: pulumi.Input<string>;
  /**
   * IAM roles or users (not STS session ARNs) that get an EKS access entry with AmazonEKSClusterAdminPolicy on the
   * whole cluster, besides the principal that creates it. Default: none.
   */
  adminPrincipalArns?: pulumi.Input<string>[];
  /** Istio network of the cluster. Default: none. */
  network?: string;
}
