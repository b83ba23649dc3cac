import { installMocks, Recorder, valueOf } from "../helpers/pulumiHarness";
import { computedState, connection, deps, LOAD_BALANCERS, registrationsDuring } from "./support";
import { loadBalancerAddress } from "../../sdk/src/install/gateways";
import type { MeshCluster as MeshClusterT, SpecError as SpecErrorT } from "../../sdk/src";

/**
 * What a production install needs beyond a working one: two replicas of istiod and of every gateway with disruption
 * budgets and zone spread, atomic Helm releases with timeouts a load balancer fits in, an image registry override,
 * the cluster's load-balancer annotations, and (with `eastWest: true`) the east-west gateway of the issue-10 contract.
 *
 * c1: every default, EKS-like load-balancer annotations (the ingress gateway's own override wins), an east-west
 * gateway whose address comes from its Service. c2: one istiod, three gateway replicas, no spread, a registry mirror,
 * an east-west gateway at a given address. c3: no east-west gateway.
 */
let rec: Recorder;
let lib: typeof import("../../sdk/src");
let c1: MeshClusterT;
let c2: MeshClusterT;
let c3: MeshClusterT;

const NLB = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
};

beforeAll(async () => {
  rec = await installMocks({ preview: false, state: computedState });
  lib = await import("../../sdk/src");
  const trust = new lib.MeshTrust("mesh", { clusters: ["c1", "c2", "c3"] });
  const mesh = (c: string) => ({ ca: trust.caFor(c), meshId: trust.meshId });
  c1 = new lib.MeshCluster("c1", {
    cluster: { ...connection("c1", { network: "net1" }), loadBalancerAnnotations: NLB },
    ...mesh("c1"),
    eastWest: true,
    istio: {
      values: {
        ingressGateway: {
          service: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } },
        },
      },
    },
  });
  c2 = new lib.MeshCluster("c2", {
    cluster: connection("c2"),
    ...mesh("c2"),
    availability: { istiodReplicas: 1, gatewayReplicas: 3, spreadAcrossZones: false },
    istio: { hub: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/istio" },
    eastWest: true,
    eastWestAddress: "ew.c2.example.com",
  });
  c3 = new lib.MeshCluster("c3", { cluster: connection("c3"), ...mesh("c3") });
  await Promise.all([c1, c2, c3].map((mc) => valueOf(mc.ingressAddress)));
  await rec.settled();
});

const release = (n: string) => rec.byName(n);
const values = (n: string) => release(n).inputs.values;
const GATEWAYS = ["ingress-gateway", "egress-gateway", "eastwest-gateway"];

describe("Helm releases", () => {
  test("every release is atomic and cleans up on failure; timeouts sized for what each waits for", () => {
    const releases = rec.ofType("kubernetes:helm.sh/v3:Release");
    expect(releases).toHaveLength(3 * 4 + 2);
    for (const r of releases) {
      expect({ release: r.name, atomic: r.inputs.atomic, cleanupOnFail: r.inputs.cleanupOnFail }).toEqual({
        release: r.name,
        atomic: true,
        cleanupOnFail: true,
      });
      // Literal on purpose (not RELEASE_TIMEOUT_SECONDS): the sizes are the decision under test.
      const expected = r.inputs.chart === "base" ? 300 : r.inputs.chart === "istiod" ? 600 : 900;
      expect({ release: r.name, timeout: r.inputs.timeout }).toEqual({ release: r.name, timeout: expected });
    }
  });

  test("a registry override goes to istiod's global.hub, which injects the gateways' proxies too", () => {
    expect(values("c2-istiod").global.hub).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com/istio");
    expect(values("c1-istiod").global.hub).toBeUndefined();
    // The gateway chart has no image of its own (`image: auto`): its pods get istiod's proxy image when injected.
    for (const g of GATEWAYS) expect(values(`c2-${g}`).global).toBeUndefined();
  });
});

