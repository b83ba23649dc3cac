import { parseIpv4 } from "../../mesh";
import { formatIpv4 } from "../../mesh/dns";

/** A VPC CIDR the subnet layout fits: an aligned IPv4 block from /16 to /20. */
export function checkVpcCidr(cidr: string): string | undefined {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr);
  const base = m ? parseIpv4(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (base === undefined || !(prefix >= 16 && prefix <= 20))
    return `"${cidr}" is not an IPv4 CIDR from /16 to /20; use e.g. 10.0.0.0/16`;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0)
    return `"${cidr}" is not aligned; the /${prefix} block containing it starts at ${formatIpv4(base - (base % size))}`;
  return undefined;
}

/** Most zones the layout has room for: 16 subnets of prefix+4, public in the first half, private in the second. */
export const MAX_ZONES = 8;

/**
 * Subnet CIDRs for `zones` zones: the VPC block cut into 16 equal parts; public subnet i takes part i, private subnet i
 * takes part 8+i. Zone i keeps its CIDRs when zones are added. `vpcCidr` must pass `checkVpcCidr`.
 */
export function subnetCidrs(vpcCidr: string, zones: number): { public: string[]; private: string[] } {
  const [ip, prefix] = vpcCidr.split("/");
  const base = parseIpv4(ip);
  if (base === undefined)
    throw new Error(`internal: subnetCidrs needs a CIDR that passes checkVpcCidr, got "${vpcCidr}"`);
  const sub = Number(prefix) + 4;
  const size = 2 ** (32 - sub);
  const block = (i: number) => `${formatIpv4(base + i * size)}/${sub}`;
  const indexes = [...Array(zones).keys()];
  return { public: indexes.map(block), private: indexes.map((i) => block(MAX_ZONES + i)) };
}
