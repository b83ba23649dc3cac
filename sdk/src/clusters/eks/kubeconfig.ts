/** What an EKS kubeconfig is made of: only stable cluster outputs, so it changes only when the cluster does. */
export interface EksKubeconfigParts {
  /** Mesh name of the cluster: names the kubeconfig's cluster, user and context. */
  clusterName: string;
  /** The EKS cluster's name, for `aws eks get-token`. */
  eksClusterName: string;
  /** API server URL. */
  endpoint: string;
  /** Base64 CA bundle of the API server. */
  certificateAuthority: string;
  region: string;
  /** AWS CLI profile (`--profile`). */
  profile?: string;
  /** Role for `aws eks get-token --role-arn`. */
  roleArn?: string;
}

/**
 * A kubeconfig (JSON) that gets a token from `aws eks get-token` on every use, as `aws eks update-kubeconfig` writes
 * it. Same parts, same text: keys are in a fixed order and no token or timestamp is folded in, so the Kubernetes
 * provider built from it is not replaced on every preview.
 */
export function eksKubeconfig(p: EksKubeconfigParts): string {
  const args = ["eks", "get-token", "--cluster-name", p.eksClusterName, "--region", p.region];
  // `--profile`, not AWS_PROFILE: the CLI ranks AWS_ACCESS_KEY_ID in the shell above AWS_PROFILE, not above the flag.
  if (p.profile) args.push("--profile", p.profile);
  if (p.roleArn) args.push("--role-arn", p.roleArn);
  // A user's `output = text` in ~/.aws/config would break the credential JSON.
  args.push("--output", "json");
  const exec = { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args };
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: p.clusterName, cluster: { server: p.endpoint, "certificate-authority-data": p.certificateAuthority } },
    ],
    contexts: [{ name: p.clusterName, context: { cluster: p.clusterName, user: p.clusterName } }],
    "current-context": p.clusterName,
    users: [{ name: p.clusterName, user: { exec } }],
  });
}