describe("availability", () => {
  test("istiod: two replicas that the autoscaler keeps, a budget of one, spread across zones by its own pod labels", () => {
    const v = values("c1-istiod");
    expect([v.replicaCount, v.autoscaleMin, v.autoscaleMax]).toEqual([2, 2, 5]);
    expect(v.pdb).toEqual({ minAvailable: 1 });
    expect(v.global.defaultPodDisruptionBudget).toEqual({ enabled: true });
    expect(v.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        // The labels the istiod chart puts on the default revision's pods.
        labelSelector: { matchLabels: { app: "istiod", "istio.io/rev": "default" } },
      },
    ]);
  });

  test("every gateway: two replicas the autoscaler keeps, a budget of one, spread by the labels the wiring selects", () => {
    const selectors: Record<string, Record<string, string> | undefined> = {
      "ingress-gateway": c1.gateways.ingressSelector,
      "egress-gateway": c1.gateways.egressSelector,
      "eastwest-gateway": c1.gateways.eastWestSelector,
    };
    for (const g of GATEWAYS) {
      const v = values(`c1-${g}`);
      expect([v.replicaCount, v.autoscaling]).toEqual([2, { minReplicas: 2, maxReplicas: 5 }]);
      expect(v.podDisruptionBudget).toEqual({ minAvailable: 1 });
      expect(v.topologySpreadConstraints).toEqual([
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: selectors[g] },
        },
      ]);
    }
  });

  test("as asked: one istiod has no budget (it would block every drain), three gateways, no spread", () => {
    const istiod = values("c2-istiod");
    // The chart renders istiod's budget only when autoscaleMin (or replicaCount) is above 1 (poddisruptionbudget.yaml).
    expect([istiod.replicaCount, istiod.autoscaleMin]).toEqual([1, 1]);
    expect(istiod.global.defaultPodDisruptionBudget).toEqual({ enabled: true });
    expect(istiod.topologySpreadConstraints).toEqual([]);
    for (const g of GATEWAYS) {
      const v = values(`c2-${g}`);
      expect([v.replicaCount, v.autoscaling.minReplicas, v.podDisruptionBudget]).toEqual([3, 3, { minAvailable: 1 }]);
      expect(v.topologySpreadConstraints).toEqual([]);
    }
  });

  test("bad availability args are refused before anything is registered", () => {
    const trust = new lib.MeshTrust("bad-mesh", { clusters: ["x"] });
    const { count, error } = registrationsDuring(
      () =>
        new lib.MeshCluster("x", {
          cluster: connection("x"),
          ca: trust.caFor("x"),
          meshId: trust.meshId,
          availability: { istiodReplicas: 0, gatewayReplicas: 2.5, spreadAcrossZones: "yes" as never },
          eastWestAddress: "ew.x.example.com",
        }),
    );
    expect(count).toBe(0);
    expect((error as SpecErrorT).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "eastWestAddress: is given, but no east-west gateway is installed; set eastWest: true, or remove it",
      "availability.istiodReplicas: 0 is not a whole number from 1 to 10; use e.g. 2",
      "availability.gatewayReplicas: 2.5 is not a whole number from 1 to 10; use e.g. 2",
      'availability.spreadAcrossZones: "yes" is not true or false; write it without quotes, e.g. true',
    ]);
  });
});

describe("load-balancer annotations", () => {
  test("the cluster's annotations on the ingress and east-west Services, the caller's own winning; none on egress", () => {
    expect(values("c1-ingress-gateway").service.annotations).toEqual({
      ...NLB,
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    });
    expect(values("c1-eastwest-gateway").service.annotations).toEqual(NLB);
    expect(values("c1-egress-gateway").service.annotations).toBeUndefined();
    expect(values("c2-ingress-gateway").service.annotations).toBeUndefined();
  });
});

describe("east-west gateway", () => {
  test("release istio-eastwestgateway of the gateway chart in istio-gateways, after its revision's istiod", () => {
    for (const c of ["c1", "c2"]) {
      const r = release(`${c}-eastwest-gateway`);
      expect(r.inputs).toMatchObject({
        name: "istio-eastwestgateway",
        chart: "gateway",
        namespace: "istio-gateways",
        version: lib.DEFAULT_ISTIO_VERSION,
      });
      expect(deps(r)).toEqual([release(`${c}-istio-gateways`).urn, release(`${c}-istiod`).urn].sort());
    }
    expect(rec.registrations.filter((r) => r.name.startsWith("c3-eastwest"))).toEqual([]);
  });

  test("labels, network view, its own service account, and a load balancer with 15021 and 15443 only", () => {
    const v = values("c1-eastwest-gateway");
    expect(v.labels).toEqual({ istio: "eastwestgateway", "topology.istio.io/network": "net1" });
    expect(v.env).toEqual({ ISTIO_META_REQUESTED_NETWORK_VIEW: "net1" });
    expect(v.serviceAccount).toEqual({ name: "istio-eastwestgateway-c1" });
    expect(v.networkGateway).toBeUndefined();
    expect(v.service.type).toBe("LoadBalancer");
    expect(v.service.ports).toEqual([
      { name: "status-port", port: 15021, targetPort: 15021, protocol: "TCP" },
      { name: "tls", port: 15443, targetPort: 15443, protocol: "TCP" },
    ]);
    // c2's network defaults to its name.
    expect(values("c2-eastwest-gateway").labels["topology.istio.io/network"]).toBe("c2");
    expect(values("c2-eastwest-gateway").env).toEqual({ ISTIO_META_REQUESTED_NETWORK_VIEW: "c2" });
  });

  test("outputs: the endpoint (load-balancer address or the one given, port 15443), selector and service account", async () => {
    expect(c1.eastWest?.port).toBe(15443);
    expect(await valueOf(c1.eastWest!.address)).toBe(LOAD_BALANCERS["c1-eastwest-service"].hostname);
    expect(await valueOf(c2.eastWest!.address)).toBe("ew.c2.example.com");
    expect(rec.registrations.filter((r) => r.name === "c2-eastwest-service")).toEqual([]);
    expect(c1.gateways).toMatchObject({
      eastWestSelector: { istio: "eastwestgateway" },
      eastWestServiceAccount: "istio-eastwestgateway-c1",
    });
    expect(c3.eastWest).toBeUndefined();
    expect(c3.gateways.eastWestSelector).toBeUndefined();
    expect(rec.byName("c1-mesh-identity").inputs.data["east-west-gateway"]).toBe(
      "istio-eastwestgateway.istio-gateways.svc.cluster.local",
    );
  });

  test("a Service without a load-balancer address names eastWestAddress and port 15443 as the fix", () => {
    expect(() =>
      loadBalancerAddress({ loadBalancer: {} }, "istio-gateways/istio-eastwestgateway", {
        field: "eastWestAddress",
        port: 15443,
      }),
    ).toThrow(
      /has no load-balancer address.*MeshClusterArgs\.eastWestAddress \(an address that reaches the gateway's port 15443\)/,
    );
  });
});
