import { buildMesh, deriveVip, parseIpv4, SpecError } from "../../sdk/src/mesh";
import { baseSpec } from "../helpers/fixtures";

const inClassE = (ip: string) => parseIpv4(ip)! >>> 28 === 0b1111;

test("derived addresses are in class E, outside 240.240.0.0/16, never broadcast, and spread over the whole pool", () => {
  const firstOctets = new Set<number>();
  for (let i = 0; i < 20000; i++) {
    const ip = deriveVip("gns", `svc${i}.example.com`);
    expect(inClassE(ip) && !ip.startsWith("240.240.") && ip !== "255.255.255.255").toBe(true);
    firstOctets.add(Number(ip.split(".")[0]));
  }
  expect([...firstOctets].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => 240 + i));
  expect(deriveVip("acme-fitness", "catalog.acme.example.com")).not.toBe(
    deriveVip("other", "catalog.acme.example.com"),
  );
});

test("the derivation never changes between releases: a changed vector would move every address of every mesh", () => {
  expect(deriveVip("acme-fitness", "catalog.acme.example.com")).toBe("244.54.69.249");
  expect(deriveVip("bookinfo", "reviews.bookinfo.example.com")).toBe("251.74.138.38");
});

/** Finds two service names whose derived addresses collide (a birthday search: ~20k hashes). */
function findCollision(gns: string, domain: string): [string, string] {
  const seen = new Map<string, string>();
  for (let i = 0; ; i++) {
    const name = `s${i}`;
    const ip = deriveVip(gns, `${name}.${domain}`);
    const other = seen.get(ip);
    if (other) return [other, name];
    seen.set(ip, name);
  }
}

describe("a real collision of derived addresses", () => {
  const [a, b] = findCollision("acme-fitness", "acme.example.com");
  const spec = () => {
    const s = baseSpec();
    s.services = [a, b].map((name) => ({
      name,
      namespace: "default",
      clusters: ["cluster1"],
      ports: [{ number: 80, name: "http" }],
    }));
    return s;
  };

  test("is reported, naming both services and the fix, instead of shifting an address", () => {
    expect(() => buildMesh(spec())).toThrow(SpecError);
    try {
      buildMesh(spec());
    } catch (e) {
      expect((e as SpecError).issues).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(
            new RegExp(`the derived addresses of ${a} and ${b} collide .*pin one of them with "address:"`),
          ),
        }),
      ]);
    }
  });

  test("is resolved by pinning one of them; the other keeps its derived address", () => {
    const s = spec();
    s.services[1].address = "241.0.0.10";
    const model = buildMesh(s).model;
    expect(model.services.find((x) => x.name === a)!.address).toBe(deriveVip("acme-fitness", `${a}.acme.example.com`));
    expect(model.services.find((x) => x.name === b)!).toMatchObject({ address: "241.0.0.10", pinned: true });
  });

  test("a pin equal to another service's derived address is refused", () => {
    const s = spec();
    s.services = [
      s.services[0],
      {
        name: "other",
        namespace: "default",
        clusters: ["cluster1"],
        ports: [{ number: 81 }],
        address: deriveVip("acme-fitness", `${a}.acme.example.com`),
      },
    ];
    expect(() => buildMesh(s)).toThrow(/pinned for other, is the derived address of s\d+; pin another address/);
  });
});
