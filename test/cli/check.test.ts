import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../sdk/src/cli/main";
import { parseManifests, renderYaml } from "../../sdk/src/mesh";
import { ROOT } from "../helpers/fixtures";
import { capture, ACME_ARGS } from "../helpers/cli";
import { scopedSpec } from "../mesh/scoping.fixture";

const EXISTING = "test/cli/fixtures/existing-cluster2.yaml";
/** The arguments with the examples' paths made absolute, for a run in another directory. */
const inRoot = (args: string[]) =>
  args.map((a) => (a.includes("examples/") ? a.replace("examples/", `${ROOT}/examples/`) : a));

// Depends on the issue-9 compiler: the examples' wiring has nothing the audit reports.
test("the compiled acme-fitness wiring passes the audit: exit 0, the summary, nothing written", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gm-check-"));
  const io = capture(dir);
  expect(await main(["check", ...inRoot(ACME_ARGS)], io)).toBe(0);
  expect([io.err, readdirSync(dir)]).toEqual(["", []]);
  expect(io.out).toMatch(/^GlobalNamespace acme-fitness /);
});

test("the summary says who may call: member namespaces, mTLS and what policies restrict", async () => {
  const io = capture();
  expect(await main(["check", ...ACME_ARGS], io)).toBe(0);
  expect(io.out).toContain(
    [
      "Access:",
      "  cluster1  member namespaces: default",
      "  cluster2  member namespaces: default",
      "  mTLS: STRICT in every member namespace",
      "  policies: 0 policies; every member namespace may call every service",
    ].join("\n"),
  );
  const dir = mkdtempSync(join(tmpdir(), "gm-check-"));
  const spec = join(dir, "gns.yaml");
  writeFileSync(
    spec,
    readFileSync(join(ROOT, "examples/acme-fitness/gns.yaml"), "utf8") +
      "policies:\n  - { name: shop-to-catalog, action: ALLOW, from: [{ namespace: default, cluster: cluster1 }], to: [{ service: catalog }] }\n",
  );
  const restricted = capture();
  const args = inRoot(ACME_ARGS).map((a) => (a.endsWith("gns.yaml") ? spec : a));
  expect(await main(["check", ...args], restricted)).toBe(0);
  expect(restricted.out).toContain("  policies: 1 policy; restricted to their ALLOW policies: catalog\n");
});

