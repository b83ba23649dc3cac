import { GlobalNamespace, GlobalNamespaceArgs } from "../../sdk/src/gns";
import { compileArgs } from "../../sdk/src/gns/toSpec";
import { MtlsMode, PolicyAction } from "../../sdk/src";
import { buildMesh, SpecError } from "../../sdk/src/mesh";
import { kubeconfigText } from "../helpers/kubeconfigs";
import { installMocks, Recorder, Registration } from "../helpers/pulumiHarness";
import { registrationsDuring } from "../install/support";

/**
 * The spec's security fields as component args (ownDomain, mtls, defaultDeny, policies; per cluster trustDomain and
 * namespaces; per member excludeServices; per service selector; per port targetPort) reach the core as they are, and
 * the security objects it compiles (AuthorizationPolicy, PeerAuthentication) are registered like the others, those
 * in application namespaces under namespace-qualified names.
 */

const ARGS: GlobalNamespaceArgs = {
  globalNamespaceName: "shop",
  domain: "shop.example.com",
  clusters: [
    {
      clusterName: "east",
      kubeconfig: kubeconfigText("east"),
      ingress: { address: "203.0.113.1" },
      trustDomain: "east.example.com",
      namespaces: ["ops-tools"],
    },
    {
      clusterName: "west",
      kubeconfig: kubeconfigText("west"),
      ingress: { address: "203.0.113.2" },
      trustDomain: "west.example.com",
    },
  ],
  members: [
    { cluster: "*", namespace: "shop", excludeServices: ["internal"] },
    { cluster: "east", namespace: "web" },
    { cluster: "east", namespace: "ops-*" },
  ],
  services: [
    {
      name: "cart",
      namespace: "shop",
      clusters: ["west"],
      ports: [{ number: 80, targetPort: 8080, name: "http" }],
      selector: { app: "cart" },
    },
  ],
  mtls: MtlsMode.STRICT,
  defaultDeny: true,
  policies: [
    {
      name: "web-reads-cart",
      action: PolicyAction.ALLOW,
      from: [{ namespace: "web" }],
      to: [{ service: "cart", ports: [80], methods: ["GET"] }],
    },
  ],
};

/** The same GlobalNamespace as the core's spec. */
const CORE_SPEC = {
  name: "shop",
  domain: "shop.example.com",
  clusters: [
    {
      name: "east",
      ingress: { address: "203.0.113.1" },
      trustDomain: "east.example.com",
      namespaces: ["ops-tools"],
    },
    { name: "west", ingress: { address: "203.0.113.2" }, trustDomain: "west.example.com" },
  ],
  members: ARGS.members,
  services: ARGS.services,
  mtls: "STRICT",
  defaultDeny: true,
  policies: ARGS.policies,
};

const isMeshObject = (r: Registration) => /^kubernetes:(networking|security)\.istio\.io\//.test(r.type);

test("the args reach the core's spec as they are", () => {
  expect(compileArgs("shop", ARGS).spec).toEqual(CORE_SPEC);
  const own = compileArgs("x", { ...ARGS, domain: "acme.com", ownDomain: true }).spec;
  expect(own.ownDomain).toBe(true);
});

test("the enums are the spec's values", () => {
  expect(Object.values(MtlsMode)).toEqual(["STRICT", "PERMISSIVE"]);
  expect(Object.values(PolicyAction)).toEqual(["ALLOW", "DENY"]);
});

describe("registered objects", () => {
  let rec: Recorder;
  beforeAll(async () => {
    rec = await installMocks({ preview: true });
    new GlobalNamespace("shop", ARGS);
    await rec.settled();
  });

  test("exactly the compiled objects, security ones included, each under its namespace-qualified name when outside istio-gateways", () => {
    const expected = buildMesh(CORE_SPEC).compiled.objects;
    const want = [...expected].flatMap(([c, objs]) =>
      objs.map((o) => {
        const { name, namespace } = o.metadata;
        const qualified = namespace === "istio-gateways" ? name : `${namespace}/${name}`;
        return `kubernetes:${o.apiVersion}:${o.kind} shop-${c}-${qualified}`;
      }),
    );
    const got = rec.registrations.filter(isMeshObject).map((r) => `${r.type} ${r.name}`);
    expect(got.sort()).toEqual(want.sort());
    expect(new Set(got).size).toBe(got.length);
  });

  test("AuthorizationPolicies and PeerAuthentications as security.istio.io/v1 objects, in the namespaces compiled", () => {
    const security = rec.registrations.filter((r) => r.type.startsWith("kubernetes:security.istio.io/v1:"));
    const kinds = new Set(security.map((r) => r.inputs.kind));
    expect(kinds).toEqual(new Set(["AuthorizationPolicy", "PeerAuthentication"]));
    for (const r of security) expect(r.inputs.apiVersion).toBe("security.istio.io/v1");
    // STRICT mTLS: a PeerAuthentication in each mapped namespace of each cluster, one name, told apart by namespace.
    const peerAuth = security.filter((r) => r.inputs.kind === "PeerAuthentication").map((r) => r.name);
    expect(peerAuth.sort()).toEqual(
      [
        "shop-east-ops-tools/gns.shop.mtls",
        "shop-east-shop/gns.shop.mtls",
        "shop-east-web/gns.shop.mtls",
        "shop-west-shop/gns.shop.mtls",
      ].sort(),
    );
    // cart is restricted (defaultDeny): a policy on its pods, in its namespace, in the cluster that runs it.
    expect(
      security.some((r) => r.name === "shop-west-shop/gns.shop.cart" && r.inputs.metadata.namespace === "shop"),
    ).toBe(true);
  });
});

describe("refused as the core refuses them, in the args' terms", () => {
  beforeAll(async () => {
    await installMocks({ preview: true });
  });
  const refused = (args: unknown) => {
    const { error, count } = registrationsDuring(() => new GlobalNamespace("bad", args as GlobalNamespaceArgs));
    expect(count).toBe(0);
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).issues;
  };

  test("misspelt new fields: did you mean", () => {
    expect(refused({ ...ARGS, defaultDenny: true }).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'defaultDenny: unknown field; did you mean "defaultDeny"?',
    ]);
    const cluster = { ...ARGS.clusters[1], trustDomian: "west.example.com" };
    expect(refused({ ...ARGS, clusters: [ARGS.clusters[0], cluster] }).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'clusters[1].trustDomian: unknown field; did you mean "trustDomain"?',
    ]);
  });

  test("a public registrable domain needs ownDomain: true", () => {
    expect(refused({ ...ARGS, domain: "google.com" }).map((i) => i.path)).toEqual(["domain"]);
    expect(
      registrationsDuring(() => new GlobalNamespace("own", { ...ARGS, domain: "acme.com", ownDomain: true })).error,
    ).toBeUndefined();
  });

  test("an mtls mode that is not one of the enum's", () => {
    expect(refused({ ...ARGS, mtls: "strict" }).map((i) => i.path)).toEqual(["mtls"]);
  });
});
