/**
 * Every version and image the conformance run uses, in one place. The CI workflow (.github/workflows/e2e.yml) downloads
 * the same URLs (test/e2e/workflow.test.ts checks it), and the Pulumi program takes the curl image from here.
 * Change a version here and in the workflow together.
 */

/** kind: the cluster tool. Its node image must be one built for this release (the release notes list them). */
export const KIND_VERSION = "v0.30.0";
/** Kubernetes 1.34, a node image built for kind v0.30.0, pinned by digest as kind's release notes ask. */
export const KIND_NODE_IMAGE =
  "kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a";
/** kubectl: the node's Kubernetes minor. */
export const KUBECTL_VERSION = "v1.34.0";
/** istioctl: the Istio release MeshCluster installs by default (sdk/src/install/defaults.ts DEFAULT_ISTIO_VERSION). */
export const ISTIO_VERSION = "1.30.3";
/** The Pulumi CLI: the version of the @pulumi/pulumi SDK the workspace installs. */
export const PULUMI_VERSION = "v3.248.0";
/** MetalLB gives the ingress gateways' LoadBalancer Services addresses on the kind Docker network. */
export const METALLB_VERSION = "v0.14.9";
export const METALLB_MANIFEST_URL = `https://raw.githubusercontent.com/metallb/metallb/${METALLB_VERSION}/config/manifests/metallb-native.yaml`;
/** The client pods that send the test requests. */
export const CURL_IMAGE = "curlimages/curl:8.11.1";

/** A command the run needs on PATH. */
export interface Tool {
  /** Executable name. */
  name: string;
  /** The version the run is pinned to (`undefined`: not pinned, whatever the machine has). */
  version?: string;
  /** Where the workflow downloads it (linux/amd64). */
  downloadUrl?: string;
  /** Arguments that print its version (client only: no cluster is contacted). */
  versionArgs: string[];
}

export const TOOLS: readonly Tool[] = [
  // Docker is the machine's (a hosted runner's, or the maintainer's Docker Engine / Desktop): not pinned.
  { name: "docker", versionArgs: ["version", "--format", "{{.Client.Version}}"] },
  {
    name: "kind",
    version: KIND_VERSION,
    downloadUrl: `https://github.com/kubernetes-sigs/kind/releases/download/${KIND_VERSION}/kind-linux-amd64`,
    versionArgs: ["version"],
  },
  {
    name: "kubectl",
    version: KUBECTL_VERSION,
    downloadUrl: `https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64/kubectl`,
    versionArgs: ["version", "--client"],
  },
  {
    name: "istioctl",
    version: ISTIO_VERSION,
    downloadUrl: `https://github.com/istio/istio/releases/download/${ISTIO_VERSION}/istioctl-${ISTIO_VERSION}-linux-amd64.tar.gz`,
    versionArgs: ["version", "--remote=false"],
  },
  {
    name: "pulumi",
    version: PULUMI_VERSION,
    downloadUrl: `https://github.com/pulumi/pulumi/releases/download/${PULUMI_VERSION}/pulumi-${PULUMI_VERSION}-linux-x64.tar.gz`,
    versionArgs: ["version"],
  },
];
