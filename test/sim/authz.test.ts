/**
 * The simulator's AuthorizationPolicy evaluator against Istio's documented examples. Each test names its source:
 * - REF: istio.io/latest/docs/reference/config/security/authorization-policy/ (istio/api authorization_policy.proto)
 * - CONCEPT: istio.io/latest/docs/concepts/security/#authorization
 * - TCP: istio.io/latest/docs/tasks/security/authorization/authz-tcp/
 */
import { AuthzPolicy, AuthzRequest, evaluate, policiesFor } from "../helpers/sim";

const SLEEP = "cluster.local/ns/default/sa/sleep";
const TEST_NS = "cluster.local/ns/test/sa/client";
const DEV = "cluster.local/ns/dev/sa/tool";
const FOO = "cluster.local/ns/foo/sa/local";

function policy(name: string, spec: AuthzPolicy["spec"], namespace = "foo"): AuthzPolicy {
  return { metadata: { name, namespace }, spec };
}
const http = (method: string, path: string, extra: Partial<NonNullable<AuthzRequest["http"]>> = {}) => ({
  method,
  path,
  ...extra,
});
const allowed = (policies: AuthzPolicy[], request: AuthzRequest) => evaluate(policies, request).allowed;

describe("evaluation order (REF: DENY first, no ALLOW allows, any ALLOW match allows, else deny)", () => {
  const allowSleep = policy("allow-sleep", {
    action: "ALLOW",
    rules: [{ from: [{ source: { principals: [SLEEP] } }] }],
  });
  const denyGet = policy("deny-get", { action: "DENY", rules: [{ to: [{ operation: { methods: ["GET"] } }] }] });

  test("no policy at all: allowed (CONCEPT 'Implicit enablement')", () => {
    expect(evaluate([], { port: 80, http: http("GET", "/") })).toMatchObject({ allowed: true });
  });

  test("a DENY match wins over an ALLOW match (CONCEPT: 'an allow policy can't bypass a deny policy')", () => {
    const d = evaluate([allowSleep, denyGet], { principal: SLEEP, port: 80, http: http("GET", "/") });
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/^denied by DENY policy foo\/deny-get rule 0/);
  });

  test("DENY without a match and no ALLOW policy: allowed", () => {
    expect(allowed([denyGet], { principal: DEV, port: 80, http: http("POST", "/") })).toBe(true);
  });

  test("an ALLOW policy on the workload denies what none of its rules match", () => {
    const d = evaluate([allowSleep, denyGet], { principal: DEV, port: 80, http: http("POST", "/") });
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/^no ALLOW rule matched/);
    expect(d.policies.map((p) => p.policy)).toEqual(["foo/deny-get", "foo/allow-sleep"]);
  });

  test("ALLOW policies are OR'ed: one matching is enough", () => {
    const allowDev = policy("allow-dev", { action: "ALLOW", rules: [{ from: [{ source: { namespaces: ["dev"] } }] }] });
    expect(allowed([allowSleep, allowDev], { principal: DEV, port: 80 })).toBe(true);
  });
});

describe("REF: httpbin ALLOW from sleep or namespace test, GET /info* or POST /data, with a JWT from Google", () => {
  const p = policy("httpbin", {
    action: "ALLOW",
    rules: [
      {
        from: [{ source: { principals: [SLEEP] } }, { source: { namespaces: ["test"] } }],
        to: [
          { operation: { methods: ["GET"], paths: ["/info*"] } },
          { operation: { methods: ["POST"], paths: ["/data"] } },
        ],
        when: [{ key: "request.auth.claims[iss]", values: ["https://accounts.google.com"] }],
      },
    ],
  });
  const google = { claims: { iss: "https://accounts.google.com" } };

  test.each([
    [SLEEP, "GET", "/info", google, true],
    [SLEEP, "GET", "/info/more", google, true],
    [TEST_NS, "POST", "/data", google, true],
    [SLEEP, "POST", "/info", google, false],
    [SLEEP, "GET", "/data", google, false],
    [DEV, "GET", "/info", google, false],
    [SLEEP, "GET", "/info", {}, false],
  ])("%s %s %s → %s", (principal, method, path, jwt, ok) => {
    expect(allowed([p], { principal, port: 80, http: http(method, path, jwt) })).toBe(ok);
  });
});

