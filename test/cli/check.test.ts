import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Io } from "../../sdk/src/cli/io";
import { main } from "../../sdk/src/cli/main";
import * as audit from "../../sdk/src/mesh/audit";
import { ROOT } from "../helpers/fixtures";

// The audit as it is, wrapped so one test can make it report what a tampered wiring would (no spec compiles to one).
jest.mock("../../sdk/src/mesh/audit", () => {
  const actual = jest.requireActual("../../sdk/src/mesh/audit");
  return { ...actual, auditWiring: jest.fn(actual.auditWiring) };
});

function capture(cwd = ROOT): Io & { out: string; err: string } {
  const io = {
    cwd,
    isTTY: false,
    out: "",
    err: "",
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

const ACME = [
  "--spec",
  "examples/acme-fitness/gns.yaml",
  "--manifests",
  "cluster1=examples/acme-fitness/manifests/cluster1.yaml",
  "--manifests",
  "cluster2=examples/acme-fitness/manifests/cluster2.yaml",
];
const EXISTING = "test/cli/fixtures/existing-cluster2.yaml";

// Depends on the issue-9 compiler: the examples' wiring has nothing the audit reports.
test("the compiled acme-fitness wiring passes the audit: exit 0, the summary, nothing written", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gm-check-"));
  const inRoot = ACME.map((a) => (a.includes("examples/") ? a.replace("examples/", `${ROOT}/examples/`) : a));
  const io = capture(dir);
  expect(await main(["check", ...inRoot], io)).toBe(0);
  expect([io.err, readdirSync(dir)]).toEqual(["", []]);
  expect(io.out).toMatch(/^GlobalNamespace acme-fitness /);
});

test("a wiring wider than the spec: exit 2, each finding with its cluster, object, what and why", async () => {
  jest.mocked(audit.auditWiring).mockReturnValueOnce([
    {
      cluster: "cluster1",
      object: "ServiceEntry/istio-gateways/gns.acme-fitness.catalog",
      what: 'exportTo contains "*"',
      why: "every namespace of the cluster sees it",
    },
  ]);
  const io = capture();
  expect(await main(["check", ...ACME], io)).toBe(2);
  expect(io.out).toMatch(/^GlobalNamespace acme-fitness /);
  expect(io.err).toBe(
    [
      "check: 1 finding in the wiring (paths wider than a spec declares):",
      '  - cluster1: ServiceEntry/istio-gateways/gns.acme-fitness.catalog: exportTo contains "*"; every namespace of the cluster sees it',
      "",
    ].join("\n"),
  );
  // The audit saw every cluster's compiled objects.
  const seen = jest.mocked(audit.auditWiring).mock.calls.at(-1)![0];
  expect([...seen.keys()]).toEqual(["cluster1", "cluster2"]);
});

describe("check --existing", () => {
  test("a namespace-wide PeerAuthentication not ours, and an object of our name owned by another: exit 2", async () => {
    const io = capture();
    expect(await main(["check", ...ACME, "--existing", `cluster2=${EXISTING}`], io)).toBe(2);
    const lines = io.err.trimEnd().split("\n");
    expect(lines[0]).toBe("check: 2 objects already in the clusters collide with the wiring (--existing):");
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}- cluster2: PeerAuthentication\/default\/default: a namespace-wide PeerAuthentication \(mtls PERMISSIVE\) already exists in namespace default, not managed by globalmesh, where GlobalNamespace acme-fitness writes PeerAuthentication\/default\/gns\.acme-fitness\.mtls; Istio honours only the oldest namespace-wide PeerAuthentication of a namespace/,
      ),
      expect.stringMatching(
        /^ {2}- cluster2: ServiceEntry\/istio-gateways\/gns\.acme-fitness\.catalog: exists already, owned by GlobalNamespace acme-old; GlobalNamespace acme-fitness writes an object of that name; applying/,
      ),
    ]);
  });

  test("objects that do not collide (ours, another namespace's): exit 0; a directory works like a file", async () => {
    const io = capture();
    expect(await main(["check", ...ACME, "--existing", "cluster1=examples/acme-fitness/manifests"], io)).toBe(0);
    expect(io.err).toBe("");
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
    expect(await main(["check", ...ACME, ...extra], io)).toBe(2);
    expect(io.err).toMatch(message);
  });
});

test("--help lists the new flags", async () => {
  const io = capture();
  expect(await main(["--help"], io)).toBe(0);
  expect(io.out).toContain("--existing <cluster>=<file-or-dir>");
  expect(io.out).toMatch(/globalmesh render --spec <gns\.yaml> \[--spec <other-gns\.yaml> \.\.\.\]/);
});
