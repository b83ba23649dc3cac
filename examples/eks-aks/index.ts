// The acme-fitness GlobalNamespace over two clusters this program creates: EKS (cluster1: shopping, cart, users,
// order, payment) and AKS (cluster2: catalog and its database). See README.md for the two-step rollout.
import * as pulumi from "@pulumi/pulumi";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { AksCluster, EksCluster, GlobalNamespace } from "globalmesh";

const config = new pulumi.Config();

// Region and location come from `aws:region` and `azure-native:location`.
const eks = new EksCluster("cluster1", {});
const aks = new AksCluster("cluster2", {});

// Each manifest file is named after the cluster that runs it: cluster1.yaml, cluster2.yaml.
const manifestsDir = join(__dirname, "..", "acme-fitness", "manifests");
const manifests = readdirSync(manifestsDir)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => ({ cluster: basename(f, ".yaml"), yaml: readFileSync(join(manifestsDir, f), "utf8") }));

// Where each cluster's Istio ingress gateway is reached from the other; known once Istio runs there (step 2).
const ingress1 = config.get("cluster1Ingress");
const ingress2 = config.get("cluster2Ingress");
const acme =
  ingress1 && ingress2
    ? new GlobalNamespace("acme-fitness", {
        domain: "acme.example.com",
        members: [
          { cluster: { ...eks, ingress: { address: ingress1 } }, namespace: "default" },
          { cluster: { ...aks, ingress: { address: ingress2 } }, namespace: "default" },
        ],
        manifests,
      })
    : undefined;
if (!acme) pulumi.log.info("cluster1Ingress and cluster2Ingress are not set yet: created the clusters only (see README step 2)");

export const cluster1Kubeconfig = eks.kubeconfig;
export const cluster2Kubeconfig = aks.kubeconfig;
export const hosts = acme?.hosts;
export const objectNames = acme?.objectNames;
