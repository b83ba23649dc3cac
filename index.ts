// The demo Pulumi program: the acme-fitness GlobalNamespace on two existing, Istio-enabled clusters.
//   pulumi config set --secret cluster1Kubeconfig "$(cat ~/.kube/cluster1)"   (same for cluster2)
//   pulumi config set cluster1Ingress 203.0.113.10; pulumi config set cluster2Ingress <elb-hostname>
//   pulumi preview
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GlobalNamespace } from "globalmesh";

const config = new pulumi.Config();
const manifestsDir = join(__dirname, "examples", "acme-fitness", "manifests");
const cluster = (name: string) => ({
  clusterName: name,
  kubeconfig: config.requireSecret(`${name}Kubeconfig`),
  ingress: { address: config.require(`${name}Ingress`) },
});

const acme = new GlobalNamespace("acme-fitness", {
  domain: "acme.example.com",
  members: [
    { cluster: cluster("cluster1"), namespace: "default" },
    { cluster: cluster("cluster2"), namespace: "default" },
  ],
  manifests: ["cluster1", "cluster2"].map((c) => ({ cluster: c, yaml: readFileSync(join(manifestsDir, `${c}.yaml`), "utf8") })),
});

export const hosts = acme.hosts;
export const objectNames = acme.objectNames;
