/**
 * Reading what Envoy and curl say, as pure functions: `istioctl proxy-config … -o json` (Envoy's config dump, one JSON
 * array of listeners, routes or clusters), gateway access logs, and curl's exit status. e2e/checks.ts runs the
 * commands; test/e2e/envoy.test.ts feeds these the shapes Envoy prints.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The objects `istioctl proxy-config … -o json` printed (an array; a single object is taken as a list of one). */
export function parseConfigDump(stdout: string, what: string): Json[] {
  let v: unknown;
  try {
    v = JSON.parse(stdout);
  } catch {
    throw new Error(`istioctl proxy-config ${what}: not JSON: ${stdout.slice(0, 200)}`);
  }
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

/** Every string leaf of a JSON value with its path (keys and indexes). */
export function stringLeaves(v: unknown, path: string[] = []): { path: string[]; value: string }[] {
  if (typeof v === "string") return [{ path, value: v }];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringLeaves(x, [...path, String(i)]));
  if (isObject(v)) return Object.entries(v).flatMap(([k, x]) => stringLeaves(x, [...path, k]));
  return [];
}

/** The subject-alt-name matchers of a TLS context anywhere below `v` (`matchSubjectAltNames`, `matchTypedSubjectAltNames`). */
export const subjectAltNames = (v: unknown) =>
  stringLeaves(v)
    .filter((l) => l.path.some((p) => /subjectaltnames/i.test(p)))
    .map((l) => l.value)
    .filter((s) => s.startsWith("spiffe://"));

/** Values of every `sni` field below `v` (an UpstreamTlsContext's). */
export const snis = (v: unknown) =>
  stringLeaves(v)
    .filter((l) => l.path[l.path.length - 1] === "sni")
    .map((l) => l.value);

export interface VirtualHostView {
  route: string;
  name: string;
  domains: string[];
  /** The clusters its routes send to. */
  clusters: string[];
}

/** The virtual host of route configuration `routeName` that answers `host` (or `host:port`), if any. */
export function virtualHostFor(routes: Json[], routeName: string, host: string): VirtualHostView | undefined {
  for (const rc of routes) {
    if (rc.name !== routeName) continue;
    for (const vh of Array.isArray(rc.virtualHosts) ? rc.virtualHosts.filter(isObject) : []) {
      const domains = Array.isArray(vh.domains) ? vh.domains.filter((d): d is string => typeof d === "string") : [];
      if (!domains.some((d) => d === host || d.startsWith(`${host}:`))) continue;
      const clusters = stringLeaves(vh.routes)
        .filter(
          (l) => l.path[l.path.length - 1] === "cluster" || (l.path.includes("clusters") && l.path.at(-1) === "name"),
        )
        .map((l) => l.value);
      return { route: routeName, name: String(vh.name ?? ""), domains, clusters };
    }
  }
  return undefined;
}

/** `address:port` of each listener. */
export function listenerAddresses(listeners: Json[]): { name: string; address: string; port: number }[] {
  return listeners.map((l) => {
    const sa = isObject(l.address) && isObject(l.address.socketAddress) ? l.address.socketAddress : {};
    return { name: String(l.name ?? ""), address: String(sa.address ?? ""), port: Number(sa.portValue ?? NaN) };
  });
}

export interface FilterChainView {
  listener: string;
  serverNames: string[];
  /** Network filter names, in order. */
  filters: string[];
  /** SANs the chain's TLS context accepts from clients. */
  subjectAltNames: string[];
}

/** The filter chain of a listener on `port` that matches TLS server name `serverName`, if any. */
export function filterChainFor(listeners: Json[], port: number, serverName: string): FilterChainView | undefined {
  const onPort = new Set(
    listenerAddresses(listeners)
      .filter((l) => l.port === port)
      .map((l) => l.name),
  );
  for (const l of listeners) {
    if (!onPort.has(String(l.name ?? ""))) continue;
    for (const fc of Array.isArray(l.filterChains) ? l.filterChains.filter(isObject) : []) {
      const match = isObject(fc.filterChainMatch) ? fc.filterChainMatch : {};
      const serverNames = Array.isArray(match.serverNames) ? match.serverNames.map(String) : [];
      if (!serverNames.includes(serverName)) continue;
      const filters = Array.isArray(fc.filters) ? fc.filters.filter(isObject).map((f) => String(f.name ?? "")) : [];
      return { listener: String(l.name), serverNames, filters, subjectAltNames: subjectAltNames(fc.transportSocket) };
    }
  }
  return undefined;
}

/** Whether the RBAC network filter runs before tcp_proxy (so the caller is checked before any byte is forwarded). */
export function rbacBeforeTcpProxy(filters: string[]): boolean {
  const rbac = filters.indexOf("envoy.filters.network.rbac");
  const proxy = filters.indexOf("envoy.filters.network.tcp_proxy");
  return rbac >= 0 && proxy > rbac;
}

export interface ClusterTlsView {
  name: string;
  snis: string[];
  subjectAltNames: string[];
}

/** The upstream TLS settings of cluster `name`, or undefined when the proxy has no such cluster. */
export function clusterTls(clusters: Json[], name: string): ClusterTlsView | undefined {
  const c = clusters.find((x) => x.name === name);
  if (!c) return undefined;
  // transportSocket (explicit ISTIO_MUTUAL) or transportSocketMatches (auto mTLS): both are below the cluster.
  return { name, snis: snis(c), subjectAltNames: subjectAltNames(c) };
}

/**
 * Access-log lines that name `needle` as a whole name (e.g. a tunnel's SNI: `%REQUESTED_SERVER_NAME%` in Istio's
 * default format, or a JSON log's `"requested_server_name":"…"`), not as part of a longer one (`18082.catalog…`).
 */
export function logLinesWith(log: string, needle: string): string[] {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const whole = new RegExp(`(^|[^A-Za-z0-9.-])${escaped}($|[^A-Za-z0-9.-])`);
  return log.split("\n").filter((line) => whole.test(line));
}

/** What a `curl -sS -o /dev/null -w '%{http_code}'` run through `kubectl exec` came to. */
export type CurlOutcome =
  | { kind: "http"; status: number }
  | { kind: "dns"; detail: string }
  | { kind: "connect"; detail: string }
  | { kind: "timeout"; detail: string }
  | { kind: "other"; exitCode: number | null; detail: string };

/**
 * curl's exit codes (kubectl exec passes the remote one on): 0 with the status code on stdout; 6 the host did not
 * resolve; 7 the connection was refused; 28 timed out; 52/56 the peer closed or reset the connection.
 */
export function classifyCurl(exitCode: number | null, stdout: string, stderr: string): CurlOutcome {
  const detail = stderr.trim().split("\n").slice(-2).join(" ").slice(0, 300);
  if (exitCode === 0 && /^\d{3}$/.test(stdout.trim())) return { kind: "http", status: Number(stdout.trim()) };
  if (exitCode === 6 || /Could not resolve host/i.test(stderr)) return { kind: "dns", detail };
  if (exitCode === 7 || /Connection refused|Failed to connect/i.test(stderr)) return { kind: "connect", detail };
  if (exitCode === 28 || /timed out/i.test(stderr)) return { kind: "timeout", detail };
  return { kind: "other", exitCode, detail };
}

export const describeCurl = (o: CurlOutcome) =>
  o.kind === "http"
    ? `HTTP ${o.status}`
    : o.kind === "other"
      ? `curl failed (exit ${o.exitCode ?? "?"}): ${o.detail}`
      : `${{ dns: "name did not resolve", connect: "connection refused", timeout: "timed out" }[o.kind]}: ${o.detail}`;
