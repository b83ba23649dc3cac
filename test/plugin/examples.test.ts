/**
 * The plugin as other languages meet it. The real plugin host (`@pulumi/pulumi/cmd/run-plugin`, pluginHost.ts) is
 * started on plugin/ and asked for its schema, as `pulumi package add` and Pulumi YAML do; the Pulumi YAML program
 * examples/yaml/Pulumi.yaml and the Python snippet in plugin/README.md are checked statically against that schema.
 * Neither is run (no Pulumi CLI here).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse as parseYaml } from "yaml";
import { COMPONENT_NAMES, COMPONENTS, requiredOf, token } from "./expected";
import { PluginHost, startPluginHost } from "./pluginHost";
import { PackageSchema, pluginPackageJson, PLUGIN_DIR, pyPack, ROOT } from "./pluginSchema";
import { checkPythonSnippet, pyName, pythonBlock } from "./pythonSnippet";
import { checkYamlProgram, isExpression } from "./yamlProgram";

const YAML_DIR = join(ROOT, "examples", "yaml");
const yamlText = readFileSync(join(YAML_DIR, "Pulumi.yaml"), "utf8");

let host: PluginHost;
let schema: PackageSchema;

beforeAll(async () => {
  host = await startPluginHost();
  const t0 = Date.now();
  schema = await host.schema();
  console.log(
    `run-plugin served after ${host.startMs} ms; GetSchema (the analyzer, in the plugin process) took ${Date.now() - t0} ms`,
  );
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe("the plugin host (run-plugin) on plugin/", () => {
  test("serves the plugin's version", async () => {
    expect(await host.pluginVersion()).toBe(pluginPackageJson().version);
  });

  test("serves the schema: provider globalmesh in namespace globalmesh, the six components with their inputs and outputs", () => {
    // schema.test.ts checks every property in full; here, that the host serves the same package.
    expect([schema.name, schema.namespace, schema.version]).toEqual([
      "globalmesh",
      "globalmesh",
      pluginPackageJson().version,
    ]);
    expect(Object.keys(schema.resources).sort()).toEqual(COMPONENT_NAMES.map(token).sort());
    for (const name of COMPONENT_NAMES) {
      const r = schema.resources[token(name)];
      const exp = COMPONENTS[name];
      expect([name, Object.keys(r.inputProperties).sort(), r.requiredInputs]).toEqual([
        name,
        Object.keys(exp.inputs).sort(),
        requiredOf(exp.inputs),
      ]);
      expect([name, Object.keys(r.properties).sort(), r.required]).toEqual([
        name,
        Object.keys(exp.outputs).sort(),
        requiredOf(exp.outputs),
      ]);
    }
  });
});

describe("examples/yaml: a Pulumi YAML program on the plugin", () => {
  const program = parseYaml(yamlText);

  test("is a YAML project whose `packages:` points at the plugin, and a valid Pulumi.yaml (project metaschema v3.248.0)", () => {
    expect(program.runtime).toBe("yaml");
    expect(Object.keys(program.packages)).toEqual([schema.name]);
    expect(resolve(YAML_DIR, program.packages[schema.name])).toBe(PLUGIN_DIR);
    expect(existsSync(join(PLUGIN_DIR, "PulumiPlugin.yaml"))).toBe(true);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "pulumi-schema", "project.json"), "utf8")),
    );
    validate(program);
    expect(validate.errors ?? []).toEqual([]);
  });

  test("uses KubeconfigCluster ×2, MeshTrust, MeshCluster ×2 and a GlobalNamespace that depends on the MeshClusters", () => {
    const types = Object.values(program.resources as Record<string, { type: string }>).map((r) => r.type.split(":")[2]);
    expect(types.sort()).toEqual([
      "GlobalNamespace",
      "KubeconfigCluster",
      "KubeconfigCluster",
      "MeshCluster",
      "MeshCluster",
      "MeshTrust",
    ]);
    const meshes = Object.entries(program.resources as Record<string, { type: string }>)
      .filter(([, r]) => r.type.endsWith(":MeshCluster"))
      .map(([n]) => `\${${n}}`);
    expect(program.resources.acmeFitness.options.dependsOn).toEqual(meshes);
    const gns = program.resources.acmeFitness.properties;
    expect(gns.members).toEqual([
      { cluster: "cluster1", namespace: "default" },
      { cluster: "cluster2", namespace: "default" },
    ]);
    expect(gns.services.find((s: { name: string }) => s.name === "catalog").clusters).toEqual(["cluster2"]);
  });

  test("every type token, property, plain literal and reference agrees with the schema", () => {
    expect(checkYamlProgram(program, schema)).toEqual([]);
  });

  test("the check fails on a broken copy: misspelt property, wrong token, plain expression, missing input, bad output reference", () => {
    const broken = structuredClone(program);
    broken.resources.trust.type = "globalmesh:index:MeshTrusts";
    const gns = broken.resources.acmeFitness.properties;
    gns.domian = gns.domain;
    delete gns.domain;
    broken.resources.cluster1Mesh.properties.meshId = "${trust.meshId}";
    delete broken.resources.cluster2Mesh.properties.ca;
    gns.clusters[0].kubeconfig = "${cluster1Mesh.kubeConfig}";
    gns.services[0].ports[0].protocol = "HTTP3";
    expect(checkYamlProgram(broken, schema)).toEqual([
      {
        path: "resources.trust.type",
        message: 'unknown resource type "globalmesh:index:MeshTrusts" (did you mean "globalmesh:index:MeshTrust"?)',
      },
      {
        path: "resources.cluster1Mesh.properties.meshId",
        message: 'is a plain input: give a literal, not the expression "${trust.meshId}"',
      },
      { path: "resources.cluster2Mesh.properties.ca", message: "required by globalmesh:index:MeshCluster, missing" },
      {
        path: "resources.acmeFitness.properties.clusters[0].kubeconfig",
        message:
          '${cluster1Mesh.kubeConfig}: globalmesh:index:MeshCluster has no output "kubeConfig" (did you mean "kubeconfig"?)',
      },
      {
        path: "resources.acmeFitness.properties.services[0].ports[0].protocol",
        message: '"HTTP3" is not one of globalmesh:index:PortProtocol: HTTP, HTTP2, GRPC, HTTPS, TLS, TCP, MONGO',
      },
      {
        path: "resources.acmeFitness.properties.domian",
        message: 'unknown property of globalmesh:index:GlobalNamespace (did you mean "domain"?)',
      },
      {
        path: "resources.acmeFitness.properties.domain",
        message: "required by globalmesh:index:GlobalNamespace, missing",
      },
    ]);
  });

  test("expressions are told from literals", () => {
    expect(["${a.b}", "x-${a}", { "fn::readFile": "f" }].map(isExpression)).toEqual([true, true, true]);
    expect(["$${not}", "plain", 443, { fnx: 1 }, ["${a}"]].map(isExpression)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("plugin/README.md: the Python snippet", () => {
  const readme = readFileSync(join(PLUGIN_DIR, "README.md"), "utf8");
  const snippet = pythonBlock(readme);

  test("pyName follows Pulumi's Python casing (pkg/codegen/python/python_test.go cases)", () => {
    const cases: [string, string][] = [
      ["kubeletConfigKey", "kubelet_config_key"],
      ["podCIDR", "pod_cidr"],
      ["podCidr", "pod_cidr"],
      ["podCIDRs", "pod_cidrs"],
      ["podIPs", "pod_ips"],
      ["nonResourceURLs", "non_resource_urls"],
      ["someTHINGsAREWeird", "some_things_are_weird"],
      ["podCIDRSet", "pod_cidr_set"],
      ["Sha256Hash", "sha256_hash"],
      ["SHA256Hash", "sha256_hash"],
      ["proj:config", "proj_config"],
      ["globalNamespaceName", "global_namespace_name"],
      ["from", "from_"],
    ];
    expect(cases.map(([camel]) => pyName(camel))).toEqual(cases.map(([, snake]) => snake));
  });

  test("imports the generated module and uses only arguments, classes, enum members and outputs the schema has", () => {
    const { module, issues } = checkPythonSnippet(snippet, schema);
    expect(module).toBe(pyPack(schema.namespace, schema.name));
    expect(module).toBe("globalmesh_globalmesh");
    expect(issues).toEqual([]);
    // It exercises every component but the cloud ones, and an enum.
    for (const used of ["MeshTrust(", "KubeconfigCluster(", "MeshCluster(", "GlobalNamespace(", "PortProtocol.HTTP"])
      expect(snippet).toContain(used);
  });

  test("the check fails on a broken copy", () => {
    const broken = snippet
      .replace("mesh_id=", "meshid=")
      .replace("globalmesh.InjectionPolicyArgs(", "globalmesh.InjectionPolicy(")
      .replace("cluster2.ingress_address", "cluster2.ingress_adress")
      .replace('domain="acme.example.com",\n', "")
      .replace("PortProtocol.HTTP", "PortProtocol.HTTP3");
    const messages = checkPythonSnippet(broken, schema).issues.map((i) => i.message);
    expect(messages).toEqual([
      expect.stringMatching(/^MeshTrust: no argument "meshid"/),
      expect.stringMatching(/^globalmesh.InjectionPolicy: the SDK has no resource, input type/),
      'GlobalNamespace: required argument "domain" (domain) missing',
      "PortProtocol.HTTP3: members are HTTP, HTTP2, GRPC, HTTPS, TLS, TCP, MONGO",
      expect.stringMatching(/^cluster2.ingress_adress: MeshCluster has no output "ingress_adress"/),
    ]);
  });
});

describe("README.md: the Python snippet", () => {
  test("uses only arguments, classes and outputs the schema has", () => {
    const snippet = pythonBlock(readFileSync(join(PLUGIN_DIR, "..", "README.md"), "utf8"));
    const { module, issues } = checkPythonSnippet(snippet, schema);
    expect(module).toBe("globalmesh_globalmesh");
    expect(issues).toEqual([]);
    for (const used of ["MeshTrust(", "KubeconfigCluster(", "MeshCluster(", "InjectionPolicyArgs("])
      expect(snippet).toContain(used);
  });
});