describe("REF: DENY from namespace dev to POST, on every workload of foo", () => {
  const p = policy("httpbin", {
    action: "DENY",
    rules: [{ from: [{ source: { namespaces: ["dev"] } }], to: [{ operation: { methods: ["POST"] } }] }],
  });
  test("POST from dev is denied; GET from dev and POST from elsewhere are not", () => {
    expect(allowed([p], { principal: DEV, port: 80, http: http("POST", "/") })).toBe(false);
    expect(allowed([p], { principal: DEV, port: 80, http: http("GET", "/") })).toBe(true);
    expect(allowed([p], { principal: SLEEP, port: 80, http: http("POST", "/") })).toBe(true);
  });
  test("the namespace comes from the peer certificate: plain text has none", () => {
    expect(allowed([p], { port: 80, http: http("POST", "/") })).toBe(true);
  });
});

describe("REF: DENY POST on port 8080 — on TCP 'missing attributes are treated as matches'", () => {
  const p = policy("httpbin", {
    action: "DENY",
    rules: [{ to: [{ operation: { methods: ["POST"], ports: ["8080"] } }] }],
  });
  test("HTTP: only POST on 8080 is denied", () => {
    expect(allowed([p], { port: 8080, http: http("POST", "/") })).toBe(false);
    expect(allowed([p], { port: 8080, http: http("GET", "/") })).toBe(true);
    expect(allowed([p], { port: 9090, http: http("POST", "/") })).toBe(true);
  });
  test("TCP: all traffic on 8080 is denied, other ports are not", () => {
    const d = evaluate([p], { principal: SLEEP, port: 8080 });
    expect(d.allowed).toBe(false);
    expect(d.policies[0]).toMatchObject({ tcpAdjusted: true, matchedRule: 0 });
    expect(allowed([p], { principal: SLEEP, port: 9090 })).toBe(true);
  });
});

describe("REF and CONCEPT: allow-nothing, allow-all, deny-all", () => {
  const allowNothing = policy("allow-nothing", {});
  const allowNothingExplicit = policy("allow-nothing", { action: "ALLOW" });
  const allowAll = policy("allow-all", { rules: [{}] });
  const denyAll = policy("deny-all", { action: "DENY", rules: [{}] });

  test("allow-nothing (`spec: {}`, or ALLOW without rules) denies every request", () => {
    for (const p of [allowNothing, allowNothingExplicit]) {
      expect(allowed([p], { principal: SLEEP, port: 80, http: http("GET", "/") })).toBe(false);
      expect(allowed([p], { principal: SLEEP, port: 27017 })).toBe(false);
    }
  });
  test("allow-all (`rules: [{}]`) allows every request, and makes allow-nothing useless", () => {
    expect(allowed([allowAll], { port: 80, http: http("DELETE", "/x") })).toBe(true);
    expect(allowed([allowNothing, allowAll], { port: 27017 })).toBe(true);
  });
  test("deny-all (DENY with `rules: [{}]`) denies even what allow-all allows", () => {
    expect(allowed([allowAll, denyAll], { principal: SLEEP, port: 80, http: http("GET", "/") })).toBe(false);
    expect(allowed([denyAll], { principal: SLEEP, port: 27017 })).toBe(false);
  });
});

describe("REF: policy target — namespace, selector, root namespace", () => {
  const objects = [
    {
      kind: "AuthorizationPolicy" as const,
      ...policy("allow-nothing", { selector: { matchLabels: { app: "httpbin" } } }, "bar"),
    },
    {
      kind: "AuthorizationPolicy" as const,
      ...policy("allow-nothing", { selector: { matchLabels: { version: "v1" } } }, "istio-system"),
    },
  ];
  test("bar's allow-nothing with selector app: httpbin applies to httpbin in bar only", () => {
    expect(policiesFor(objects, "bar", { app: "httpbin" }).map((p) => p.metadata.name)).toEqual(["allow-nothing"]);
    expect(policiesFor(objects, "bar", { app: "sleep" })).toEqual([]);
    expect(policiesFor(objects, "foo", { app: "httpbin" })).toEqual([]);
  });
  test("the root namespace's policy with selector version: v1 applies to version: v1 workloads of every namespace", () => {
    const [p] = policiesFor(objects, "foo", { app: "reviews", version: "v1" });
    expect(p.metadata.namespace).toBe("istio-system");
    expect(
      allowed(policiesFor(objects, "foo", { app: "reviews", version: "v1" }), { principal: SLEEP, port: 80 }),
    ).toBe(false);
    expect(policiesFor(objects, "foo", { app: "reviews", version: "v2" })).toEqual([]);
  });
});

