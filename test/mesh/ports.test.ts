import { istioProtocol, IstioProtocol, portProtocol, protocolFromName, ServicePortFacts } from "../../sdk/src/mesh";

/**
 * Port name / appProtocol → protocol, as Istio 1.29 maps a Kubernetes Service port (checked against istio/istio at
 * tag 1.29.2, identical in 1.29.6): pkg/config/kube/conversion.go `ConvertProtocol` (CP) and
 * pkg/config/protocol/instance.go `Parse` (P). Then onto the protocols a global service declares.
 */
const CP = "conversion.go ConvertProtocol";
const P = "instance.go Parse";

const table: [port: ServicePortFacts, istio: IstioProtocol, ours: string, rule: string][] = [
  // L4 first
  [{ name: "http-dns", protocol: "UDP" }, "UDP", "TCP", `${CP}: proto == UDP → UDP, before any name`],
  // appProtocol replaces the name
  [{ name: "tcp-web", appProtocol: "http" }, "HTTP", "HTTP", `${CP}: appProtocol set → name = appProtocol`],
  [{ name: "grpc-api", appProtocol: "http" }, "HTTP", "HTTP", `${CP}: appProtocol wins over the port name`],
  [
    { name: "http-web", appProtocol: "custom" },
    "UnsupportedProtocol",
    "TCP",
    `${CP}: appProtocol set, the name is not looked at`,
  ],
  [{ name: "web", appProtocol: "HTTP2" }, "HTTP2", "HTTP2", `${P}: strings.ToLower`],
  [{ appProtocol: "kubernetes.io/h2c" }, "HTTP2", "HTTP2", `${CP}: case "kubernetes.io/h2c" → HTTP2`],
  [{ appProtocol: "kubernetes.io/ws" }, "HTTP", "HTTP", `${CP}: case "kubernetes.io/ws" → HTTP`],
  [{ appProtocol: "kubernetes.io/wss" }, "HTTPS", "HTTPS", `${CP}: case "kubernetes.io/wss" → HTTPS`],
  [
    { name: "kubernetes.io/h2c" },
    "UnsupportedProtocol",
    "TCP",
    `${CP}: the kubernetes.io names count on appProtocol only`,
  ],
  [{ appProtocol: "h2c" }, "UnsupportedProtocol", "TCP", `${P}: no case "h2c"`],
  [{ appProtocol: "grpc-web" }, "GRPC-Web", "GRPC", `${CP}: the grpc-web prefix applies to appProtocol too`],
  // grpc-web: a prefix of 8 characters, any case, before the split at '-'
  [{ name: "grpc-web" }, "GRPC-Web", "GRPC", `${CP}: EqualFold(name[:8], "GRPC-Web") → GRPCWeb`],
  [{ name: "grpc-web-ui" }, "GRPC-Web", "GRPC", `${CP}: grpc-web prefix`],
  [{ name: "GRPC-WEB" }, "GRPC-Web", "GRPC", `${CP}: EqualFold, any case`],
  [{ name: "grpc-webhook" }, "GRPC-Web", "GRPC", `${CP}: a plain prefix, no '-' needed after it`],
  // the part before the first '-'
  [{ name: "http" }, "HTTP", "HTTP", `${P}: "http"`],
  [{ name: "http-catalog" }, "HTTP", "HTTP", `${CP}: name[:IndexByte('-')]`],
  [{ name: "HTTP-catalog" }, "HTTP", "HTTP", `${P}: strings.ToLower`],
  [{ name: "http2-api" }, "HTTP2", "HTTP2", `${P}: "http2"`],
  [{ name: "https-web" }, "HTTPS", "HTTPS", `${P}: "https"`],
  [{ name: "grpc" }, "GRPC", "GRPC", `${P}: "grpc"`],
  [{ name: "grpc-api" }, "GRPC", "GRPC", `${P}: "grpc"`],
  [{ name: "tls-db" }, "TLS", "TLS", `${P}: "tls"`],
  [{ name: "tcp-redis-cart" }, "TCP", "TCP", `${P}: "tcp"`],
  [{ name: "mongo-users" }, "Mongo", "MONGO", `${P}: "mongo"`],
  [{ name: "redis" }, "Redis", "TCP", `${P}: "redis"; no Redis in a global service's protocols`],
  [{ name: "mysql-main" }, "MySQL", "TCP", `${P}: "mysql"; no MySQL in a global service's protocols`],
  [{ name: "udp-syslog" }, "UDP", "TCP", `${P}: "udp" (a name, on a TCP port)`],
  [{ appProtocol: "http_proxy" }, "HTTP_PROXY", "HTTP", `${P}: "http_proxy"; IsHTTP`],
  [{ name: "h2c" }, "UnsupportedProtocol", "TCP", `${P}: no case "h2c": not a port-name prefix Istio knows`],
  [{ name: "h2c-api" }, "UnsupportedProtocol", "TCP", `${P}: no case "h2c"`],
  [{ name: "web" }, "UnsupportedProtocol", "TCP", `${P}: default → Unsupported (Istio sniffs)`],
  [{ name: "httpx-web" }, "UnsupportedProtocol", "TCP", `${P}: whole prefix only`],
  [{}, "UnsupportedProtocol", "TCP", `${P}: no name`],
  // unsupported on a well-known port
  [{ number: 3306, name: "db" }, "TCP", "TCP", `${CP}: wellKnownPorts (25, 53, 3306, 27017) → TCP`],
  [{ number: 27017 }, "TCP", "TCP", `${CP}: wellKnownPorts`],
  [{ number: 3306, name: "mysql" }, "MySQL", "TCP", `${CP}: a known name wins over the well-known port`],
];

test.each(table)("%j → Istio %s → %s (%s)", (port, istio, ours) => {
  expect(istioProtocol(port)).toBe(istio);
  expect(portProtocol(port)).toBe(ours);
});

test("protocolFromName: what a name alone declares, or nothing when Istio would sniff", () => {
  expect(protocolFromName("http-catalog")).toBe("HTTP");
  expect(protocolFromName("grpc-web")).toBe("GRPC");
  expect(protocolFromName("mongo")).toBe("MONGO");
  expect(protocolFromName("redis")).toBe("TCP");
  expect(protocolFromName("h2c-api")).toBeUndefined();
  expect(protocolFromName("metrics")).toBeUndefined();
  expect(protocolFromName(undefined)).toBeUndefined();
  expect(protocolFromName("")).toBeUndefined();
});
