import { formatIpv4, parseIpv4 } from "./dns";
import { hashToInt } from "./hash";

/**
 * Virtual IPs for global hosts, from the class E block 240.0.0.0/4.
 *
 * A host's address is a pure function of (GlobalNamespace name, host): no counter, no dependence on which other
 * services exist, so adding or removing a service never moves another one. Two hosts may (rarely) hash to the same
 * address; that is reported as an error asking to pin one (`address:` in the spec), never resolved by shifting one.
 * Excluded: 240.240.0.0/16, where Istio auto-allocates ServiceEntry addresses, and the broadcast 255.255.255.255.
 */
const CLASS_E_START = ipv4("240.0.0.0");
const CLASS_E_SIZE = 2 ** 28;
const ISTIO_AUTO_START = ipv4("240.240.0.0");
const ISTIO_AUTO_SIZE = 2 ** 16;
const BROADCAST = ipv4("255.255.255.255");

/** A dotted-quad constant of this file as a number; a typo in one fails at load time, not as a NaN address. */
function ipv4(dotted: string): number {
  const n = parseIpv4(dotted);
  if (n === undefined) throw new Error(`internal: "${dotted}" is not an IPv4 address`);
  return n;
}

/** How many addresses the allocator can hand out. */
export const VIP_POOL_SIZE = CLASS_E_SIZE - ISTIO_AUTO_SIZE - 1;

/** The derived virtual IP of `host` in GlobalNamespace `gns`. */
export function deriveVip(gns: string, host: string): string {
  // 6 bytes of hash keep the modulo bias negligible (2^48 / 2^28).
  const index = hashToInt(`${gns}/${host}`, 6) % VIP_POOL_SIZE;
  const skipsIstioBlock = CLASS_E_START + index >= ISTIO_AUTO_START;
  return formatIpv4(CLASS_E_START + index + (skipsIstioBlock ? ISTIO_AUTO_SIZE : 0));
}

/** Why `address` cannot be a pinned VIP, or undefined when it can. */
export function vipProblem(address: string): string | undefined {
  const n = parseIpv4(address);
  if (n === undefined) return `"${address}" is not an IPv4 address; pin a class E address such as 241.0.0.10`;
  if (n < CLASS_E_START)
    return `${address} is outside the class E block 240.0.0.0/4; pin an address from 240.0.0.0–255.255.255.254`;
  if (n >= ISTIO_AUTO_START && n < ISTIO_AUTO_START + ISTIO_AUTO_SIZE)
    return `${address} is in 240.240.0.0/16, where Istio auto-allocates ServiceEntry addresses; pick another class E address`;
  if (n === BROADCAST) return `255.255.255.255 is the broadcast address; pick another class E address`;
  return undefined;
}
