import { istioctl, kubectl, Workspace } from "./clusters";
import {
  classifyCurl,
  clusterTls,
  CurlOutcome,
  describeCurl,
  filterChainFor,
  listenerAddresses,
  logLinesWith,
  parseConfigDump,
  rbacBeforeTcpProxy,
  virtualHostFor,
} from "./envoy";
import { retry, sleep } from "./exec";
import { AddressRange, CLUSTERS, inRange } from "./network";
import { ClientOutput, E2eOutputs, runningPodName, selectorArg, spiffe, tunnelName } from "./outputs";

/**
 * The assertions, on real traffic and on the proxies' config. Each check prints PASS or FAIL with what it saw; a check
 * that throws is a FAIL with the error. Tunnel mode only: east-west mode (end-to-end mTLS) is not built yet, and its
 * checks come with it.
 */

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

function check(name: string, body: () => { ok: boolean; detail: string }): CheckResult {
  let result: CheckResult;
  try {
    result = { name, ...body() };
  } catch (e) {
    result = { name, ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
  console.log(`${result.ok ? "PASS" : "FAIL"}  ${name}\n      ${result.detail.split("\n").join("\n      ")}`);
  return result;
}

const pass = (detail: string) => ({ ok: true, detail });
const fail = (detail: string) => ({ ok: false, detail });

/**
 * A running pod's name, looked up once (for up to 2 minutes) when a check first needs it; throws (the check fails)
 * when there is none.
 */
function podOf(ws: Workspace, cluster: string, namespace: string, selector: Record<string, string>): () => string {
  let name: string | undefined;
  let looked = false;
  return () => {
    if (!looked) {
      looked = true;
      const args = ["get", "pods", "-n", namespace, "-l", selectorArg(selector), "-o", "json"];
      name = retry(24, 5_000, () =>
        runningPodName(kubectl(ws, cluster, args, { quiet: true, allowFail: true }).stdout),
      );
    }
    if (!name) throw new Error(`no running pod in ${cluster}/${namespace} with labels ${selectorArg(selector)}`);
    return name;
  };
}

function curlFrom(ws: Workspace, client: ClientOutput, pod: string, url: string): CurlOutcome {
  const r = kubectl(
    ws,
    client.cluster,
    ["exec", "-n", client.namespace, pod, "-c", client.container, "--"].concat([
      "curl",
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "--max-time",
      "10",
      url,
    ]),
    { allowFail: true },
  );
  return classifyCurl(r.status, r.stdout, r.stderr);
}

const proxyConfig = (ws: Workspace, cluster: string, pod: string, namespace: string, what: string, args: string[]) =>
  parseConfigDump(
    istioctl(ws, cluster, ["proxy-config", what, `${pod}.${namespace}`, ...args, "-o", "json"]).stdout,
    what,
  );

/** Every check, in order; the member client's pod is deleted before the access-log checks (see there). */
export function runChecks(ws: Workspace, out: E2eOutputs, ranges: AddressRange[]): CheckResult[] {
  const results: CheckResult[] = [];
  const { catalog, clients, meshClusters } = out;
  const sni = tunnelName(catalog.host, catalog.port);
  const url = `http://${catalog.host}:${catalog.port}/products`;
  const member = clients.member;
  const caller = meshClusters[member.cluster];
  const owner = catalog.owners[0];
  const ownerMesh = meshClusters[owner];

  // The workloads: pulumi up waited for the Helm releases and the apps' Deployments; this says so per namespace.
  for (const c of CLUSTERS) {
    const namespaces = ["istio-system", meshClusters[c.meshName]?.gatewayNamespace ?? "istio-gateways", "default"];
    if (c.meshName === member.cluster) namespaces.push(clients.outsider.namespace);
    results.push(
      check(`${c.meshName}: every Deployment available in ${namespaces.join(", ")}`, () => {
        const wait = (ns: string) => [
          "wait",
          "--for=condition=Available",
          "deployment",
          "--all",
          "-n",
          ns,
          "--timeout=300s",
        ];
        const waited = namespaces.map((ns) => kubectl(ws, c.meshName, wait(ns), { allowFail: true }));
        const bad = waited
          .map((r, i) => (r.status === 0 ? "" : `${namespaces[i]}: ${r.stderr.trim()}`))
          .filter(Boolean);
        return bad.length ? fail(bad.join("\n")) : pass(waited.map((r) => r.stdout.trim()).join("\n"));
      }),
    );
  }

  results.push(
    check("each ingress gateway has an address from its own cluster's MetalLB slice of the kind network", () => {
      const lines = CLUSTERS.map((c, i) => {
        const address = meshClusters[c.meshName]?.ingressAddress ?? "(none)";
        return {
          ok: /^\d+\.\d+\.\d+\.\d+$/.test(address) && inRange(address, ranges[i]),
          text: `${c.meshName}: ${address} (pool ${ranges[i]})`,
        };
      });
      return { ok: lines.every((l) => l.ok), detail: lines.map((l) => l.text).join("\n") };
    }),
  );

  // 1. A member namespace reaches catalog in the other cluster by its global name. Istio's config reaches the proxies
  //    a little after `pulumi up` returns: up to 3 minutes of retries.
  const memberPod = podOf(ws, member.cluster, member.namespace, member.selector);
  results.push(
    check(`${member.cluster}/${member.namespace} (member) → ${url}: HTTP 200`, () => {
      let last: CurlOutcome | undefined;
      const ok = retry(36, 5_000, () => {
        last = curlFrom(ws, member, memberPod(), url);
        return last.kind === "http" && last.status === 200 ? last : undefined;
      });
      return ok ? pass(describeCurl(ok)) : fail(last ? describeCurl(last) : "no attempt");
    }),
  );

  // 2. A namespace outside the GlobalNamespace: docs/security.md "What is refused" says hop 1, the name does not
  //    resolve there (its sidecar's DNS table does not have it: the ServiceEntry is not exported to it). So the
  //    expected failure is curl's "Could not resolve host" (exit 6), not a refused connection.
  const outsider = clients.outsider;
  const outsiderPod = podOf(ws, outsider.cluster, outsider.namespace, outsider.selector);
  results.push(
    check(
      `${outsider.cluster}/${outsider.namespace} (not a member) → ${url}: refused at hop 1, the name does not resolve`,
      () => {
        const o = curlFrom(ws, outsider, outsiderPod(), url);
        return o.kind === "dns"
          ? pass(describeCurl(o))
          : fail(`expected the name not to resolve; got ${describeCurl(o)}`);
      },
    ),
  );
  // ... and no route: the virtual IP itself leads nowhere from there.
  const vipUrl = `http://${catalog.address}:${catalog.port}/products`;
  results.push(
    check(
      `${outsider.cluster}/${outsider.namespace} (not a member) → ${vipUrl} (the virtual IP): no answer from catalog`,
      () => {
        const o = curlFrom(ws, outsider, outsiderPod(), vipUrl);
        return o.kind === "http" && o.status >= 200 && o.status < 300
          ? fail(`catalog answered: ${describeCurl(o)}`)
          : pass(describeCurl(o));
      },
    ),
  );

  // 3. The wiring, as the proxies hold it.
  results.push(
    check(
      `${member.cluster} client sidecar: route ${catalog.port} knows ${catalog.host} and sends it to the egress gateway`,
      () => {
        const routes = proxyConfig(ws, member.cluster, memberPod(), member.namespace, "route", [
          "--name",
          String(catalog.port),
        ]);
        const vh = virtualHostFor(routes, String(catalog.port), catalog.host);
        if (!vh) return fail(`no virtual host for ${catalog.host} in route ${catalog.port}`);
        const toEgress = vh.clusters.filter((c) => c.endsWith(`|${caller.egressGatewayHost}`));
        const detail = `virtual host ${vh.name}: domains ${vh.domains.join(", ")}; clusters ${vh.clusters.join(", ")}`;
        return toEgress.length
          ? pass(detail)
          : fail(`${detail}\nnone is the egress gateway ${caller.egressGatewayHost}`);
      },
    ),
  );
  results.push(
    check(
      `${member.cluster} client sidecar: a listener on port ${catalog.port} (0.0.0.0 or the virtual IP ${catalog.address})`,
      () => {
        const listeners = listenerAddresses(
          proxyConfig(ws, member.cluster, memberPod(), member.namespace, "listener", ["--port", String(catalog.port)]),
        ).filter((l) => l.port === catalog.port && (l.address === "0.0.0.0" || l.address === catalog.address));
        return listeners.length
          ? pass(listeners.map((l) => `${l.name} (${l.address}:${l.port})`).join(", "))
          : fail(`no listener on ${catalog.port}`);
      },
    ),
  );
  const egressPod = podOf(ws, member.cluster, caller.gatewayNamespace, caller.egressSelector);
  const ownerSan = spiffe(ownerMesh.ingressPrincipal);
  const egressCluster = `outbound|${catalog.port}||${catalog.host}`;
  results.push(
    check(
      `${member.cluster} egress gateway: cluster ${egressCluster} sends SNI ${sni}, accepts only ${ownerSan}`,
      () => {
        const clusters = proxyConfig(ws, member.cluster, egressPod(), caller.gatewayNamespace, "cluster", [
          "--fqdn",
          catalog.host,
        ]);
        const tls = clusterTls(clusters, egressCluster);
        if (!tls)
          return fail(`no such cluster; the egress gateway has: ${clusters.map((c) => String(c.name)).join(", ")}`);
        const detail = `SNI ${tls.snis.join(", ") || "(none)"}; SANs ${tls.subjectAltNames.join(", ") || "(none)"}`;
        return tls.snis.includes(sni) && tls.subjectAltNames.includes(ownerSan) ? pass(detail) : fail(detail);
      },
    ),
  );
  results.push(
    check(
      `${member.cluster} egress gateway: its 443 listener has a filter chain for ${sni}, RBAC before tcp_proxy`,
      () => {
        const listeners = proxyConfig(ws, member.cluster, egressPod(), caller.gatewayNamespace, "listener", [
          "--port",
          "443",
        ]);
        const chain = filterChainFor(listeners, 443, sni);
        if (!chain) return fail(`no filter chain for server name ${sni} on port 443`);
        const detail = `${chain.listener}: filters ${chain.filters.join(" → ")}`;
        return rbacBeforeTcpProxy(chain.filters) ? pass(detail) : fail(detail);
      },
    ),
  );
  const ingressPod = podOf(ws, owner, ownerMesh.gatewayNamespace, ownerMesh.ingressSelector);
  const callerSan = spiffe(caller.egressPrincipal);
  results.push(
    check(
      `${owner} ingress gateway: its 443 listener has a filter chain for ${sni}, RBAC before tcp_proxy, accepting ${callerSan}`,
      () => {
        const listeners = proxyConfig(ws, owner, ingressPod(), ownerMesh.gatewayNamespace, "listener", [
          "--port",
          "443",
        ]);
        const chain = filterChainFor(listeners, 443, sni);
        if (!chain) return fail(`no filter chain for server name ${sni} on port 443`);
        const detail = `${chain.listener}: filters ${chain.filters.join(" → ")}; SANs ${chain.subjectAltNames.join(", ") || "(none)"}`;
        return rbacBeforeTcpProxy(chain.filters) && chain.subjectAltNames.includes(callerSan)
          ? pass(detail)
          : fail(detail);
      },
    ),
  );

  // 4. The gateways' access logs. Both gateways proxy the tunnel as TCP (tcp_proxy), which logs a connection when it
  //    closes; the client's sidecar keeps its connection to the egress gateway open for reuse (up to an hour). Deleting
  //    the member client's pod (grace period 0) closes it, and the egress gateway then closes its own to the ingress.
  try {
    kubectl(
      ws,
      member.cluster,
      ["delete", "pod", "-n", member.namespace, memberPod(), "--wait=true", "--timeout=120s"],
      {
        allowFail: true,
      },
    );
  } catch {
    // No member pod: the log checks below fail on their own.
  }
  sleep(3_000);
  const logCheck = (cluster: string, namespace: string, selector: Record<string, string>, role: string) =>
    check(`${cluster} ${role} gateway's access log shows the tunnel SNI ${sni}`, () => {
      let lines: string[] = [];
      const found = retry(12, 5_000, () => {
        const log = kubectl(ws, cluster, ["logs", "-n", namespace, "-l", selectorArg(selector), "--tail=-1"], {
          quiet: true,
          allowFail: true,
        }).stdout;
        lines = logLinesWith(log, sni);
        return lines.length ? lines : undefined;
      });
      return found ? pass(found[found.length - 1].slice(0, 600)) : fail(`no access-log line names ${sni}`);
    });
  results.push(logCheck(member.cluster, caller.gatewayNamespace, caller.egressSelector, "egress"));
  results.push(logCheck(owner, ownerMesh.gatewayNamespace, ownerMesh.ingressSelector, "ingress"));
  return results;
}
