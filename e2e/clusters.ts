import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, RunOptions, retry } from "./exec";
import { AddressRange, CLUSTERS, ipv4SubnetOf, kindConfig, KindCluster, metallbPoolManifest } from "./network";
import { METALLB_MANIFEST_URL } from "./versions";

/** The run's scratch directory: kind configs, kubeconfigs, the Pulumi backend. */
export interface Workspace {
  dir: string;
  /** Kubeconfig file per mesh cluster name, as the host reaches the cluster (https://127.0.0.1:<port>). */
  kubeconfig: Record<string, string>;
}

export const newWorkspace = (dir: string): Workspace => ({
  dir,
  kubeconfig: Object.fromEntries(CLUSTERS.map((c) => [c.meshName, join(dir, `${c.kindName}.kubeconfig`)])),
});

export const kubectl = (ws: Workspace, cluster: string, args: string[], opts?: RunOptions) =>
  run("kubectl", ["--kubeconfig", ws.kubeconfig[cluster], ...args], opts);

export const istioctl = (ws: Workspace, cluster: string, args: string[], opts?: RunOptions) =>
  run("istioctl", ["--kubeconfig", ws.kubeconfig[cluster], ...args], opts);

/** The Docker network kind puts its nodes on (`kind`, unless kind is told otherwise). */
export const KIND_NETWORK = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || "kind";

/** kind clusters that exist already. */
export function existingKindClusters(): string[] {
  return run("kind", ["get", "clusters"], { quiet: true })
    .stdout.split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Creates one kind cluster. Its kubeconfig goes to the workspace (`--kubeconfig`), not to ~/.kube/config: the host's
 * view (https://127.0.0.1:<port>), which Pulumi, kubectl and istioctl use from the host. (`kind get kubeconfig
 * --internal` would name `<node>:6443`, reachable only on the kind network; nothing here needs it, as tunnel mode's
 * cross-cluster traffic goes gateway to gateway over the MetalLB addresses, not through the API servers.)
 */
export function createCluster(ws: Workspace, c: KindCluster) {
  const config = join(ws.dir, `${c.kindName}.kind.yaml`);
  writeFileSync(config, kindConfig(c));
  run(
    "kind",
    [
      "create",
      "cluster",
      "--name",
      c.kindName,
      "--config",
      config,
      "--kubeconfig",
      ws.kubeconfig[c.meshName],
      "--wait",
      "180s",
    ],
    { stream: true, timeoutMs: 10 * 60_000 },
  );
}

export function deleteCluster(ws: Workspace, c: KindCluster) {
  run("kind", ["delete", "cluster", "--name", c.kindName, "--kubeconfig", ws.kubeconfig[c.meshName]], {
    allowFail: true,
    stream: true,
  });
}

/** The IPv4 subnet of the kind Docker network (it exists once the first cluster does). */
export function kindSubnet(): string {
  const r = run("docker", ["network", "inspect", KIND_NETWORK, "--format", "{{json .IPAM.Config}}"]);
  return ipv4SubnetOf(r.stdout.trim());
}

/**
 * MetalLB in one cluster: the pinned manifest, its controller and speaker running, then an IPAddressPool of the
 * cluster's own slice of the kind network and an L2Advertisement (ARP on the kind bridge, which both clusters share).
 */
export function installMetallb(ws: Workspace, c: KindCluster, range: AddressRange) {
  // kubeadm labels every control-plane node to be left out of external load balancers, and MetalLB's speaker then
  // announces nothing from it; on a single-node cluster that is every node (metallb/metallb#2274, kind#3506), so the
  // ingress gateway would get an address nobody answers ARP for. The label goes.
  kubectl(ws, c.meshName, ["label", "nodes", "--all", "node.kubernetes.io/exclude-from-external-load-balancers-"]);
  kubectl(ws, c.meshName, ["apply", "-f", METALLB_MANIFEST_URL]);
  for (const workload of ["deployment/controller", "daemonset/speaker"])
    kubectl(ws, c.meshName, ["rollout", "status", "-n", "metallb-system", workload, "--timeout=300s"]);
  // The pool goes through MetalLB's validating webhook, which answers a little after the controller is ready.
  const applied = retry(12, 5_000, () => {
    const r = kubectl(ws, c.meshName, ["apply", "-f", "-"], { input: metallbPoolManifest(range), allowFail: true });
    return r.status === 0 ? true : undefined;
  });
  if (!applied) kubectl(ws, c.meshName, ["apply", "-f", "-"], { input: metallbPoolManifest(range) });
}

/** What the clusters run, for the log of a failed run. */
export function printDiagnostics(ws: Workspace) {
  for (const c of CLUSTERS) {
    console.log(`--- ${c.meshName} (${c.kindName}): pods`);
    const r = kubectl(ws, c.meshName, ["get", "pods", "-A", "-o", "wide"], { allowFail: true, quiet: true });
    console.log(r.stdout || r.stderr);
  }
}
