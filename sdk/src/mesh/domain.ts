import { parse } from "tldts";

/**
 * Whether a GlobalNamespace's domain may carry global names. Every `<service>.<domain>` resolves to the mesh in every
 * member cluster, so a domain of the real internet would shadow real names for the whole mesh: with `google.com`, a
 * tenant's Service `www` captures `www.google.com`.
 *
 * Special-use names (RFC 6761, RFC 8375, ICANN's `.internal`) never resolve on the internet and always pass. Otherwise
 * the Public Suffix List decides, its private section included (so `us-east-2.elb.amazonaws.com` and `github.io` are
 * suffixes): a public suffix is refused, as is a registrable domain itself (`google.com`, `amazonaws.com`, and, by the
 * list's default rule, `acme.corp` under a top-level name the list does not know), unless the spec says the domain is
 * the owner's (`ownDomain: true`). A subdomain of a registrable domain (`mesh.acme.com`) passes.
 */

/** Special-use domains: the names themselves and every name under them. */
export const SPECIAL_USE_DOMAINS: readonly string[] = [
  "example", // RFC 6761
  "test", // RFC 6761
  "invalid", // RFC 6761
  "localhost", // RFC 6761
  "internal", // ICANN, reserved for private use (2024)
  "home.arpa", // RFC 8375
  "example.com", // RFC 6761
  "example.net", // RFC 6761
  "example.org", // RFC 6761
];

/**
 * Special-use names that global names must not use: `.local` is multicast DNS (RFC 6762), answered on the local link
 * and by Kubernetes' own `cluster.local`.
 */
export const RESERVED_DOMAINS: readonly string[] = ["local"];

/** Is `domain` a special-use name or under one? */
export function isSpecialUseDomain(domain: string): boolean {
  const d = domain.toLowerCase();
  return SPECIAL_USE_DOMAINS.some((s) => d === s || d.endsWith(`.${s}`));
}

/** What a domain is, as far as the refusal goes. */
export type DomainKind = "special-use" | "public-suffix" | "registrable" | "subdomain";

/** Classifies a DNS domain (already known to be a valid one). */
export function domainKind(domain: string): DomainKind {
  if (isSpecialUseDomain(domain)) return "special-use";
  const parsed = parse(domain, { allowPrivateDomains: true, detectIp: false });
  if (parsed.domain === null || parsed.publicSuffix === domain) return "public-suffix";
  return parsed.domain === domain ? "registrable" : "subdomain";
}

const SHADOW = "global names <service>.";
const ALTERNATIVE = 'a special-use name such as "acme.internal"';

/**
 * The problem with `domain` as a GlobalNamespace's domain, worded for `domain: <problem>`; undefined when it may be used.
 * `ownDomain`: the spec says the domain is registered to its owner.
 */
export function domainProblem(domain: string, ownDomain = false): string | undefined {
  const reserved = RESERVED_DOMAINS.find((r) => domain === r || domain.endsWith(`.${r}`));
  if (reserved)
    return `"${domain}" is under .${reserved}, reserved for multicast DNS (RFC 6762) and used by Kubernetes' cluster.local; use ${ALTERNATIVE}`;
  const kind = domainKind(domain);
  if (kind === "public-suffix") {
    const { isPrivate } = parse(domain, { allowPrivateDomains: true, detectIp: false });
    const whose = isPrivate
      ? "names under it belong to different customers of its operator"
      : "anyone can register names under it";
    return `"${domain}" is a public suffix (Public Suffix List): ${whose}, and ${SHADOW}${domain} would shadow those real internet names for the whole mesh${ownDomain ? " (ownDomain: true does not cover a public suffix)" : ""}; use a subdomain of a domain registered to you, e.g. "mesh.acme.com", or ${ALTERNATIVE}`;
  }
  if (kind === "registrable" && !ownDomain)
    return `"${domain}" is a registrable internet domain: ${SHADOW}${domain} would shadow real internet names (e.g. www.${domain}) for the whole mesh; use a subdomain of a domain you own, e.g. "mesh.acme.com", ${ALTERNATIVE}, or set ownDomain: true if ${domain} is yours`;
  return undefined;
}
