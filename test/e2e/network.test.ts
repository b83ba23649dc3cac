import { parse, parseAllDocuments } from "yaml";
import { CLUSTERS, inRange, ipv4SubnetOf, kindConfig, metallbPoolManifest, metallbRanges } from "../../e2e/network";
import { KIND_NODE_IMAGE } from "../../e2e/versions";

test("ipv4SubnetOf: the IPv4 subnet of `docker network inspect kind`, whatever its position", () => {
  expect(
    ipv4SubnetOf(
      '[{"Subnet":"fc00:f853:ccd:e793::/64","Gateway":"fc00:f853:ccd:e793::1"},{"Subnet":"172.18.0.0/16","Gateway":"172.18.0.1"}]',
    ),
  ).toBe("172.18.0.0/16");
  expect(() => ipv4SubnetOf('[{"Subnet":"fc00:f853:ccd:e793::/64"}]')).toThrow(
    "the Docker network has no IPv4 subnet (subnets: fc00:f853:ccd:e793::/64)",
  );
  expect(() => ipv4SubnetOf("Error: No such network: kind")).toThrow("not JSON");
  expect(() => ipv4SubnetOf("null")).toThrow("no IPv4 subnet (subnets: none)");
});

test("metallbRanges: disjoint slices at the top of kind's /16, clear of the nodes' low addresses", () => {
  const ranges = metallbRanges("172.18.0.0/16", 2);
  expect(ranges).toEqual(["172.18.255.210-172.18.255.229", "172.18.255.230-172.18.255.249"]);
  expect(inRange("172.18.0.2", ranges[0])).toBe(false);
  expect(inRange("172.18.255.255", ranges[1])).toBe(false);
  expect(inRange("172.18.255.229", ranges[0])).toBe(true);
  expect(inRange("172.18.255.229", ranges[1])).toBe(false);
  expect(inRange("172.18.255.230", ranges[1])).toBe(true);
});

test("metallbRanges: a /24 (a custom kind network), a host address given for the network, too-small subnets", () => {
  expect(metallbRanges("192.168.200.0/24", 2, 10)).toEqual([
    "192.168.200.230-192.168.200.239",
    "192.168.200.240-192.168.200.249",
  ]);
  expect(metallbRanges("10.89.0.7/24", 1)).toEqual(["10.89.0.230-10.89.0.249"]);
  expect(() => metallbRanges("172.18.0.0/25", 2)).toThrow("too small");
  expect(() => metallbRanges("fc00::/64", 2)).toThrow("not an IPv4 CIDR");
});

test("the clusters: distinct names and non-overlapping pod and service CIDRs, none of them kind's defaults", () => {
  const cidrs = CLUSTERS.flatMap((c) => [c.podSubnet, c.serviceSubnet]);
  expect(new Set(cidrs).size).toBe(cidrs.length);
  // All /16s of 10.0.0.0/8: distinct second octets do not overlap.
  expect(cidrs.every((c) => /^10\.\d+\.0\.0\/16$/.test(c))).toBe(true);
  expect(new Set(cidrs.map((c) => c.split(".")[1])).size).toBe(cidrs.length);
  expect(cidrs).not.toContain("10.244.0.0/16");
  expect(cidrs).not.toContain("10.96.0.0/16");
  expect(CLUSTERS.map((c) => c.meshName)).toEqual(["cluster1", "cluster2"]);
  expect(new Set(CLUSTERS.map((c) => c.kindName)).size).toBe(2);
});

test("kindConfig: one node on the pinned image, the cluster's own CIDRs", () => {
  expect(parse(kindConfig(CLUSTERS[1]))).toEqual({
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    networking: { podSubnet: "10.120.0.0/16", serviceSubnet: "10.121.0.0/16" },
    nodes: [{ role: "control-plane", image: KIND_NODE_IMAGE }],
  });
});

test("metallbPoolManifest: an IPAddressPool of the range and an L2Advertisement of that pool", () => {
  const docs = parseAllDocuments(metallbPoolManifest("172.18.255.206-172.18.255.225")).map((d) => d.toJS());
  expect(docs).toEqual([
    {
      apiVersion: "metallb.io/v1beta1",
      kind: "IPAddressPool",
      metadata: { name: "globalmesh-e2e", namespace: "metallb-system" },
      spec: { addresses: ["172.18.255.206-172.18.255.225"] },
    },
    {
      apiVersion: "metallb.io/v1beta1",
      kind: "L2Advertisement",
      metadata: { name: "globalmesh-e2e", namespace: "metallb-system" },
      spec: { ipAddressPools: ["globalmesh-e2e"] },
    },
  ]);
});
