import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildMesh, ClusterManifests, MeshBuild, parseManifests, parseSpecYaml } from "../../sdk/src/mesh";

/** The project's own examples, as the tests use them. */
export const ROOT = join(__dirname, "..", "..");
export const ACME_DIR = join(ROOT, "examples", "acme-fitness");

export function readSpecFile(path: string): unknown {
  return parseSpecYaml(readFileSync(path, "utf8"), path).value;
}

export function acmeManifests(): ClusterManifests[] {
  return ["cluster1", "cluster2"].map((cluster) => {
    const source = join(ACME_DIR, "manifests", `${cluster}.yaml`);
    return { cluster, source, objects: parseManifests(readFileSync(source, "utf8"), source) };
  });
}

/** acme-fitness as `npm run demo` builds it: the spec file plus discovery from both clusters' manifests. */
export function acmeBuild(): MeshBuild {
  return buildMesh(readSpecFile(join(ACME_DIR, "gns.yaml")), acmeManifests());
}

export function bookinfoBuild(): MeshBuild {
  return buildMesh(readSpecFile(join(ROOT, "examples", "bookinfo", "gns.yaml")));
}

/** A small valid spec to mutate in validation tests. */
export function baseSpec(): any {
  return {
    name: "acme-fitness",
    domain: "acme.example.com",
    clusters: [
      { name: "cluster1", ingress: { address: "203.0.113.10" } },
      { name: "cluster2", ingress: { address: "lb.example.net", port: 443 } },
    ],
    members: [
      { cluster: "cluster1", namespace: "default" },
      { cluster: "cluster2", namespace: "default" },
    ],
    services: [
      {
        name: "catalog",
        namespace: "default",
        clusters: ["cluster2"],
        ports: [{ number: 8082, name: "http-catalog", protocol: "HTTP" }],
      },
      {
        name: "shopping",
        namespace: "default",
        clusters: ["cluster1"],
        ports: [{ number: 3000, name: "http-shopping" }],
      },
    ],
  };
}
