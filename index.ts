// The demo Pulumi program: the acme-fitness GlobalNamespace on two existing clusters that already run Istio with a
// shared root of trust (any kind: TKG, GKE, kind…), given by kubeconfig. See README "Examples".
//   pulumi config set --secret cluster1Kubeconfig "$(kubectl config view --raw --flatten --minify --context c1)"
//   pulumi config set cluster1Ingress 203.0.113.10          (same for cluster2)
//   pulumi preview
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GlobalNamespace, KubeconfigCluster, MeshMode } from "globalmesh";

const config = new pulumi.Config();
const manifestsDir = join(__dirname, "examples", "acme-fitness", "manifests");
const names = ["cluster1", "cluster2"];
// `pulumi config set mode east-west` wires the same names end to end through the clusters' east-west gateways
// (default tunnel); the GlobalNamespace refuses any other value, naming the choices.
const mode = config.get<MeshMode>("mode");

const clusters = names.map((name) => {
  const locality = config.get(`${name}Locality`) || undefined;
  const cluster = new KubeconfigCluster(name, { kubeconfig: config.requireSecret(`${name}Kubeconfig`), locality });
  // Where the other cluster reaches this one: its Istio ingress gateway's load-balancer IP or hostname (with
  // `mode: east-west`, its east-west gateway's).
  const entry = { address: config.require(`${name}Ingress`) };
  const reach = mode === MeshMode.EAST_WEST ? { eastWest: entry } : { ingress: entry };
  return { clusterName: cluster.clusterName, kubeconfig: cluster.kubeconfig, locality: cluster.locality, ...reach };
});

const acme = new GlobalNamespace("acme-fitness", {
  domain: "acme.example.com",
  mode,
  clusters,
  members: names.map((cluster) => ({ cluster, namespace: "default" })),
  manifests: names.map((cluster) => ({ cluster, yaml: readFileSync(join(manifestsDir, `${cluster}.yaml`), "utf8") })),
});

export const hosts = acme.hosts;
export const objectNames = acme.objectNames;
export const topology = acme.topology;
