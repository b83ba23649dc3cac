/** Name grammars from Kubernetes and RFC 1123, and IP address parsing. */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** DNS-1123 label: what Kubernetes requires of namespace names and label-style names. */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && LABEL.test(s);
}

/** DNS-1035 label: what Kubernetes requires of Service names (starts with a letter). */
export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && LABEL_1035.test(s);
}

/** DNS-1123 subdomain: dot-separated labels, at most 253 characters. */
export function isDnsSubdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split(".").every(isDnsLabel);
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Kubernetes label key: `[prefix/]name`, the prefix a DNS subdomain. */
export function isLabelKey(s: string): boolean {
  const slash = s.lastIndexOf("/");
  const name = s.slice(slash + 1);
  return (slash < 0 || isDnsSubdomain(s.slice(0, slash))) && name.length <= 63 && LABEL_NAME.test(name);
}

/** Kubernetes label value: empty, or up to 63 characters of the label-name grammar. */
export function isLabelValue(s: string): boolean {
  return s === "" || (s.length <= 63 && LABEL_NAME.test(s));
}

/** Istio locality `region[/zone[/subzone]]`. */
export function isLocality(s: string): boolean {
  return /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(s);
}

/** Dotted-quad IPv4 address → 32-bit unsigned integer, or undefined. */
export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o, i) => o > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith("0")))) return undefined;
  return ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** A loose IPv6 check: hex groups and colons, at most one `::`. */
export function isIpv6(s: string): boolean {
  if (!/^[0-9a-fA-F:]+$/.test(s) || s.split("::").length > 2) return false;
  const groups = s.split(":").filter((g) => g !== "");
  return (
    groups.length >= 1 &&
    groups.length <= 8 &&
    groups.every((g) => g.length <= 4) &&
    (s.includes("::") || groups.length === 8)
  );
}

/** An address a ServiceEntry endpoint can carry: an IP or a DNS name. */
export function isHostOrIp(s: string): boolean {
  return parseIpv4(s) !== undefined || isIpv6(s) || (isDnsSubdomain(s) && !/^[0-9.]+$/.test(s));
}
