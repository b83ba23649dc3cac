import {
  classifyCurl,
  clusterTls,
  describeCurl,
  filterChainFor,
  listenerAddresses,
  logLinesWith,
  parseConfigDump,
  rbacBeforeTcpProxy,
  virtualHostFor,
} from "../../e2e/envoy";

/**
 * The shapes `istioctl proxy-config … -o json` prints (Envoy's v3 API as JSON, camelCase), cut down to what the checks
 * read. Where Istio versions differ (SAN matchers, transport sockets), both forms.
 */

const SNI = "8082.catalog.acme.example.com";
const INGRESS2 = "spiffe://cluster.local/ns/istio-gateways/sa/istio-ingressgateway-cluster2";
const EGRESS1 = "spiffe://cluster.local/ns/istio-gateways/sa/istio-egressgateway-cluster1";
const EGRESS_HOST = "istio-egressgateway.istio-gateways.svc.cluster.local";

const routes = [
  {
    name: "8082",
    virtualHosts: [
      {
        name: "allow_any",
        domains: ["*"],
        routes: [{ match: { prefix: "/" }, route: { cluster: "PassthroughCluster" } }],
      },
      {
        name: "catalog.acme.example.com:8082",
        domains: ["catalog.acme.example.com", "242.17.3.9"],
        routes: [
          {
            match: { prefix: "/" },
            route: { cluster: `outbound|443|gns-acme-fitness-catalog-8082|${EGRESS_HOST}`, timeout: "0s" },
          },
        ],
      },
    ],
  },
];

test("virtualHostFor: the route's virtual host for a host, and where it sends it", () => {
  expect(virtualHostFor(parseConfigDump(JSON.stringify(routes), "route"), "8082", "catalog.acme.example.com")).toEqual({
    route: "8082",
    name: "catalog.acme.example.com:8082",
    domains: ["catalog.acme.example.com", "242.17.3.9"],
    clusters: [`outbound|443|gns-acme-fitness-catalog-8082|${EGRESS_HOST}`],
  });
  // Weighted clusters, and a domain written with its port.
  const weighted = [
    {
      name: "8082",
      virtualHosts: [
        {
          name: "x",
          domains: ["catalog.acme.example.com:8082"],
          routes: [
            {
              route: {
                weightedClusters: {
                  clusters: [
                    { name: "a", weight: 50 },
                    { name: "b", weight: 50 },
                  ],
                },
              },
            },
          ],
        },
      ],
    },
  ];
  expect(virtualHostFor(weighted, "8082", "catalog.acme.example.com")?.clusters).toEqual(["a", "b"]);
  expect(virtualHostFor(routes, "8082", "cart.acme.example.com")).toBeUndefined();
  expect(virtualHostFor(routes, "9080", "catalog.acme.example.com")).toBeUndefined();
  // `*` is not the host.
  expect(virtualHostFor(routes, "8082", "catalog.acme.example")).toBeUndefined();
});

const chain = (
  serverNames: string[],
  sans: unknown,
  filters = ["envoy.filters.network.rbac", "istio.stats", "envoy.filters.network.tcp_proxy"],
) => ({
  filterChainMatch: { serverNames },
  filters: filters.map((name) => ({ name, typedConfig: {} })),
  transportSocket: {
    name: "envoy.transport_sockets.tls",
    typedConfig: {
      "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
      commonTlsContext: { combinedValidationContext: { defaultValidationContext: sans } },
      requireClientCertificate: true,
    },
  },
});
const gatewayListeners = [
  { name: "0.0.0.0_15021", address: { socketAddress: { address: "0.0.0.0", portValue: 15021 } }, filterChains: [] },
  {
    name: "0.0.0.0_443",
    address: { socketAddress: { address: "0.0.0.0", portValue: 443 } },
    filterChains: [
      chain(["27017.catalog-mongo.acme.example.com"], {}),
      chain([SNI], { matchSubjectAltNames: [{ exact: EGRESS1 }] }),
    ],
  },
];

test("filterChainFor: the chain for a server name, its filters in order and the SANs it accepts", () => {
  expect(filterChainFor(gatewayListeners, 443, SNI)).toEqual({
    listener: "0.0.0.0_443",
    serverNames: [SNI],
    filters: ["envoy.filters.network.rbac", "istio.stats", "envoy.filters.network.tcp_proxy"],
    subjectAltNames: [EGRESS1],
  });
  // Typed SAN matchers (newer Envoy config), and the same name on another port.
  const typed = [
    {
      name: "0.0.0.0_443",
      address: { socketAddress: { address: "0.0.0.0", portValue: 443 } },
      filterChains: [chain([SNI], { matchTypedSubjectAltNames: [{ sanType: "URI", matcher: { exact: EGRESS1 } }] })],
    },
  ];
  expect(filterChainFor(typed, 443, SNI)?.subjectAltNames).toEqual([EGRESS1]);
  expect(filterChainFor(typed, 15443, SNI)).toBeUndefined();
  expect(filterChainFor(gatewayListeners, 443, "8083.catalog.acme.example.com")).toBeUndefined();
});

