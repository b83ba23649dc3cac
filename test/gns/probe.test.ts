import * as k8s from "@pulumi/kubernetes";
import { installMocks, Recorder, valueOf } from "../helpers/pulumiHarness";

let rec: Recorder;
beforeAll(async () => {
  rec = await installMocks({ preview: false });
});

test("registers", async () => {
  const { GlobalNamespace } = await import("../../sdk/src/gns");
  const p1 = new k8s.Provider("p1", { kubeconfig: "x" });
  const p2 = new k8s.Provider("p2", { kubeconfig: "y" });
  const gns = new GlobalNamespace("acme", {
    domain: "acme.example.com",
    members: [
      { cluster: { clusterName: "cluster1", provider: p1, ingress: { address: "1.2.3.4" } }, namespace: "default" },
      { cluster: { clusterName: "cluster2", provider: p2, ingress: { address: "b.example.com" } }, namespace: "default" },
    ],
    services: [{ name: "catalog", namespace: "default", clusters: ["cluster2"], ports: [{ number: 8082, name: "http-catalog" }] }],
  });
  console.log(await valueOf(gns.objectNames));
  await rec.settled();
  for (const r of rec.registrations) console.log(r.type, r.name, r.parent.slice(-40), r.provider.slice(-30), r.deleteBeforeReplace);
});
