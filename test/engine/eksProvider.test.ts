import { join } from "node:path";
import { InvokeContext, defaultInvoke } from "./cloud";
import { RunResult, runProgram } from "./runProgram";
import { reveal } from "./wire";

/**
 * EksCluster on an explicit AWS provider (fixtures/eks-provider), through Pulumi's own runner: the provider's region
 * applies (no resource or invoke carries one of its own), the kubeconfig uses the principal the program names, and
 * what the program cannot read (the provider's credentials and region) is asked for or checked.
 */
const DIR = join(__dirname, "fixtures", "eks-provider");
/** The explicit provider's region (fixture); the stack's aws:region, the default provider's, is another. */
const PROVIDER_REGION = "eu-west-1";

/** Functions called through the explicit provider answer for its region, as the real provider would. */
const invoke = (ctx: InvokeContext) =>
  ctx.provider ? defaultInvoke({ ...ctx, args: { ...ctx.args, region: PROVIDER_REGION } }) : undefined;
const run = (mode: string) =>
  runProgram({
    dir: DIR,
    preview: false,
    config: { mode, "aws:region": "us-west-2", "aws:profile": "default-providers-profile" },
    handlers: { invoke },
  });

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  [runs.honoured, runs.noPrincipal, runs.wrongRegion] = await Promise.all([
    run("honoured"),
    run("no-principal"),
    run("wrong-region"),
  ]);
}, 180_000);

test("honoured: every AWS resource and function goes through the explicit provider, none with its own region", () => {
  const r = runs.honoured;
  expect(r.errors).toEqual([]);
  const provider = r.registrations.find((g) => g.type === "pulumi:providers:aws")!;
  const aws = r.registrations.filter((g) => g.custom && g.type.startsWith("aws:"));
  expect(aws.length).toBeGreaterThan(20);
  expect(aws.filter((g) => !g.provider.startsWith(`${provider.urn}::`)).map((g) => g.name)).toEqual([]);
  expect(aws.filter((g) => "region" in g.inputs).map((g) => g.name)).toEqual([]);
  const awsInvokes = r.invokes.filter((i) => i.token.startsWith("aws:"));
  expect(awsInvokes.length).toBeGreaterThanOrEqual(5);
  for (const i of awsInvokes)
    expect({ token: i.token, provider: i.provider.startsWith(`${provider.urn}::`), region: i.args.region }).toEqual({
      token: i.token,
      provider: true,
      region: undefined,
    });
});

test("honoured: the kubeconfig names the given profile and the provider's region, not the stack's aws:profile", () => {
  const exec = JSON.parse(reveal(runs.honoured.stackOutputs.kubeconfig) as string).users[0].user.exec;
  const flag = (f: string) => exec.args[exec.args.indexOf(f) + 1];
  expect([flag("--profile"), flag("--region")]).toEqual(["deployer", PROVIDER_REGION]);
  expect(exec.args).not.toContain("default-providers-profile");
});

test("no kubeconfig principal with an explicit provider: refused before any AWS resource is registered", () => {
  const r = runs.noPrincipal;
  expect(r.exitCode).not.toBe(0);
  expect(r.errors.join("\n")).toMatch(/EksCluster "c1": invalid arguments/);
  expect(r.errors.join("\n")).toMatch(/kubeconfigProfile: is required with an explicit AWS provider/);
  expect(r.registrations.filter((g) => g.type.startsWith("aws:") || g.type === "globalmesh:index:EksCluster")).toEqual(
    [],
  );
});

test("a region that is not the provider's fails the run naming both, without a stack", () => {
  const r = runs.wrongRegion;
  expect(r.exitCode).not.toBe(0);
  expect(r.errors.join("\n")).toContain(
    'EksCluster "c1": region is "eu-central-1", but the AWS provider in opts creates resources in "eu-west-1"; set region: "eu-west-1"',
  );
  expect(r.errors.join("\n")).not.toMatch(/\n\s+at /);
});
