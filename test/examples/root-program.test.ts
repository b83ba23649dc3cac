import * as pulumi from "@pulumi/pulumi";
import { installMocks, providerUrn, Recorder, SECRET_SIG, valueOf } from "../helpers/pulumiHarness";
import { acmeBuild } from "../helpers/fixtures";
import { kubeconfigText } from "../helpers/kubeconfigs";

/** The repository's own Pulumi program (Pulumi.yaml → index.ts), run under mocks with the config it documents. */
describe("the root demo program", () => {
  let rec: Recorder;
  let program: typeof import("../../index");

  beforeAll(async () => {
    rec = await installMocks({ preview: true, project: "globalmesh-demo" });
    const config = {
      "globalmesh-demo:cluster1Kubeconfig": kubeconfigText("c1"),
      "globalmesh-demo:cluster2Kubeconfig": kubeconfigText("c2"),
      "globalmesh-demo:cluster1Ingress": "203.0.113.10",
      "globalmesh-demo:cluster2Ingress": "a1b2c3d4e5f6.elb.us-east-2.amazonaws.com",
      // The same localities as examples/acme-fitness/gns.yaml.
      "globalmesh-demo:cluster1Locality": "us-west-2",
      "globalmesh-demo:cluster2Locality": "us-east-2",
    };
    pulumi.runtime.setAllConfig(config, ["globalmesh-demo:cluster1Kubeconfig", "globalmesh-demo:cluster2Kubeconfig"]);
    program = await import("../../index");
    await valueOf(program.hosts);
    await rec.settled();
  });

  test("registers the same objects `npm run demo` renders, each through a provider built from its cluster's kubeconfig", async () => {
    const rendered = acmeBuild().compiled.objects;
    const crs = rec.registrations.filter((r) => /^kubernetes:(networking|security)\.istio\.io\//.test(r.type));
    expect(crs).toHaveLength([...rendered.values()].flat().length);
    // The KubeconfigClusters register nothing; the GlobalNamespace builds one provider per cluster.
    expect(
      rec
        .ofType("pulumi:providers:kubernetes")
        .map((p) => p.name)
        .sort(),
    ).toEqual(["acme-fitness-cluster1", "acme-fitness-cluster2"]);
    for (const [cluster, objects] of rendered) {
      const p = rec.byName(`acme-fitness-${cluster}`, "pulumi:providers:kubernetes");
      expect(p.inputs.kubeconfig).toBe(kubeconfigText(cluster === "cluster1" ? "c1" : "c2"));
      expect(Object.values(p.rawInputs.kubeconfig)).toContain(SECRET_SIG);
      const provider = p.urn;
      for (const o of objects) {
        // Objects outside the gateways' namespace (PeerAuthentications) carry their namespace in the name.
        const where = o.metadata.namespace === "istio-gateways" ? "" : `${o.metadata.namespace}/`;
        const r = rec.byName(
          `acme-fitness-${cluster}-${where}${o.metadata.name}`,
          `kubernetes:${o.apiVersion}:${o.kind}`,
        );
        expect(providerUrn(r.provider)).toBe(provider);
        expect(r.inputs.spec).toEqual(JSON.parse(JSON.stringify(o.spec)));
      }
    }
  });

  test("exports the hosts and a topology", async () => {
    expect((await valueOf(program.hosts)).map((h) => h.host)).toContain("catalog.acme.example.com");
    expect(await valueOf(program.topology)).toMatch(/^(flowchart|graph) /);
  });
});
