/**
 * `globalmesh/core`: the pure compiler, for GitOps tools and anything else that is not a Pulumi program. A
 * GlobalNamespace spec (plain data, e.g. parsed YAML) and the clusters' manifests in, Istio objects per cluster out;
 * no Pulumi, no I/O.
 */
export * from "./mesh";
