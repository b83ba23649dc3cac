import { checkBoolean, fieldCheck, readList, textGrammar } from "./checks";
import { isDnsLabel } from "./dns";
import { IssueList } from "./errors";
import { join, Plain } from "./fields";

/**
 * A Sidecar egress host of those istiod's webhook accepts (pkg/config/validation ValidateSidecar), less `~` (which
 * imports nothing): `namespace/dnsName`, the namespace `*`, `.` or a DNS label, the name `*`, `*.suffix` or a name
 * with a dot (no short names, no partial wildcard such as `*-api.example.com`). The JSON Schema's pattern says the same.
 */
export function isEgressHost(entry: string): boolean {
  const slash = entry.indexOf("/");
  if (slash === -1 || entry.indexOf("/", slash + 1) !== -1) return false;
  const namespace = entry.slice(0, slash);
  const name = entry.slice(slash + 1);
  if (namespace !== "*" && namespace !== "." && !isDnsLabel(namespace)) return false;
  if (name === "*") return true;
  if (!name.includes(".") || name.length > 255) return false;
  const labels = (name.startsWith("*.") ? name.slice(2) : name).split(".");
  return labels.every((l) => isDnsLabel(l));
}

const checkEgressHost = fieldCheck(
  textGrammar(
    "a Sidecar egress host",
    "write namespace/dnsName: a namespace (or *) and a fully qualified name, *.suffix or *",
    isEgressHost,
  ),
);

/**
 * `sidecarScope` and `extraEgressHosts` of a member rule. Extra hosts need the scope; a `*` namespace with a `*` name
 * would import every host and undo it; the rule's own namespace is in the Sidecar already.
 */
export function readScope(
  issues: IssueList,
  path: string,
  o: Plain,
  namespace: string | undefined,
): { sidecarScope?: boolean; extraEgressHosts?: string[] } {
  const sidecarScope = checkBoolean(issues, join(path, "sidecarScope"), o.sidecarScope, { example: true });
  const hostsPath = join(path, "extraEgressHosts");
  const list = readList(issues, hostsPath, o.extraEgressHosts, {
    example: "[legacy/billing.legacy.svc.cluster.local]",
  });
  if (!list) return { ...(sidecarScope !== undefined && { sidecarScope }) };
  if (sidecarScope !== true)
    issues.add(
      hostsPath,
      "only applies to the Sidecar that sidecarScope: true writes; set sidecarScope: true on this rule, or drop extraEgressHosts",
    );
  const seen = new Set<string>();
  const hosts: string[] = [];
  list.forEach((v, i) => {
    const at = join(hostsPath, i);
    const entry = checkEgressHost(issues, at, v, {
      example: "legacy/billing.legacy.svc.cluster.local",
      required: true,
    });
    if (entry === undefined) return;
    const [ns, name] = entry.split("/");
    if (seen.has(entry)) issues.add(at, `"${entry}" is listed twice; list each host once`);
    else if (ns === "*" && name === "*")
      issues.add(
        at,
        `"${entry}" imports every host of every namespace, so the Sidecar would hide nothing; name the namespaces or hosts called, or leave sidecarScope off`,
      );
    else if (ns === "." || ns === namespace)
      issues.add(
        at,
        `"${entry}" is in the rule's own namespace, which the Sidecar imports whole already (./*); drop it`,
      );
    else hosts.push(entry);
    seen.add(entry);
  });
  return { ...(sidecarScope !== undefined && { sidecarScope }), extraEgressHosts: hosts };
}
