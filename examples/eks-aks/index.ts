// acme-fitness end to end on two clusters this program creates: EKS (cluster1: shopping, cart, users, order, payment)
// and AKS (cluster2: catalog and its database). One `pulumi up`: clusters → Istio with a shared root of trust →
// the apps, with sidecars → the Global Namespace that lets shopping call catalog.acme.example.com:8082.
import * as k8s from "@pulumi/kubernetes";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AksCluster, ClusterHandle, EksCluster, GlobalNamespace, MeshCluster, MeshTrust } from "globalmesh";

// Region and location come from `aws:region` and `azure-native:location`.
const clusters: ClusterHandle[] = [new EksCluster("cluster1", {}), new AksCluster("cluster2", {})];

// One root CA for the mesh; each cluster gets its own intermediate in istio-system/cacerts.
const trust = new MeshTrust("acme-mesh");

const manifestsDir = join(__dirname, "..", "acme-fitness", "manifests");
const members = clusters.map((cluster) => {
  // Istio (base, istiod, ingress + egress gateways) with sidecars in `default`, where the app runs.
  const mesh = new MeshCluster(`${cluster.clusterName}-mesh`, {
    cluster,
    trust,
    injection: { namespaces: ["default"] },
    globalNamespaces: ["acme-fitness"],
  });
  // The cluster's half of the app (cluster1.yaml / cluster2.yaml), once injection is on so its pods get sidecars.
  const yaml = readFileSync(join(manifestsDir, `${cluster.clusterName}.yaml`), "utf8");
  new k8s.yaml.v2.ConfigGroup(`${cluster.clusterName}-acme-fitness`, { yaml }, { provider: cluster.provider, dependsOn: mesh.meshReady });
  return { mesh, yaml };
});

// Every Service in `default` of either cluster gets a global name; MeshCluster brings the ingress addresses.
const acme = new GlobalNamespace("acme-fitness", {
  domain: "acme.example.com",
  members: members.map(({ mesh }) => ({ cluster: mesh, namespace: "default" })),
  manifests: members.map(({ mesh, yaml }) => ({ cluster: mesh.clusterName, yaml })),
});

export const kubeconfigs = Object.fromEntries(clusters.map((c) => [c.clusterName, c.kubeconfig]));
export const ingressAddresses = Object.fromEntries(members.map(({ mesh }) => [mesh.clusterName, mesh.ingressAddress]));
export const hosts = acme.hosts;
export const topology = acme.topology;
