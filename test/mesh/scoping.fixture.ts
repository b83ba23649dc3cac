/**
 * A mesh with declared calls, for the scoping tests: three clusters, and in cluster1 a declared, scoped namespace
 * (`shop`: frontend calls catalog, cart calls nothing) next to an undeclared one (`web`: portal, no calls).
 */
export function scopedSpec(): any {
  const port = (n: number) => [{ number: n, name: `http-${n}`, protocol: "HTTP" }];
  return {
    name: "store",
    domain: "store.example.com",
    clusters: [
      { name: "c1", ingress: { address: "203.0.113.1" } },
      { name: "c2", ingress: { address: "203.0.113.2" } },
      { name: "c3", ingress: { address: "203.0.113.3" } },
    ],
    members: [
      {
        cluster: "c1",
        namespace: "shop",
        sidecarScope: true,
        extraEgressHosts: ["legacy/billing.legacy.svc.cluster.local"],
      },
      { cluster: "c1", namespace: "web" },
      { cluster: "c2", namespace: "catalog" },
      { cluster: "c3", namespace: "users" },
    ],
    services: [
      { name: "frontend", namespace: "shop", clusters: ["c1"], ports: port(8080), calls: ["catalog"] },
      { name: "cart", namespace: "shop", clusters: ["c1"], ports: port(8081), calls: [] },
      { name: "portal", namespace: "web", clusters: ["c1"], ports: port(8090) },
      { name: "catalog", namespace: "catalog", clusters: ["c2"], ports: port(8082), calls: ["users"] },
      { name: "users", namespace: "users", clusters: ["c3"], ports: port(8083) },
    ],
  };
}