describe("CONCEPT: httpbin ALLOW (sleep or dev, GET) and httpbin-deny (notNamespaces foo)", () => {
  const allow = policy("httpbin", {
    selector: { matchLabels: { app: "httpbin", version: "v1" } },
    action: "ALLOW",
    rules: [
      {
        from: [{ source: { principals: [SLEEP] } }, { source: { namespaces: ["dev"] } }],
        to: [{ operation: { methods: ["GET"] } }],
      },
    ],
  });
  const deny = policy("httpbin-deny", {
    selector: { matchLabels: { app: "httpbin", version: "v1" } },
    action: "DENY",
    rules: [{ from: [{ source: { notNamespaces: ["foo"] } }] }],
  });
  test("alone, the ALLOW admits GET from sleep and from dev", () => {
    expect(allowed([allow], { principal: SLEEP, port: 80, http: http("GET", "/") })).toBe(true);
    expect(allowed([allow], { principal: DEV, port: 80, http: http("GET", "/") })).toBe(true);
    expect(allowed([allow], { principal: FOO, port: 80, http: http("GET", "/") })).toBe(false);
  });
  test("with the DENY, a source outside foo is denied even where the ALLOW matches; plain text too", () => {
    expect(allowed([allow, deny], { principal: SLEEP, port: 80, http: http("GET", "/") })).toBe(false);
    expect(allowed([allow, deny], { principal: DEV, port: 80, http: http("GET", "/") })).toBe(false);
    expect(allowed([deny], { port: 80, http: http("GET", "/") })).toBe(false);
    expect(allowed([deny], { principal: FOO, port: 80, http: http("GET", "/") })).toBe(true);
  });
});

describe("CONCEPT: value matching", () => {
  const tester = policy("tester", {
    selector: { matchLabels: { app: "products" } },
    action: "ALLOW",
    rules: [{ to: [{ operation: { paths: ["/test/*", "*/info"] } }] }],
  });
  test.each([
    ["/test/a", true],
    ["/test/", true],
    ["/api/info", true],
    ["/info", true],
    ["/tests", false],
    ["/information", false],
  ])("tester: prefix /test/* or suffix */info — %s → %s", (path, ok) => {
    expect(allowed([tester], { port: 80, http: http("GET", path) })).toBe(ok);
  });

  test("allow-read: GET and HEAD only", () => {
    const read = policy("allow-read", {
      action: "ALLOW",
      rules: [{ to: [{ operation: { methods: ["GET", "HEAD"] } }] }],
    });
    expect(allowed([read], { port: 80, http: http("HEAD", "/") })).toBe(true);
    expect(allowed([read], { port: 80, http: http("POST", "/") })).toBe(false);
  });

  test("'Authenticated and unauthenticated identity': principals ['*'] needs a certificate, no source admits anyone", () => {
    const anyone = policy("httpbin", {
      action: "ALLOW",
      rules: [{ to: [{ operation: { methods: ["GET", "POST"] } }] }],
    });
    const authenticated = policy("httpbin", {
      action: "ALLOW",
      rules: [{ from: [{ source: { principals: ["*"] } }], to: [{ operation: { methods: ["GET", "POST"] } }] }],
    });
    expect(allowed([anyone], { port: 80, http: http("GET", "/") })).toBe(true);
    expect(allowed([authenticated], { port: 80, http: http("GET", "/") })).toBe(false);
    expect(allowed([authenticated], { principal: SLEEP, port: 80, http: http("GET", "/") })).toBe(true);
  });

  test("prefix and suffix principals, e.g. every account of namespace default", () => {
    const p = policy("p", {
      action: "ALLOW",
      rules: [{ from: [{ source: { principals: ["cluster.local/ns/default/*", "*/sa/tool"] } }] }],
    });
    expect(allowed([p], { principal: SLEEP, port: 80 })).toBe(true);
    expect(allowed([p], { principal: DEV, port: 80 })).toBe(true);
    expect(allowed([p], { principal: FOO, port: 80 })).toBe(false);
  });

  test("notPrincipals: everyone but sleep", () => {
    const p = policy("p", { action: "ALLOW", rules: [{ from: [{ source: { notPrincipals: [SLEEP] } }] }] });
    expect(allowed([p], { principal: SLEEP, port: 80 })).toBe(false);
    expect(allowed([p], { principal: DEV, port: 80 })).toBe(true);
  });
});

