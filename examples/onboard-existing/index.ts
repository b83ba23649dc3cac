// Three existing clusters join one mesh, then share Istio's bookinfo through a GlobalNamespace:
// productpage in cluster1; details and ratings in cluster2; reviews in cluster2 and cluster3.
//   pulumi config set --secret cluster1Kubeconfig "$(cat ~/.kube/cluster1)"   (same for cluster2, cluster3)
//   pulumi up
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterHandle, GlobalNamespace, GlobalNamespaceService, MeshCluster, MeshTrust } from "globalmesh";

const config = new pulumi.Config();
const domain = config.get("domain") || "bookinfo.example.com";

/** An existing cluster, reached with the kubeconfig from the stack's (secret) config. */
function existingCluster(clusterName: string): ClusterHandle {
  const kubeconfig = config.requireSecret(`${clusterName}Kubeconfig`);
  const locality = config.get(`${clusterName}Locality`) || undefined;
  return { clusterName, kubeconfig, provider: new k8s.Provider(clusterName, { kubeconfig }), locality };
}

// One root of trust and one mesh identity for all three clusters.
const trust = new MeshTrust("bookinfo-mesh");

// Istio with the shared root, ingress + egress gateways, sidecars in `bookinfo`, and the agent's footprint.
const [cluster1, cluster2, cluster3] = ["cluster1", "cluster2", "cluster3"].map(
  (name) =>
    new MeshCluster(name, {
      cluster: existingCluster(name),
      trust,
      injection: { namespaces: ["bookinfo"] },
      globalNamespaces: ["bookinfo"],
    }),
);

// Every bookinfo port is Istio's 9080/http.
const bookinfoService = (name: string, clusters: string[]): GlobalNamespaceService => ({
  name,
  namespace: "bookinfo",
  clusters,
  ports: [{ number: 9080, name: "http" }],
});

// The MeshClusters are the members: their ingress addresses, gateways and readiness come with them.
const bookinfo = new GlobalNamespace("bookinfo", {
  domain,
  members: [cluster1, cluster2, cluster3].map((cluster) => ({ cluster, namespace: "bookinfo" })),
  services: [
    bookinfoService("productpage", ["cluster1"]),
    bookinfoService("details", ["cluster2"]),
    bookinfoService("ratings", ["cluster2"]),
    bookinfoService("reviews", ["cluster2", "cluster3"]),
  ],
});

export const meshId = trust.meshId;
export const ingressAddresses = { cluster1: cluster1.ingressAddress, cluster2: cluster2.ingressAddress, cluster3: cluster3.ingressAddress };
export const hosts = bookinfo.hosts;
