import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { KubeconfigCluster } from "../../sdk/src/clusters";
import { installMocks, isSecret, Recorder, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { GKE_JSON, TWO_CONTEXTS } from "../helpers/kubeconfigs";

describe.each([true, false])("KubeconfigCluster (preview=%s)", (preview) => {
  let rec: Recorder;
  let kindB: KubeconfigCluster;
  let gke: KubeconfigCluster;
  let fromFile: KubeconfigCluster;
  let fromHome: KubeconfigCluster;
  let fromOutput: KubeconfigCluster;
  const consumers: Record<string, k8s.Provider> = {};
  const dir = mkdtempSync(join(os.tmpdir(), "gm-kubeconfig-"));

  beforeAll(async () => {
    rec = await installMocks({ preview });
    writeFileSync(join(dir, "kind.yaml"), TWO_CONTEXTS);
    mkdirSync(join(dir, "home", ".kube"), { recursive: true });
    writeFileSync(join(dir, "home", ".kube", "config"), GKE_JSON);
    kindB = new KubeconfigCluster("kind-b", {
      kubeconfig: TWO_CONTEXTS,
      context: "kind-b",
      locality: "home/lab",
      network: "lab",
    });
    gke = new KubeconfigCluster("gke", { kubeconfig: GKE_JSON, clusterName: "cluster3" });
    fromFile = new KubeconfigCluster("file", { kubeconfig: join(dir, "kind.yaml") });
    // The module object the SDK calls into (a namespace import in this file would be a copy).
    const home = jest.spyOn(jest.requireActual<typeof os>("node:os"), "homedir").mockReturnValue(join(dir, "home"));
    fromHome = new KubeconfigCluster("home", { kubeconfig: "~/.kube/config" });
    home.mockRestore();
    fromOutput = new KubeconfigCluster("out", { kubeconfig: pulumi.secret(TWO_CONTEXTS), context: "kind-b" });
    // What a consumer (MeshCluster, GlobalNamespace) does with the kubeconfig: build a provider from it.
    for (const [name, c] of Object.entries({ "kind-b": kindB, gke, file: fromFile, home: fromHome, out: fromOutput }))
      consumers[name] = new k8s.Provider(`consumer-of-${name}`, { kubeconfig: c.kubeconfig });
    await rec.settled();
  });

  test("each registers itself and nothing else: no children, no provider", async () => {
    const all = { "kind-b": kindB, gke, file: fromFile, home: fromHome, out: fromOutput };
    expect(
      rec
        .ofType("globalmesh:index:KubeconfigCluster")
        .map((r) => r.name)
        .sort(),
    ).toEqual(Object.keys(all).sort());
    for (const c of Object.values(all)) expect(rec.childrenOf(await valueOf(c.urn))).toEqual([]);
    // The five components and the test's five consumer providers.
    expect(rec.registrations).toHaveLength(5 + 5);
    expect(rec.ofType("pulumi:providers:kubernetes").every((p) => p.name.startsWith("consumer-of-"))).toBe(true);
  });

  test("the chosen context becomes current-context; the rest of the text stays", async () => {
    const text = await valueOf(kindB.kubeconfig);
    expect(parse(text)).toEqual({ ...parse(TWO_CONTEXTS), "current-context": "kind-b" });
    expect(text.startsWith("# two kind clusters\n")).toBe(true);
    expect(await valueOf(fromOutput.kubeconfig)).toBe(text);
  });

  test("without a context the text is used as given, read from the file when given a path", async () => {
    expect(await valueOf(gke.kubeconfig)).toBe(GKE_JSON);
    expect(await valueOf(fromFile.kubeconfig)).toBe(TWO_CONTEXTS);
    expect(await valueOf(fromHome.kubeconfig)).toBe(GKE_JSON);
  });

  test("kubeconfigs are secret, and a provider built from one gets the same text, as a secret", async () => {
    for (const [name, c] of Object.entries({ "kind-b": kindB, gke, file: fromFile, home: fromHome, out: fromOutput })) {
      expect(await isSecret(c.kubeconfig)).toBe(true);
      const providerUrn = await valueOf(consumers[name].urn);
      const p = rec.registrations.find((r) => r.urn === providerUrn)!;
      expect(p.inputs.kubeconfig).toBe(await valueOf(c.kubeconfig));
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
    }
  });

  test("connection fields", () => {
    expect([kindB.clusterName, kindB.locality, kindB.network]).toEqual(["kind-b", "home/lab", "lab"]);
    expect([gke.clusterName, gke.locality, gke.network]).toEqual(["cluster3", undefined, undefined]);
  });
});