describe("check --existing", () => {
  test("a namespace-wide PeerAuthentication not ours, and an object of our name owned by another: exit 2", async () => {
    const io = capture();
    expect(await main(["check", ...ACME_ARGS, "--existing", `cluster2=${EXISTING}`], io)).toBe(2);
    const lines = io.err.trimEnd().split("\n");
    expect(lines[0]).toBe("check: 2 objects already in the clusters collide with the wiring (--existing):");
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}- error cluster2: PeerAuthentication\/default\/default: a namespace-wide PeerAuthentication \(mtls PERMISSIVE\) already exists in namespace default, not managed by globalmesh, where GlobalNamespace acme-fitness writes PeerAuthentication\/default\/gns\.acme-fitness\.mtls; Istio honours only the oldest namespace-wide PeerAuthentication of a namespace/,
      ),
      expect.stringMatching(
        /^ {2}- error cluster2: ServiceEntry\/istio-gateways\/gns\.acme-fitness\.catalog: exists already, owned by GlobalNamespace acme-old; GlobalNamespace acme-fitness writes an object of that name; applying/,
      ),
    ]);
  });

  describe("globalmesh's own objects there are audited like the wiring (edited after rendering)", () => {
    /** acme-fitness rendered into a fresh directory: `<dir>/cluster1.yaml`, `<dir>/cluster2.yaml`. */
    async function rendered(): Promise<string> {
      const dir = mkdtempSync(join(tmpdir(), "gm-check-existing-"));
      expect(await main(["render", ...ACME_ARGS, "--out", dir], capture())).toBe(0);
      return dir;
    }
    /** Edits one object of a rendered cluster file in place. */
    function edit(dir: string, cluster: string, find: (o: any) => boolean, change: (o: any) => void): void {
      const file = join(dir, `${cluster}.yaml`);
      const objects: any[] = parseManifests(readFileSync(file, "utf8"), file);
      const found = objects.filter(find);
      expect(found).toHaveLength(1);
      change(found[0]);
      writeFileSync(file, renderYaml(objects));
    }
    const existing = (dir: string) => ["cluster1", "cluster2"].flatMap((c) => ["--existing", `${c}=${dir}/${c}.yaml`]);
    const named = (kind: string, name: string) => (o: any) => o.kind === kind && o.metadata.name === name;

    test("the untouched rendering: exit 0, nothing reported", async () => {
      const dir = await rendered();
      const io = capture();
      expect(await main(["check", ...ACME_ARGS, ...existing(dir)], io)).toBe(0);
      expect(io.err).toBe("");
    });

    test('exportTo "*", a wildcard principal, an ingress server without subjectAltNames: exit 2, each reported', async () => {
      const dir = await rendered();
      edit(dir, "cluster2", named("ServiceEntry", "gns.acme-fitness.catalog"), (o) => (o.spec.exportTo = ["*"]));
      const cartPolicy = named("AuthorizationPolicy", "gns.acme-fitness.cart.ingress");
      edit(dir, "cluster1", cartPolicy, (o) => (o.spec.rules[0].from[0].source.principals = ["*"]));
      let gateway = "";
      const cartIngress = (o: any) => o.kind === "Gateway" && /^gns-acme-fitness-cart-ingress-/.test(o.metadata.name);
      edit(dir, "cluster1", cartIngress, (o) => {
        gateway = o.metadata.name;
        delete o.spec.servers[0].tls.subjectAltNames;
      });
      const io = capture();
      expect(await main(["check", ...ACME_ARGS, ...existing(dir)], io)).toBe(2);
      expect(io.out).toMatch(/^GlobalNamespace acme-fitness /);
      const sni = "5000.cart.acme.example.com";
      expect(io.err.split("\n")).toEqual([
        "check: 3 findings in the objects globalmesh manages already in the clusters (--existing; paths wider than a spec declares, edited after rendering?):",
        expect.stringMatching(
          /^ {2}- error cluster1: AuthorizationPolicy\/istio-gateways\/gns\.acme-fitness\.cart\.ingress: rules\[0\]\.from\[0\]\.source\.principals contains "\*"; the wildcard admits identities the spec never named/,
        ),
        expect.stringMatching(
          new RegExp(
            `^ {2}- error cluster1: Gateway/istio-gateways/${gateway}: servers\\[0\\] \\(port 443, hosts ${sni}\\): ISTIO_MUTUAL without subjectAltNames, and the AuthorizationPolicy rules that admit ${sni} by connection\\.sni name no exact caller; nothing checks its callers`,
          ),
        ),
        expect.stringMatching(
          /^ {2}- error cluster2: ServiceEntry\/istio-gateways\/gns\.acme-fitness\.catalog: exportTo contains "\*"; every namespace of the cluster sees it: a namespace outside the GlobalNamespace resolves catalog\.acme\.example\.com/,
        ),
        "",
      ]);
    });

    test("an ingress server without subjectAltNames and without the policy that checks its callers", async () => {
      const dir = await rendered();
      let gateway = "";
      const orderIngress = (o: any) => o.kind === "Gateway" && /^gns-acme-fitness-order-ingress-/.test(o.metadata.name);
      edit(dir, "cluster1", orderIngress, (o) => {
        gateway = o.metadata.name;
        delete o.spec.servers[0].tls.subjectAltNames;
      });
      // With its AuthorizationPolicy in place, the policy still checks the callers of the server name: no finding.
      const io = capture();
      expect(await main(["check", ...ACME_ARGS, ...existing(dir)], io)).toBe(0);
      const file = join(dir, "cluster1.yaml");
      const objects: any[] = parseManifests(readFileSync(file, "utf8"), file);
      const rest = objects.filter((o) => !named("AuthorizationPolicy", "gns.acme-fitness.order.ingress")(o));
      writeFileSync(file, renderYaml(rest));
      const without = capture();
      expect(await main(["check", ...ACME_ARGS, ...existing(dir)], without)).toBe(2);
      expect(without.err).toContain(
        `  - error cluster1: Gateway/istio-gateways/${gateway}: servers[0] (port 443, hosts 6000.order.acme.example.com): ISTIO_MUTUAL without subjectAltNames, and no AuthorizationPolicy on its gateway admits 6000.order.acme.example.com by connection.sni; any certificate of the mesh's root opens it`,
      );
    });
  });

  test.each([
    ["--existing", "invalid existing objects for cluster cluster2 (--existing)"],
    ["--manifests", "invalid manifests for cluster cluster2 (--manifests)"],
  ])("a %s file that is not YAML: exit 2, said as such with its line, not as a spec error", async (flag, what) => {
    const dir = mkdtempSync(join(tmpdir(), "gm-check-bad-"));
    writeFileSync(join(dir, "live.yaml"), "apiVersion: v1\nkind: List\nitems:\n  - { kind: Service\n");
    const io = capture(dir);
    expect(await main(["check", ...inRoot(ACME_ARGS.slice(0, 2)), flag, "cluster2=live.yaml"], io)).toBe(2);
    expect(io.err).toBe(
      [
        `live.yaml: ${what}: not valid YAML (1 problem)`,
        "  - live.yaml:5:1: Flow map in block collection must be sufficiently indented and end with a }",
        "",
      ].join("\n"),
    );
  });

  test("objects that do not collide (ours, another namespace's): exit 0; a directory works like a file", async () => {
    const io = capture();
    expect(await main(["check", ...ACME_ARGS, "--existing", "cluster1=examples/acme-fitness/manifests"], io)).toBe(0);
    // Workloads without an egress gateway or a mesh config: warnings (the dump may be partial), not errors.
    expect(io.err.split("\n")).toEqual([
      "check: 2 findings about what the clusters need first (--existing; like istioctl analyze):",
      expect.stringMatching(
        /^ {2}- warning cluster1: ConfigMap\/istio-system\/istio: no mesh config among the objects given/,
      ),
      expect.stringMatching(
        /^ {2}- warning cluster1: Service\/istio-gateways\/istio-egressgateway: no egress gateway among the objects given .*; install it/,
      ),
      "",
    ]);
  });

  test.each([
    [["--existing", "cluster9=x.yaml"], /--existing: ".*x\.yaml" cannot be read \(ENOENT\); give a YAML file/],
    [
      ["--existing", "cluster2"],
      /--existing: "cluster2" is not <cluster>=<file-or-directory>; name the cluster, then the objects already in it, e\.g\. "cluster1=live\/cluster1\.yaml"/,
    ],
    [
      ["--existing", `cluster9=${EXISTING}`],
      /--existing: objects given for cluster cluster9, not a member of any GlobalNamespace given; known clusters: cluster1, cluster2/,
    ],
  ])("usage error %#: exit 2", async (extra, message) => {
    const io = capture();
    expect(await main(["check", ...ACME_ARGS, ...extra], io)).toBe(2);
    expect(io.err).toMatch(message);
  });
});

