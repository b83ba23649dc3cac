import { tunnelHost } from "globalmesh/core";
import { parseStackOutputs, runningPodName, selectorArg, spiffe, tunnelName } from "../../e2e/outputs";

/** What `pulumi stack output --json --show-secrets` prints for the e2e program (the engine test runs the real one). */
const stackOutputs = () => ({
  catalog: { host: "catalog.acme.example.com", address: "242.17.3.9", port: 8082, owners: ["cluster2"] },
  meshClusters: Object.fromEntries(
    ["cluster1", "cluster2"].map((c, i) => [
      c,
      {
        gatewayNamespace: "istio-gateways",
        ingressSelector: { app: "istio-ingressgateway", istio: "ingressgateway" },
        egressSelector: { app: "istio-egressgateway", istio: "egressgateway" },
        egressGatewayHost: "istio-egressgateway.istio-gateways.svc.cluster.local",
        ingressPrincipal: `cluster.local/ns/istio-gateways/sa/istio-ingressgateway-${c}`,
        egressPrincipal: `cluster.local/ns/istio-gateways/sa/istio-egressgateway-${c}`,
        ingressAddress: `172.18.255.${210 + 20 * i}`,
      },
    ]),
  ),
  clients: {
    member: { cluster: "cluster1", namespace: "default", selector: { app: "curl" }, container: "curl" },
    outsider: { cluster: "cluster1", namespace: "outsider", selector: { app: "curl" }, container: "curl" },
  },
  hosts: [],
  objectNames: {},
});

test("parseStackOutputs reads the program's outputs", () => {
  const out = parseStackOutputs(JSON.stringify(stackOutputs()));
  expect(out.catalog).toEqual({
    host: "catalog.acme.example.com",
    address: "242.17.3.9",
    port: 8082,
    owners: ["cluster2"],
  });
  expect(Object.keys(out.meshClusters)).toEqual(["cluster1", "cluster2"]);
  expect(out.meshClusters.cluster2.ingressAddress).toBe("172.18.255.230");
  expect(out.clients.outsider.namespace).toBe("outsider");
});

test("parseStackOutputs lists every missing or wrong field at once", () => {
  const o: any = stackOutputs();
  delete o.catalog.address;
  o.catalog.port = "8082";
  o.meshClusters.cluster1.ingressAddress = "[secret]";
  o.meshClusters.cluster2.egressSelector = {};
  o.clients.member.cluster = "cluster3";
  o.catalog.owners = ["cluster4"];
  expect(() => parseStackOutputs(JSON.stringify(o))).toThrow(
    [
      "unexpected stack outputs:",
      "  catalog.address: expected a string, got undefined",
      '  catalog.port: expected an integer, got "8082"',
      '  meshClusters.cluster1.ingressAddress: expected a string, got "[secret]"',
      "  meshClusters.cluster2.egressSelector: expected labels (a non-empty map of strings), got {}",
      "  clients: cluster cluster3 is not in meshClusters",
      "  catalog.owners: cluster cluster4 is not in meshClusters",
    ].join("\n"),
  );
  expect(() => parseStackOutputs("error: no stack")).toThrow("pulumi stack output --json: not JSON: error: no stack");
  expect(() => parseStackOutputs("{}")).toThrow("meshClusters: expected a map of clusters, got undefined");
});

test("the tunnel name is the one the compiler writes; SPIFFE IDs and selectors", () => {
  expect(tunnelName("catalog.acme.example.com", 8082)).toBe("8082.catalog.acme.example.com");
  expect(tunnelName("catalog.acme.example.com", 8082)).toBe(tunnelHost("catalog.acme.example.com", 8082));
  expect(spiffe("cluster.local/ns/istio-gateways/sa/x")).toBe("spiffe://cluster.local/ns/istio-gateways/sa/x");
  expect(selectorArg({ app: "istio-egressgateway", istio: "egressgateway" })).toBe(
    "app=istio-egressgateway,istio=egressgateway",
  );
});

test("runningPodName: a Running pod not being deleted", () => {
  const pod = (name: string, phase: string, deleting = false) => ({
    metadata: { name, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    status: { phase },
  });
  const list = (...items: unknown[]) => JSON.stringify({ apiVersion: "v1", kind: "List", items });
  expect(runningPodName(list(pod("a", "Pending"), pod("b", "Running", true), pod("c", "Running")))).toBe("c");
  expect(runningPodName(list(pod("a", "Pending")))).toBeUndefined();
  expect(runningPodName(list())).toBeUndefined();
  expect(runningPodName("error: the server doesn't have a resource type")).toBeUndefined();
});
