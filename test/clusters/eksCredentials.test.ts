import { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../../sdk/src/eks";
import { SpecError } from "../../sdk/src/mesh";
import { installMocks, Recorder, valueOf } from "../helpers/pulumiHarness";
import { cloudMocks } from "./cloudMocks";

/**
 * Whose credentials the EKS kubeconfig uses: the default AWS provider's (stack config `aws:profile`,
 * `aws:assumeRoles`), the args', and never a guess when an explicit provider's credentials cannot be read.
 */

const ROLE = "arn:aws:iam::123456789012:role/deployer";
const execArgs = async (c: EksCluster) => JSON.parse(await valueOf(c.kubeconfig)).users[0].user.exec.args as string[];
const after = (args: string[], flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

let rec: Recorder;
let mocks: ReturnType<typeof cloudMocks>;
const saved = { ...process.env };
beforeAll(async () => {
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  mocks = cloudMocks(false);
  rec = await installMocks(mocks);
});
afterAll(() => {
  process.env = saved;
});
beforeEach(() => pulumi.runtime.setAllConfig({ "aws:region": "us-west-2" }));

/** Constructs; expects a SpecError with exactly these [path, message] issues and nothing registered. */
async function rejected(construct: () => unknown, issues: [string, RegExp][]) {
  const before = rec.registrations.length;
  let error: unknown;
  try {
    construct();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SpecError);
  expect((error as SpecError).issues.map((i) => i.path)).toEqual(issues.map(([p]) => p));
  (error as SpecError).issues.forEach((issue, i) => expect(issue.message).toMatch(issues[i][1]));
  await rec.settled();
  expect(rec.registrations.length).toBe(before);
}

describe("the default AWS provider's principal", () => {
  test("aws:profile and the one role of aws:assumeRoles go into aws eks get-token", async () => {
    pulumi.runtime.setConfig("aws:profile", "platform-admin");
    pulumi.runtime.setConfig("aws:assumeRoles", JSON.stringify([{ roleArn: ROLE, sessionName: "pulumi" }]));
    const args = await execArgs(new EksCluster("cfg", {}));
    expect([after(args, "--profile"), after(args, "--role-arn")]).toEqual(["platform-admin", ROLE]);
  });

  test("the older single aws:assumeRole is read too", async () => {
    pulumi.runtime.setConfig("aws:assumeRole", JSON.stringify({ roleArn: ROLE }));
    expect(after(await execArgs(new EksCluster("legacy", {})), "--role-arn")).toBe(ROLE);
  });

  test("the args win over the stack config", async () => {
    pulumi.runtime.setConfig("aws:profile", "platform-admin");
    pulumi.runtime.setConfig("aws:assumeRoles", JSON.stringify([{ roleArn: ROLE }]));
    const other = "arn:aws:iam::123456789012:role/other";
    const args = await execArgs(new EksCluster("own", { kubeconfigProfile: "ops", kubeconfigRoleArn: other }));
    expect([after(args, "--profile"), after(args, "--role-arn")]).toEqual(["ops", other]);
  });

  test("no config, no args: the AWS CLI's default credentials, nothing added", async () => {
    const args = await execArgs(new EksCluster("plain", {}));
    expect(args).not.toContain("--profile");
    expect(args).not.toContain("--role-arn");
  });

  test("a role chain or an external ID cannot be passed to aws eks get-token: refused, with the fix", async () => {
    pulumi.runtime.setConfig("aws:assumeRoles", JSON.stringify([{ roleArn: ROLE }, { roleArn: ROLE }]));
    await rejected(
      () => new EksCluster("chain", {}),
      [["kubeconfigRoleArn", /aws:assumeRoles in the stack config, chains 2 roles.*set kubeconfigRoleArn/]],
    );
    pulumi.runtime.setConfig("aws:assumeRoles", JSON.stringify([{ roleArn: ROLE, externalId: "x" }]));
    await rejected(() => new EksCluster("ext", {}), [["kubeconfigRoleArn", /also sets externalId/]]);
    // Given explicitly, the config's role is not read at all.
    const args = await execArgs(new EksCluster("ext-own", { kubeconfigRoleArn: ROLE }));
    expect(after(args, "--role-arn")).toBe(ROLE);
  });
});

describe("an explicit AWS provider", () => {
  test("without kubeconfigProfile or kubeconfigRoleArn: refused before anything is registered", async () => {
    pulumi.runtime.setConfig("aws:profile", "not-the-providers");
    const provider = new AwsProvider("explicit-a", { region: "us-west-2" });
    await rec.settled();
    await rejected(
      () => new EksCluster("e1", { region: "us-west-2" }, { providers: { aws: provider } }),
      [
        [
          "kubeconfigProfile",
          /^is required with an explicit AWS provider .*give kubeconfigProfile .* or kubeconfigRoleArn/,
        ],
      ],
    );
    // Every way a provider reaches the component's children counts: provider, providers list, a parent's.
    await rejected(
      () => new EksCluster("e2", { region: "us-west-2" }, { provider }),
      [["kubeconfigProfile", /explicit/]],
    );
    await rejected(
      () => new EksCluster("e3", { region: "us-west-2" }, { providers: [provider] }),
      [["kubeconfigProfile", /explicit/]],
    );
    const parent = new pulumi.ComponentResource("test:index:Platform", "platform", {}, { providers: [provider] });
    await rec.settled();
    await rejected(
      () => new EksCluster("e4", { region: "us-west-2" }, { parent }),
      [["kubeconfigProfile", /explicit/]],
    );
  });

  test("needs region: the stack's aws:region is the default provider's", async () => {
    const provider = new AwsProvider("explicit-b", { region: "eu-west-1" });
    await rec.settled();
    await rejected(
      () => new EksCluster("e5", { kubeconfigProfile: "ops" }, { providers: [provider] }),
      [["region", /^is required with an explicit AWS provider/]],
    );
  });

  test("honoured: no resource or invoke carries its own region, the kubeconfig uses the given principal only", async () => {
    pulumi.runtime.setConfig("aws:profile", "not-the-providers");
    const provider = new AwsProvider("explicit-c", { region: "us-west-2" });
    const c = new EksCluster("honour", { region: "us-west-2", kubeconfigProfile: "ops" }, { providers: [provider] });
    const args = await execArgs(c);
    await rec.settled();
    expect([after(args, "--profile"), after(args, "--region"), args.includes("--role-arn")]).toEqual([
      "ops",
      "us-west-2",
      false,
    ]);
    const urn = await valueOf(c.urn);
    const awsChildren = rec.childrenOf(urn).filter((r) => r.type.startsWith("aws:"));
    expect(awsChildren.length).toBeGreaterThan(20);
    expect(awsChildren.filter((r) => "region" in r.inputs).map((r) => r.name)).toEqual([]);
    const providerRef = `${await valueOf(provider.urn)}::${await valueOf(provider.id)}`;
    expect(awsChildren.filter((r) => r.provider !== providerRef).map((r) => r.name)).toEqual([]);
    const invokes = mocks.calls.filter((x) => x.provider === providerRef);
    expect(invokes.map((x) => x.token).sort()).toEqual([
      ...Array(3).fill("aws:eks/getAddonVersion:getAddonVersion"),
      "aws:index/getAvailabilityZones:getAvailabilityZones",
      "aws:index/getRegion:getRegion",
    ]);
    for (const x of invokes) expect(x.inputs.region).toBeUndefined();
    expect(c.locality).toBe("us-west-2");
  });
});

describe("adminPrincipalArns", () => {
  test("IAM roles and users only, each once", () =>
    rejected(
      () =>
        new EksCluster("admins", {
          adminPrincipalArns: [
            "arn:aws:sts::123456789012:assumed-role/ops/alice",
            "ops",
            ROLE,
            ROLE,
            "arn:aws:iam::123456789012:group/ops",
          ],
        }),
      [
        [
          "adminPrincipalArns[0]",
          /^"arn:aws:sts::123456789012:assumed-role\/ops\/alice" is an STS session, not a principal; give the IAM role's ARN, e.g. "arn:aws:iam::123456789012:role\/ops"$/,
        ],
        ["adminPrincipalArns[1]", /^"ops" is not an IAM role or user ARN/],
        ["adminPrincipalArns[3]", /lists "arn:aws:iam::123456789012:role\/deployer" again/],
        ["adminPrincipalArns[4]", /is not an IAM role or user ARN/],
      ],
    ));
});
