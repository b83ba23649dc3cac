/** Kubeconfig texts for the KubeconfigCluster tests. */

/** Two kind clusters; current-context kind-a. */
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