describe("CONCEPT 'Using Istio authorization on plain TCP protocols': mongodb-policy", () => {
  const p = policy(
    "mongodb-policy",
    {
      selector: { matchLabels: { app: "mongodb" } },
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { principals: ["cluster.local/ns/default/sa/bookinfo-ratings-v2"] } }],
          to: [{ operation: { ports: ["27017"] } }],
        },
      ],
    },
    "default",
  );
  test("only bookinfo-ratings-v2, only on 27017", () => {
    expect(allowed([p], { principal: "cluster.local/ns/default/sa/bookinfo-ratings-v2", port: 27017 })).toBe(true);
    expect(allowed([p], { principal: "cluster.local/ns/default/sa/bookinfo-ratings-v1", port: 27017 })).toBe(false);
    expect(allowed([p], { principal: "cluster.local/ns/default/sa/bookinfo-ratings-v2", port: 27018 })).toBe(false);
  });
});

describe("TCP task: tcp-policy on tcp-echo (ports 9000, 9001, 9002)", () => {
  const tcp = (port: number): AuthzRequest => ({ principal: SLEEP, port });
  const tcpPolicy = (spec: AuthzPolicy["spec"]) =>
    policy("tcp-policy", { selector: { matchLabels: { app: "tcp-echo" } }, ...spec });

  test("ALLOW ports 9000 and 9001: 9002 is rejected", () => {
    const p = tcpPolicy({ action: "ALLOW", rules: [{ to: [{ operation: { ports: ["9000", "9001"] } }] }] });
    expect([9000, 9001, 9002].map((port) => allowed([p], tcp(port)))).toEqual([true, true, false]);
  });

  test("ALLOW methods GET on port 9000: the rule is ignored for TCP, so 9000 and 9001 are both rejected", () => {
    const p = tcpPolicy({ action: "ALLOW", rules: [{ to: [{ operation: { methods: ["GET"], ports: ["9000"] } }] }] });
    const d = evaluate([p], tcp(9000));
    expect(d.allowed).toBe(false);
    expect(d.policies[0]).toEqual({ policy: "foo/tcp-policy", action: "ALLOW", tcpAdjusted: true });
    expect(allowed([p], tcp(9001))).toBe(false);
  });

  test("DENY methods GET: Istio drops the HTTP field and denies all TCP traffic (9000 and 9001)", () => {
    const p = tcpPolicy({ action: "DENY", rules: [{ to: [{ operation: { methods: ["GET"] } }] }] });
    expect([9000, 9001].map((port) => allowed([p], tcp(port)))).toEqual([false, false]);
  });

  test("DENY methods GET on port 9000: 9000 denied, 9001 allowed", () => {
    const p = tcpPolicy({ action: "DENY", rules: [{ to: [{ operation: { methods: ["GET"], ports: ["9000"] } }] }] });
    expect([9000, 9001].map((port) => allowed([p], tcp(port)))).toEqual([false, true]);
  });
});

describe("conditions a gateway matches tunnels with", () => {
  const p = policy(
    "gns.shop.cart.ingress",
    {
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { principals: ["cluster.local/ns/istio-gateways/sa/istio-egressgateway-c1"] } }],
          when: [{ key: "connection.sni", values: ["8080.cart.shop.example"] }],
        },
      ],
    },
    "istio-gateways",
  );
  const c1 = "cluster.local/ns/istio-gateways/sa/istio-egressgateway-c1";
  test("connection.sni and source principal both must match", () => {
    expect(allowed([p], { principal: c1, sni: "8080.cart.shop.example", port: 443 })).toBe(true);
    expect(allowed([p], { principal: c1, sni: "6379.cart.shop.example", port: 443 })).toBe(false);
    expect(allowed([p], { principal: DEV, sni: "8080.cart.shop.example", port: 443 })).toBe(false);
  });
  test("source.namespace and source.principal conditions read the peer certificate", () => {
    const q = policy("q", {
      action: "ALLOW",
      rules: [
        { when: [{ key: "source.namespace", values: ["dev"] }] },
        { when: [{ key: "source.principal", values: [SLEEP] }] },
      ],
    });
    expect(allowed([q], { principal: DEV, port: 1 })).toBe(true);
    expect(allowed([q], { principal: SLEEP, port: 1 })).toBe(true);
    expect(allowed([q], { principal: FOO, port: 1 })).toBe(false);
  });
  test("an unknown condition key is a simulator limit, not a silent match", () => {
    const q = policy("q", { action: "ALLOW", rules: [{ when: [{ key: "source.ip", values: ["10.0.0.1"] }] }] });
    expect(() => evaluate([q], { principal: DEV, port: 1 })).toThrow(/source.ip is not modelled/);
  });
});
