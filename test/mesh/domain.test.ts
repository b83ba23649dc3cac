import { join } from "node:path";
import { SpecError, validateSpec } from "../../sdk/src/mesh";
import { domainKind, domainProblem } from "../../sdk/src/mesh/domain";
import { baseSpec, readSpecFile, ROOT } from "../helpers/fixtures";

/**
 * The domain rule: global names `<service>.<domain>` must not shadow real internet names. Special-use names pass
 * first; then the Public Suffix List, private section included, refuses a public suffix always and a registrable
 * domain itself unless `ownDomain: true`.
 */

type Outcome = "pass" | "suffix" | "registrable" | "reserved";

const table: [domain: string, ownDomain: boolean, outcome: Outcome, why: string][] = [
  // special-use names and everything under them
  ["acme.example", false, "pass", "RFC 6761 .example"],
  ["shop.test", false, "pass", "RFC 6761 .test"],
  ["mesh.invalid", false, "pass", "RFC 6761 .invalid"],
  ["mesh.localhost", false, "pass", "RFC 6761 .localhost"],
  ["acme.internal", false, "pass", "ICANN's private-use .internal"],
  ["corp.acme.internal", false, "pass", "under .internal"],
  ["mesh.home.arpa", false, "pass", "RFC 8375 .home.arpa"],
  ["home.arpa", false, "pass", "RFC 8375 .home.arpa itself"],
  ["example.com", false, "pass", "RFC 6761 example.com itself"],
  ["example.net", false, "pass", "RFC 6761 example.net"],
  ["example.org", false, "pass", "RFC 6761 example.org"],
  ["acme.example.com", false, "pass", "the acme-fitness example"],
  ["bookinfo.example.com", false, "pass", "the bookinfo example"],
  // subdomains of a registrable domain
  ["mesh.acme.com", false, "pass", "a subdomain of acme.com"],
  ["mesh.acme.co.uk", false, "pass", "a subdomain of acme.co.uk (co.uk is a suffix)"],
  ["gns.foo.github.io", false, "pass", "a subdomain of foo.github.io (github.io is a private suffix)"],
  ["mesh.acme.corp", false, "pass", "a subdomain of acme.corp (an unknown top-level name is a suffix)"],
  // bare registrable domains: refused unless the spec says they are the owner's
  ["google.com", false, "registrable", "a registrable .com domain"],
  ["amazonaws.com", false, "registrable", "registrable, although AWS publishes suffixes under it"],
  ["acme.co.uk", false, "registrable", "registrable under co.uk"],
  ["foo.github.io", false, "registrable", "registrable under the private suffix github.io"],
  ["acme.corp", false, "registrable", "registrable under an unknown top-level name (the list's default rule)"],
  ["myexample.com", false, "registrable", "not example.com: special-use names match on a label boundary"],
  ["google.com", true, "pass", "ownDomain: true"],
  ["acme.co.uk", true, "pass", "ownDomain: true"],
  // public suffixes: refused even with ownDomain
  ["co.uk", false, "suffix", "an ICANN suffix"],
  ["co.uk", true, "suffix", "ownDomain does not cover a suffix"],
  ["github.io", false, "suffix", "a private-section suffix"],
  ["us-east-2.elb.amazonaws.com", false, "suffix", "a private-section suffix (ELB hostnames)"],
  ["us-east-2.elb.amazonaws.com", true, "suffix", "ownDomain does not cover a suffix"],
  ["s3.amazonaws.com", false, "suffix", "a private-section suffix"],
  ["com.au", false, "suffix", "an ICANN second-level suffix"],
  // multicast DNS: refused, ownDomain or not
  ["acme.local", false, "reserved", "RFC 6762 .local (mDNS)"],
  ["acme.local", true, "reserved", "ownDomain does not cover .local"],
];

test.each(table)("%s (ownDomain: %s) → %s: %s", (domain, ownDomain, outcome) => {
  const problem = domainProblem(domain, ownDomain);
  if (outcome === "pass") expect(problem).toBeUndefined();
  else if (outcome === "suffix") expect(problem).toMatch(/ is a public suffix \(Public Suffix List\)/);
  else if (outcome === "reserved")
    expect(problem).toMatch(/ is under \.local, reserved for multicast DNS \(RFC 6762\)/);
  else expect(problem).toMatch(/ is a registrable internet domain/);
});

test("the kinds behind the outcomes", () => {
  expect(domainKind("acme.internal")).toBe("special-use");
  expect(domainKind("us-east-2.elb.amazonaws.com")).toBe("public-suffix");
  expect(domainKind("amazonaws.com")).toBe("registrable");
  expect(domainKind("mesh.amazonaws.com")).toBe("subdomain");
});

describe("each refusal names the field, the reason and the fix", () => {
  function domainIssues(domain: string, ownDomain?: boolean): { path: string; message: string }[] {
    try {
      validateSpec({ ...baseSpec(), domain, ...(ownDomain !== undefined && { ownDomain }) });
    } catch (e) {
      if (e instanceof SpecError) return e.issues;
      throw e;
    }
    return [];
  }

  test("a registrable domain", () => {
    expect(domainIssues("amazonaws.com")).toEqual([
      {
        path: "domain",
        message:
          '"amazonaws.com" is a registrable internet domain: global names <service>.amazonaws.com would shadow real internet names (e.g. www.amazonaws.com) for the whole mesh; use a subdomain of a domain you own, e.g. "mesh.acme.com", a special-use name such as "acme.internal", or set ownDomain: true if amazonaws.com is yours',
      },
    ]);
  });

  test("a private suffix, even with ownDomain", () => {
    expect(domainIssues("us-east-2.elb.amazonaws.com", true)).toEqual([
      {
        path: "domain",
        message:
          '"us-east-2.elb.amazonaws.com" is a public suffix (Public Suffix List): names under it belong to different customers of its operator, and global names <service>.us-east-2.elb.amazonaws.com would shadow those real internet names for the whole mesh (ownDomain: true does not cover a public suffix); use a subdomain of a domain registered to you, e.g. "mesh.acme.com", or a special-use name such as "acme.internal"',
      },
    ]);
  });

  test("an ICANN suffix", () => {
    expect(domainIssues("co.uk")[0].message).toMatch(
      /^"co.uk" is a public suffix \(Public Suffix List\): anyone can register names under it, and global names <service>.co.uk would shadow/,
    );
  });

  test("ownDomain: true lets the owner's registrable domain through", () => {
    expect(domainIssues("acme.com", true)).toEqual([]);
    expect(validateSpec({ ...baseSpec(), domain: "acme.com", ownDomain: true })).toEqual(
      expect.objectContaining({ domain: "acme.com", ownDomain: true }),
    );
  });
});

test.each(["acme-fitness", "bookinfo"])("the %s example's domain passes", (example) => {
  const spec = readSpecFile(join(ROOT, "examples", example, "gns.yaml")) as { domain: string };
  expect(domainProblem(spec.domain)).toBeUndefined();
  expect(validateSpec(spec).domain).toBe(spec.domain);
});
