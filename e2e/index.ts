// The conformance run's Pulumi program (README "Conformance run on real clusters"): two kind clusters adopted by
// kubeconfig, Istio on both through MeshTrust + MeshCluster, acme-fitness split as the seed splits it (catalog and
// catalog-mongo in cluster2, the rest in cluster1), a curl client in a member namespace and one in a non-member
// namespace of cluster1, then the acme-fitness GlobalNamespace. `npm run e2e` (e2e/run.ts) creates the clusters, sets
// the config and runs `pulumi up`; by hand:
//   pulumi config set --secret cluster1Kubeconfig "$(kind get kubeconfig --name globalmesh-e2e-1)"   (same for 2)
//   pulumi up
// The kubeconfigs are the host's (https://127.0.0.1:<port>): Pulumi runs on the host. Cross-cluster traffic does not
// use them: it goes from cluster1's egress gateway to cluster2's ingress gateway at its MetalLB address.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GlobalNamespace, IstioValuesOverrides, KubeconfigCluster, MeshCluster, MeshTrust } from "globalmesh";
import { CURL_IMAGE } from "./versions";

const config = new pulumi.Config();
const names = ["cluster1", "cluster2"];
const domain = "acme.example.com";
const manifestsDir = join(__dirname, "..", "examples", "acme-fitness", "manifests");

/**
 * Chart values for single-node kind clusters, over MeshCluster's own (which stay: mesh ID, cluster name, network, trust
 * domain, DNS capture, the gateways' names, service accounts and Services). The chart defaults overridden:
 * - istiod: `autoscaleEnabled` true → false and `replicaCount` 1 (no HorizontalPodAutoscaler scaling it to 5);
 *   `resources.requests` 500m CPU / 2048Mi → 100m / 256Mi;
 * - every sidecar (istiod's `global.proxy.resources.requests`): 100m / 128Mi → 10m / 64Mi, as both clusters share the
 *   runner's CPUs and each of acme-fitness's pods carries one;
 * - `meshConfig.accessLogFile` "" (no access log) → `/dev/stdout`, for the gateways' access-log checks;
 * - both gateways: `autoscaling.enabled` true → false, `replicaCount` 1, `resources.requests` 100m / 128Mi → 50m / 64Mi.
 */
const gatewayValues = {
  autoscaling: { enabled: false },
  replicaCount: 1,
  resources: { requests: { cpu: "50m", memory: "64Mi" } },
};
const singleNode: IstioValuesOverrides = {
  istiod: {
    autoscaleEnabled: false,
    replicaCount: 1,
    resources: { requests: { cpu: "100m", memory: "256Mi" } },
    global: { proxy: { resources: { requests: { cpu: "10m", memory: "64Mi" } } } },
    meshConfig: { accessLogFile: "/dev/stdout" },
  },
  ingressGateway: gatewayValues,
  egressGateway: gatewayValues,
};

const trust = new MeshTrust("acme-mesh", { clusters: names });

/** A client pod to send requests from: curl, kept running, with a sidecar (its namespace is labelled for injection). */
function curlClient(name: string, namespace: string, provider: k8s.Provider, dependsOn: pulumi.Resource[]) {
  const labels = { app: name };
  return new k8s.apps.v1.Deployment(
    `${name}-${namespace}`,
    {
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [{ name: "curl", image: CURL_IMAGE, command: ["/bin/sleep", "infinity"] }],
          },
        },
      },
    },
    { provider, dependsOn },
  );
}

const clusters = names.map((clusterName) => {
  const cluster = new KubeconfigCluster(clusterName, { kubeconfig: config.requireSecret(`${clusterName}Kubeconfig`) });
  // Sidecars in `default` (the GlobalNamespace's member namespace) and in `outsider` (not a member: the refused
  // caller). The label patch creates `outsider`.
  const mesh = new MeshCluster(`${clusterName}-mesh`, {
    cluster,
    ca: trust.caFor(clusterName),
    meshId: trust.meshId,
    trustDomain: trust.trustDomain,
    istio: { values: singleNode },
    injection: { namespaces: ["default", "outsider"] },
    globalNamespaces: ["acme-fitness"],
  });
  // The cluster's half of acme-fitness, once the mesh is ready so its pods get sidecars.
  const yaml = readFileSync(join(manifestsDir, `${clusterName}.yaml`), "utf8");
  const provider = new k8s.Provider(`${clusterName}-apps`, { kubeconfig: cluster.kubeconfig, namespace: "default" });
  new k8s.yaml.v2.ConfigGroup(`${clusterName}-acme-fitness`, { yaml }, { provider, dependsOn: [mesh] });
  return { mesh, yaml, provider };
});
const meshes = clusters.map(({ mesh }) => mesh);

// The callers: a member (`default`) and a non-member (`outsider`), both in cluster1, where catalog does not run.
const [cluster1] = clusters;
const client = "curl";
curlClient(client, "default", cluster1.provider, [cluster1.mesh]);
curlClient(client, "outsider", cluster1.provider, [cluster1.mesh]);

// Every Service of `default` in either cluster gets a global name, discovered from the manifests; the ingress addresses
// come from the MeshClusters (MetalLB's), and the objects wait for istiod and the gateways.
const acme = new GlobalNamespace(
  "acme-fitness",
  {
    domain,
    clusters: meshes,
    members: names.map((cluster) => ({ cluster, namespace: "default" })),
    manifests: clusters.map(({ mesh, yaml }) => ({ cluster: mesh.clusterName, yaml })),
  },
  { dependsOn: meshes },
);

/** What e2e/run.ts checks against (e2e/outputs.ts reads it). */
export const catalog = acme.hosts.apply((hosts) => {
  const host = `catalog.${domain}`;
  const h = hosts.find((x) => x.host === host);
  if (!h) throw new Error(`the GlobalNamespace has no ${host}: ${hosts.map((x) => x.host).join(", ")}`);
  const port = 8082;
  if (!h.ports.includes(port)) throw new Error(`${host} has ports ${h.ports.join(", ")}, not ${port}`);
  return { host, address: h.address, port, owners: h.clusters };
});
export const meshClusters = Object.fromEntries(
  meshes.map((m) => [
    m.clusterName,
    {
      gatewayNamespace: m.gateways.namespace,
      ingressSelector: m.gateways.ingressSelector,
      egressSelector: m.gateways.egressSelector,
      egressGatewayHost: m.egressGatewayHost,
      ingressPrincipal: m.gatewayPrincipals.ingress,
      egressPrincipal: m.gatewayPrincipals.egress,
      ingressAddress: m.ingressAddress,
    },
  ]),
);
export const clients = {
  member: { cluster: "cluster1", namespace: "default", selector: { app: client }, container: "curl" },
  outsider: { cluster: "cluster1", namespace: "outsider", selector: { app: client }, container: "curl" },
};
export const hosts = acme.hosts;
export const objectNames = acme.objectNames;
