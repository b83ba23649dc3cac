// Three existing clusters join one mesh, then share Istio's bookinfo through a GlobalNamespace:
// productpage in cluster1; details and ratings in cluster2; reviews in cluster2 and cluster3.
//   pulumi config set --secret cluster1Kubeconfig "$(cat ~/.kube/cluster1)"   (same for cluster2, cluster3)
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import { GlobalNamespace, GlobalNamespaceService, KubeconfigCluster, MeshCluster, MeshTrust } from "globalmesh";

const config = new pulumi.Config();
const domain = config.get("domain") || "bookinfo.example.com";
// Unset: MeshCluster's pinned default. Upgrading is changing it: only the Helm releases change.
const istioVersion = config.get("istioVersion") || undefined;
const names = ["cluster1", "cluster2", "cluster3"];

// One root of trust and one mesh identity for all three clusters.
const trust = new MeshTrust("bookinfo-mesh", { clusters: names });

// Istio with the shared root, ingress + egress gateways, sidecars in `bookinfo`, and the agent's footprint.
const meshes = names.map((clusterName) => {
  const cluster = new KubeconfigCluster(clusterName, {
    kubeconfig: config.requireSecret(`${clusterName}Kubeconfig`),
    locality: config.get(`${clusterName}Locality`) || undefined,
  });
  // Named like the cluster, as before MeshCluster took plain data: its Helm releases and namespaces keep their URNs.
  return new MeshCluster(clusterName, {
    cluster,
    ca: trust.caFor(clusterName),
    meshId: trust.meshId,
    trustDomain: trust.trustDomain,
    istio: { version: istioVersion },
    injection: { namespaces: ["bookinfo"] },
    globalNamespaces: ["bookinfo"],
  });
});

// Every bookinfo port is Istio's 9080/http.
const bookinfoService = (name: string, clusters: string[]): GlobalNamespaceService => ({
  name,
  namespace: "bookinfo",
  clusters,
  ports: [{ number: 9080, name: "http" }],
});

// The MeshClusters are the member clusters: their ingress addresses and gateways come with them, and the
// GlobalNamespace's objects wait for their istiod and gateways.
const bookinfo = new GlobalNamespace(
  "bookinfo",
  {
    domain,
    clusters: meshes,
    members: [{ cluster: "*", namespace: "bookinfo" }],
    services: [
      bookinfoService("productpage", ["cluster1"]),
      bookinfoService("details", ["cluster2"]),
      bookinfoService("ratings", ["cluster2"]),
      bookinfoService("reviews", ["cluster2", "cluster3"]),
    ],
  },
  { dependsOn: meshes },
);

export const meshId = trust.meshId;
export const ingressAddresses = Object.fromEntries(meshes.map((m) => [m.clusterName, m.ingressAddress]));
export const hosts = bookinfo.hosts;