test("--help lists the new flags", async () => {
  const io = capture();
  expect(await main(["--help"], io)).toBe(0);
  expect(io.out).toContain("--existing <cluster>=<file-or-dir>");
  expect(io.out).toMatch(/globalmesh render --spec <gns\.yaml> \[--spec <other-gns\.yaml> \.\.\.\]/);
});

describe("check --existing: what the clusters need first (like istioctl analyze)", () => {
  const live = (docs: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), "gm-analyze-"));
    writeFileSync(join(dir, "live.yaml"), docs.join("\n---\n") + "\n");
    return join(dir, "live.yaml");
  };
  const EGRESS =
    "apiVersion: v1\nkind: Service\nmetadata: { name: istio-egressgateway, namespace: istio-gateways }\nspec: { ports: [{ port: 443 }] }";
  const meshConfig = (capture: boolean) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-system }\ndata:\n  mesh: |-\n    defaultConfig:\n      proxyMetadata:\n        ISTIO_META_DNS_CAPTURE: "${capture}"\n        ISTIO_META_DNS_AUTO_ALLOCATE: "true"`;

  test("egress gateway and DNS capture present: exit 0, nothing reported", async () => {
    const io = capture();
    expect(await main(["check", ...ACME_ARGS, "--existing", `cluster1=${live([EGRESS, meshConfig(true)])}`], io)).toBe(
      0,
    );
    expect(io.err).toBe("");
  });

  test("DNS capture off, a DestinationRule covering the egress gateway, a Gateway holding 443: errors, exit 2", async () => {
    const file = live([
      EGRESS,
      meshConfig(false),
      "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: all-tls, namespace: default }\nspec: { host: '*.svc.cluster.local', trafficPolicy: { tls: { mode: ISTIO_MUTUAL } } }",
      "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: own, namespace: default }\nspec: { host: cart.default.svc.cluster.local }",
      "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: public, namespace: istio-gateways }\nspec:\n  selector: { istio: ingressgateway }\n  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ['*'], tls: { mode: SIMPLE, credentialName: web } }]",
      "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: other, namespace: istio-gateways }\nspec:\n  selector: { istio: ingressgateway }\n  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ['shop.example.org'], tls: { mode: SIMPLE, credentialName: web } }]",
    ]);
    const io = capture();
    expect(await main(["check", ...ACME_ARGS, "--existing", `cluster1=${file}`], io)).toBe(2);
    expect(io.err.split("\n")).toEqual([
      "check: 3 findings about what the clusters need first (--existing; like istioctl analyze):",
      expect.stringMatching(
        /^ {2}- error cluster1: ConfigMap\/istio-system\/istio: DNS capture is off \(ISTIO_META_DNS_CAPTURE is not "true"\); .*set meshConfig\.defaultConfig\.proxyMetadata\.ISTIO_META_DNS_CAPTURE: "true"/,
      ),
      expect.stringMatching(
        /^ {2}- error cluster1: DestinationRule\/default\/all-tls: host "\*\.svc\.cluster\.local" covers the egress gateway istio-egressgateway\.istio-gateways\.svc\.cluster\.local; .*narrow its host/,
      ),
      expect.stringMatching(
        /^ {2}- error cluster1: Gateway\/istio-gateways\/public: servers\[0\] holds port 443 on the same gateway pods with hosts \*, which cover the wiring's \d+\.\w+\.acme\.example\.com.*; .*narrow its hosts/,
      ),
      "",
    ]);
    const json = capture();
    expect(await main(["check", ...ACME_ARGS, "--existing", `cluster1=${file}`, "-o", "json"], json)).toBe(2);
    expect(JSON.parse(json.out).findings.map((f: any) => [f.severity, f.category, f.object])).toEqual([
      ["error", "prerequisite", "ConfigMap/istio-system/istio"],
      ["error", "prerequisite", "DestinationRule/default/all-tls"],
      ["error", "prerequisite", "Gateway/istio-gateways/public"],
    ]);
  });

  test("Istio objects alone tell nothing of what is missing: no warning", async () => {
    const file = live([
      "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: own, namespace: default }\nspec: { host: cart.default.svc.cluster.local }",
    ]);
    const io = capture();
    expect(await main(["check", ...ACME_ARGS, "--existing", `cluster1=${file}`], io)).toBe(0);
    expect(io.err).toBe("");
  });
});

describe("check --existing: sidecarScope", () => {
  const dir = mkdtempSync(join(tmpdir(), "gm-check-scope-"));
  const spec = join(dir, "gns.yaml");
  // JSON is YAML: the scoping fixture as a spec file.
  writeFileSync(spec, JSON.stringify(scopedSpec()));
  const existing = (sidecar: object) => {
    const file = join(dir, `existing-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, JSON.stringify(sidecar));
    return file;
  };
  const sidecar = (namespace: string, extra: object = {}) => ({
    apiVersion: "networking.istio.io/v1",
    kind: "Sidecar",
    metadata: { name: "default", namespace },
    spec: { egress: [{ hosts: ["./*", "istio-system/*"] }] },
    ...extra,
  });

  test("a selector-less Sidecar not ours in a scoped namespace: an error, exit 2", async () => {
    const io = capture();
    expect(await main(["check", "--spec", spec, "--existing", `c1=${existing(sidecar("shop"))}`], io)).toBe(2);
    expect(io.err).toMatch(
      /- error c1: Sidecar\/shop\/default: a Sidecar without workloadSelector already exists in namespace shop, where GlobalNamespace store writes Sidecar\/shop\/gns\.store\.scope \(sidecarScope\); Istio honours only one/,
    );
  });

  test("in an unscoped namespace, or with a workloadSelector: a warning (exit 0) when it hides global hosts", async () => {
    for (const [s, what] of [
      [
        sidecar("web"),
        /- warning c1: Sidecar\/web\/default: a Sidecar without workloadSelector in namespace web does not import 5 global hosts/,
      ],
      [
        { ...sidecar("shop"), spec: { workloadSelector: { labels: { app: "x" } }, egress: [{ hosts: ["./*"] }] } },
        /- warning c1: Sidecar\/shop\/default: a Sidecar with a workloadSelector in namespace shop does not import the global host the wiring exports there \(catalog\.store\.example\.com\)/,
      ],
    ] as const) {
      const io = capture();
      expect(await main(["check", "--spec", spec, "--existing", `c1=${existing(s)}`], io)).toBe(0);
      expect(io.err).toMatch(what);
    }
    // One that imports the gateways' namespace knows every global host: nothing to say.
    const io = capture();
    const imports = { ...sidecar("web"), spec: { egress: [{ hosts: ["./*", "istio-gateways/*"] }] } };
    expect(await main(["check", "--spec", spec, "--existing", `c1=${existing(imports)}`], io)).toBe(0);
    expect(io.err).toBe("");
  });
});
