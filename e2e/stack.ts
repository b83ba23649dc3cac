import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Workspace } from "./clusters";
import { run } from "./exec";
import { CLUSTERS } from "./network";
import { E2eOutputs, parseStackOutputs } from "./outputs";

/**
 * The e2e program's stack, on a local backend in the run's workspace. No `pulumi login`: PULUMI_BACKEND_URL in each
 * command's environment selects the backend, so the maintainer's own login (~/.pulumi/credentials.json) stays as it is.
 */

/** The Pulumi program's directory. */
export const PROGRAM_DIR = __dirname;
export const STACK = "e2e";
/** The stack's config file, which `pulumi stack init` writes next to Pulumi.yaml and `pulumi stack rm` removes. */
export const STACK_CONFIG_FILE = join(PROGRAM_DIR, `Pulumi.${STACK}.yaml`);
/**
 * Encrypts the throwaway stack's secrets (the kind kubeconfigs, the CA keys MeshTrust generates) in its temporary
 * backend. Not a secret itself: the stack and its clusters live only as long as the run (or `--keep`).
 */
export const PASSPHRASE = "globalmesh-e2e";

export function pulumiEnv(ws: Workspace): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${join(ws.dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  // One passphrase source, ours.
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  return env;
}

interface PulumiOptions {
  stream?: boolean;
  allowFail?: boolean;
  /** Positional arguments, after `--` (a value that may start with `-`). */
  values?: string[];
  /** What to echo for `values` (they may be credentials). */
  displayValues?: string;
}

const pulumi = (ws: Workspace, args: string[], opts: PulumiOptions = {}) => {
  const flags = [...args, "--stack", STACK, "--non-interactive"];
  const values = opts.values ? ["--", ...opts.values] : [];
  return run("pulumi", [...flags, ...values], {
    stream: opts.stream,
    allowFail: opts.allowFail,
    cwd: PROGRAM_DIR,
    env: pulumiEnv(ws),
    display: opts.displayValues === undefined ? undefined : `${flags.join(" ")} -- ${opts.displayValues}`,
    timeoutMs: 45 * 60_000,
  });
};

/** Creates the stack and sets each cluster's kubeconfig (secret) from the file kind wrote. */
export function createStack(ws: Workspace) {
  mkdirSync(join(ws.dir, "state"), { recursive: true });
  run("pulumi", ["stack", "init", STACK, "--non-interactive"], { cwd: PROGRAM_DIR, env: pulumiEnv(ws) });
  for (const c of CLUSTERS) {
    const key = `${c.meshName}Kubeconfig`;
    const text = readFileSync(ws.kubeconfig[c.meshName], "utf8");
    // On the command line (`config set` reads only one line from a pipe): a throwaway kind cluster's credentials,
    // never echoed here.
    pulumi(ws, ["config", "set", "--secret"], { values: [key, text], displayValues: `${key} <kubeconfig text>` });
  }
}

export function up(ws: Workspace) {
  pulumi(ws, ["up", "--yes"], { stream: true });
}

export function outputs(ws: Workspace): E2eOutputs {
  return parseStackOutputs(pulumi(ws, ["stack", "output", "--json", "--show-secrets"]).stdout);
}

/** Removes the stack (its resources went with the clusters) and its config file. */
export function removeStack(ws: Workspace) {
  if (!existsSync(join(ws.dir, "state"))) return;
  pulumi(ws, ["stack", "rm", "--force", "--yes"], { allowFail: true });
}

/** How to reach a kept stack from a shell. */
export const shellEnv = (ws: Workspace) =>
  `PULUMI_BACKEND_URL=${pulumiEnv(ws).PULUMI_BACKEND_URL} PULUMI_CONFIG_PASSPHRASE=${PASSPHRASE}`;
