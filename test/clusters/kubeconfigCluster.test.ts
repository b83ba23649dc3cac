import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { KubeconfigCluster } from "../../sdk/src/clusters";
import { installMocks, isSecret, Recorder, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { GKE_JSON, TWO_CONTEXTS } from "./kubeconfigs";

describe.each([true, false])("KubeconfigCluster (preview=%s)", (preview) => {
  let rec: Recorder;
  let kindB: KubeconfigCluster;
  let gke: KubeconfigCluster;
  let fromFile: KubeconfigCluster;
  let fromHome: KubeconfigCluster;
  let fromOutput: KubeconfigCluster;
  const dir = mkdtempSync(join(os.tmpdir(), "gm-kubeconfig-"));

  beforeAll(async () => {
    rec = await installMocks({ preview });
    writeFileSync(join(dir, "kind.yaml"), TWO_CONTEXTS);
    mkdirSync(join(dir, "home", ".kube"), { recursive: true });
    writeFileSync(join(dir, "home", ".kube", "config"), GKE_JSON);
    kindB = new KubeconfigCluster("kind-b", { kubeconfig: TWO_CONTEXTS, context: "kind-b", locality: "home/lab", network: "lab" });
    gke = new KubeconfigCluster("gke", { kubeconfig: GKE_JSON, clusterName: "cluster3" });
    fromFile = new KubeconfigCluster("file", { kubeconfig: join(dir, "kind.yaml") });
    // The module object the SDK calls into (a namespace import in this file would be a copy).
    const home = jest.spyOn(jest.requireActual<typeof os>("node:os"), "homedir").mockReturnValue(join(dir, "home"));
    fromHome = new KubeconfigCluster("home", { kubeconfig: "~/.kube/config" });
    home.mockRestore();
    fromOutput = new KubeconfigCluster("out", { kubeconfig: pulumi.secret(TWO_CONTEXTS), context: "kind-b" });
    await rec.settled();
  });

  test("each registers only its provider, parented to it and named from it", async () => {
    const all = { "kind-b": kindB, gke, file: fromFile, home: fromHome, out: fromOutput };
    expect(rec.ofType("globalmesh:index:KubeconfigCluster").map((r) => r.name).sort()).toEqual(Object.keys(all).sort());
    for (const [name, c] of Object.entries(all)) {
      const kids = rec.childrenOf(await valueOf(c.urn));
      expect(kids.map((k) => [k.type, k.name])).toEqual([["pulumi:providers:kubernetes", `${name}-k8s`]]);
      expect(kids[0].urn).toBe(await valueOf(c.provider.urn));
    }
    expect(rec.registrations).toHaveLength(10);
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

  test("kubeconfigs are secret and the provider is built from the same text, as a secret", async () => {
    for (const c of [kindB, gke, fromFile, fromHome, fromOutput]) {
      expect(await isSecret(c.kubeconfig)).toBe(true);
      const providerUrn = await valueOf(c.provider.urn);
      const p = rec.registrations.find((r) => r.urn === providerUrn)!;
      expect(p.inputs.kubeconfig).toBe(await valueOf(c.kubeconfig));
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
    }
  });

  test("handle fields", () => {
    expect([kindB.clusterName, kindB.locality, kindB.network]).toEqual(["kind-b", "home/lab", "lab"]);
    expect([gke.clusterName, gke.locality, gke.network]).toEqual(["cluster3", undefined, undefined]);
  });
});
