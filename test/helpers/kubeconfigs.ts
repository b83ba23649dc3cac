/**
 * Kubeconfig texts for tests. A plain-string kubeconfig given to a component (KubeconfigCluster's `kubeconfig`,
 * MeshCluster's `cluster.kubeconfig`, a GlobalNamespace's `clusters[i].kubeconfig`) is checked as the Kubernetes
 * provider would read it, so a test that means "some valid kubeconfig" gives `kubeconfigText(name)`.
 */

/**
 * A valid kubeconfig for one cluster named `name`, as JSON (which is YAML too): its cluster, user and context are all
 * `name`, and its server, CA and token name it, so the texts of two names differ and a test can tell which cluster a
 * provider points at. `fields` replace top-level fields (one set to undefined is left out), for broken variants.
 */
export const kubeconfigText = (name: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: {
          server: `https://${name}.example.net`,
          "certificate-authority-data": Buffer.from(`CA of ${name}`).toString("base64"),
        },
      },
    ],
    users: [{ name, user: { token: `token-of-${name}` } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    ...fields,
  });

/** For the KubeconfigCluster tests: two kind clusters; current-context kind-a. */
export const TWO_CONTEXTS = `# two kind clusters
apiVersion: v1
kind: Config
clusters:
  - name: kind-a
    cluster: { server: "https://127.0.0.1:6443", certificate-authority-data: QQ== }
  - name: kind-b
    cluster: { server: "https://127.0.0.1:7443", certificate-authority-data: Qg== }
contexts:
  - name: kind-a
    context: { cluster: kind-a, user: kind-a }
  - name: kind-b
    context: { cluster: kind-b, user: kind-b }
current-context: kind-a
users:
  - name: kind-a
    user: { token: aaa }
  - name: kind-b
    user: { token: bbb }
`;

/** One GKE-style cluster with an exec plugin, as JSON. */
export const GKE_JSON = JSON.stringify({
  apiVersion: "v1",
  kind: "Config",
  clusters: [{ name: "gke_p_z_c", cluster: { server: "https://34.1.2.3", "certificate-authority-data": "Qw==" } }],
  contexts: [{ name: "gke_p_z_c", context: { cluster: "gke_p_z_c", user: "gke_p_z_c" } }],
  "current-context": "gke_p_z_c",
  users: [
    {
      name: "gke_p_z_c",
      user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "gke-gcloud-auth-plugin" } },
    },
  ],
});

/** TWO_CONTEXTS with one change, for broken-kubeconfig cases. */
export const twoContextsWith = (from: string, to: string) => {
  if (!TWO_CONTEXTS.includes(from)) throw new Error(`fixture has no ${from}`);
  return TWO_CONTEXTS.replace(from, to);
};