test("rbacBeforeTcpProxy", () => {
  expect(rbacBeforeTcpProxy(["envoy.filters.network.rbac", "istio.stats", "envoy.filters.network.tcp_proxy"])).toBe(
    true,
  );
  expect(rbacBeforeTcpProxy(["envoy.filters.network.tcp_proxy", "envoy.filters.network.rbac"])).toBe(false);
  expect(rbacBeforeTcpProxy(["istio.stats", "envoy.filters.network.tcp_proxy"])).toBe(false);
});

test("listenerAddresses", () => {
  expect(listenerAddresses(gatewayListeners)).toEqual([
    { name: "0.0.0.0_15021", address: "0.0.0.0", port: 15021 },
    { name: "0.0.0.0_443", address: "0.0.0.0", port: 443 },
  ]);
});

test("clusterTls: SNI and SANs through transportSocket or transportSocketMatches", () => {
  const upstream = (sans: unknown) => ({
    name: "envoy.transport_sockets.tls",
    typedConfig: {
      "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
      commonTlsContext: { combinedValidationContext: { defaultValidationContext: sans } },
      sni: SNI,
    },
  });
  const clusters = [
    {
      name: "outbound|8082||catalog.acme.example.com",
      type: "EDS",
      transportSocket: upstream({ matchSubjectAltNames: [{ exact: INGRESS2 }] }),
    },
    {
      name: "outbound|27017||catalog-mongo.acme.example.com",
      transportSocketMatches: [
        {
          name: "tlsMode-istio",
          transportSocket: upstream({ matchTypedSubjectAltNames: [{ sanType: "URI", matcher: { exact: INGRESS2 } }] }),
        },
      ],
    },
  ];
  expect(clusterTls(clusters, "outbound|8082||catalog.acme.example.com")).toEqual({
    name: "outbound|8082||catalog.acme.example.com",
    snis: [SNI],
    subjectAltNames: [INGRESS2],
  });
  expect(clusterTls(clusters, "outbound|27017||catalog-mongo.acme.example.com")?.subjectAltNames).toEqual([INGRESS2]);
  expect(clusterTls(clusters, "outbound|9999||nothing")).toBeUndefined();
});

test("parseConfigDump: an array, a single object, or an error", () => {
  expect(parseConfigDump("[]", "cluster")).toEqual([]);
  expect(parseConfigDump('{"name":"x"}', "cluster")).toEqual([{ name: "x" }]);
  expect(() => parseConfigDump("Error: failed to get config dump", "cluster")).toThrow(
    "istioctl proxy-config cluster: not JSON",
  );
});

test("logLinesWith: lines of Istio's default access-log format that name the SNI, as a whole name", () => {
  const line = (sni: string) =>
    `[2026-01-05T05:31:02.118Z] "- - -" 0 - - - "-" 1290 7343 412 - "-" "-" "-" "-" "172.18.255.230:443" ` +
    `outbound|8082||catalog.acme.example.com 10.110.0.14:43712 10.110.0.14:443 10.110.0.21:38104 ${sni} -`;
  const log = [line(SNI), line(`1${SNI}`), line("27017.catalog-mongo.acme.example.com"), ""].join("\n");
  expect(logLinesWith(log, SNI)).toEqual([line(SNI)]);
  expect(logLinesWith(`{"requested_server_name":"${SNI}","response_code":0}`, SNI)).toHaveLength(1);
  expect(logLinesWith("", SNI)).toEqual([]);
});

test("classifyCurl: what curl's exit status says, through kubectl exec", () => {
  expect(classifyCurl(0, "200", "")).toEqual({ kind: "http", status: 200 });
  expect(classifyCurl(0, "503", "")).toEqual({ kind: "http", status: 503 });
  const dns = classifyCurl(
    6,
    "000",
    "curl: (6) Could not resolve host: catalog.acme.example.com\ncommand terminated with exit code 6",
  );
  expect(dns.kind).toBe("dns");
  expect(describeCurl(dns)).toBe(
    "name did not resolve: curl: (6) Could not resolve host: catalog.acme.example.com command terminated with exit code 6",
  );
  expect(classifyCurl(7, "000", "curl: (7) Failed to connect to 242.17.3.9 port 8082").kind).toBe("connect");
  expect(classifyCurl(28, "000", "curl: (28) Connection timed out after 10001 milliseconds").kind).toBe("timeout");
  expect(classifyCurl(56, "000", "curl: (56) Recv failure: Connection reset by peer")).toEqual({
    kind: "other",
    exitCode: 56,
    detail: "curl: (56) Recv failure: Connection reset by peer",
  });
  expect(describeCurl({ kind: "http", status: 200 })).toBe("HTTP 200");
});
