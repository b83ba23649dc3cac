// The demo Pulumi program: the acme-fitness GlobalNamespace on two existing clusters that already run Istio with a
// shared root of trust (any kind: TKG, GKE, kind…), given by kubeconfig. See README "Examples".
//   pulumi config set --secret cluster1Kubeconfig "$(kubectl config view --raw --flatten --minify --context c1)"
//   pulumi config set cluster1Ingress 203.0.113.10          (same for cluster2)
//   pulumi preview
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GlobalNamespace, KubeconfigCluster } from "globalmesh";

const config = new pulumi.Config();
const manifestsDir = join(__dirname, "examples", "acme-fitness", "manifests");
const names = ["cluster1", "cluster2"];

const clusters = names.map((name) => {
  const locality = config.get(`${name}Locality`) || undefined;
  const cluster = new KubeconfigCluster(name, { kubeconfig: config.requireSecret(`${name}Kubeconfig`), locality });
  // Where the other cluster reaches this one: its Istio ingress gateway's load-balancer IP or hostname.
  const ingress = { address: config.require(`${name}Ingress`) };
  return { clusterName: cluster.clusterName, kubeconfig: cluster.kubeconfig, locality: cluster.locality, ingress };
});

const acme = new GlobalNamespace("acme-fitness", {
  domain: "acme.example.com",
  clusters,
  members: names.map((cluster) => ({ cluster, namespace: "default" })),
  manifests: names.map((cluster) => ({ cluster, yaml: readFileSync(join(manifestsDir, `${cluster}.yaml`), "utf8") })),
});

export const hosts = acme.hosts;
export const objectNames = acme.objectNames;
export const topology = acme.topology;
