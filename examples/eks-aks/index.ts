// acme-fitness end to end on two clusters this program creates: EKS (cluster1: shopping, cart, users, order, payment)
// and AKS (cluster2: catalog and its database). One `pulumi up`: clusters → Istio with a shared root of trust →
// the apps, with sidecars → the Global Namespace that lets shopping call catalog.acme.example.com:8082.
import * as k8s from "@pulumi/kubernetes";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GlobalNamespace, MeshCluster, MeshTrust } from "globalmesh";
import { AksCluster } from "globalmesh/aks";
import { EksCluster } from "globalmesh/eks";

// Region and location come from `aws:region` and `azure-native:location`.
const clusters = [new EksCluster("cluster1", {}), new AksCluster("cluster2", {})];

// One root CA for the mesh and an intermediate per cluster, which its MeshCluster writes into istio-system/cacerts.
const trust = new MeshTrust("acme-mesh", { clusters: clusters.map((c) => c.clusterName) });

const manifestsDir = join(__dirname, "..", "acme-fitness", "manifests");
const meshes = clusters.map((cluster) => {
  // Istio (base, istiod, ingress + egress gateways) with sidecars in `default`, where the app runs.
  const mesh = new MeshCluster(`${cluster.clusterName}-mesh`, {
    cluster,
    ca: trust.caFor(cluster.clusterName),
    meshId: trust.meshId,
    trustDomain: trust.trustDomain,
    injection: { namespaces: ["default"] },
    globalNamespaces: ["acme-fitness"],
  });
  // The cluster's half of the app (cluster1.yaml / cluster2.yaml), once the mesh is ready so its pods get sidecars.
  const yaml = readFileSync(join(manifestsDir, `${cluster.clusterName}.yaml`), "utf8");
  const provider = new k8s.Provider(`${cluster.clusterName}-apps`, { kubeconfig: cluster.kubeconfig });
  new k8s.yaml.v2.ConfigGroup(`${cluster.clusterName}-acme-fitness`, { yaml }, { provider, dependsOn: [mesh] });
  return { mesh, yaml };
});

// Every Service in `default` of either cluster gets a global name; the MeshClusters bring their ingress addresses and
// gateways, and the GlobalNamespace's objects wait for their istiod and gateways.
const acme = new GlobalNamespace(
  "acme-fitness",
  {
    domain: "acme.example.com",
    clusters: meshes.map(({ mesh }) => mesh),
    members: meshes.map(({ mesh }) => ({ cluster: mesh.clusterName, namespace: "default" })),
    manifests: meshes.map(({ mesh, yaml }) => ({ cluster: mesh.clusterName, yaml })),
  },
  { dependsOn: meshes.map(({ mesh }) => mesh) },
);

export const kubeconfigs = Object.fromEntries(clusters.map((c) => [c.clusterName, c.kubeconfig]));
export const ingressAddresses = Object.fromEntries(meshes.map(({ mesh }) => [mesh.clusterName, mesh.ingressAddress]));
export const hosts = acme.hosts;
export const topology = acme.topology;
