import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { parse } from "yaml";
import { EngineHandlers, InvokeRecord, LogRecord, ReadRecord, Registration, StandInEngine } from "./standInEngine";
import { PropertyMap } from "./wire";

/**
 * Runs a Pulumi TypeScript program the way `pulumi preview` / `pulumi up` start it: @pulumi/pulumi's program runner
 * (`cmd/run`, which loads TypeScript through its vendored ts-node) in a child `node`, with the command line and
 * environment the CLI's nodejs language host gives it, against a StandInEngine in this process.
 *
 * What the language host (pulumi-language-nodejs) passes, and where 3.248's runner reads it:
 *   argv  --monitor / --engine   gRPC addresses of the resource monitor and the engine (here both the stand-in).
 *         --organization --project --root-directory --stack --parallel [--dry-run]
 *                                 cmd/run/index.js copies these and --monitor/--engine into PULUMI_NODEJS_ORGANIZATION,
 *                                 _PROJECT, _ROOT_DIRECTORY, _STACK, _PARALLEL, _DRY_RUN, _MONITOR, _ENGINE, which
 *                                 runtime/state.js reads. The host does not set those variables itself, so neither do
 *                                 we: a broken flag must show.
 *         --pwd                   run.js chdirs there first (so ./tsconfig.json is the program's).
 *         (--sync, the old synchronous-invoke pipes the host also passes, is dead in 3.248: nothing calls
 *         tryGetSyncInvokes. --tracing only with PULUMI_EXPERIMENTAL.)
 *         <entry point>           Pulumi.yaml `main`, or "." (then package.json `main`/`exports`, then index).
 *   env   PULUMI_CONFIG           JSON object of the stack config. The host writes keys as `<namespace>:config:<key>`
 *                                 (old format, kept for old SDKs); runtime/config.js cleanKey turns them into
 *                                 `<namespace>:<key>`.
 *         PULUMI_CONFIG_SECRET_KEYS  JSON array of the secret keys, `<namespace>:<key>` (runtime/config.js isConfigSecret).
 *         PULUMI_NODEJS_TYPESCRIPT=true   runtime option `typescript` (default true): cmd/run/run.js registers ts-node.
 *         PULUMI_NODEJS_TSCONFIG_PATH     runtime option `tsconfig`, when set; else run.js uses ./tsconfig.json of
 *                                 the program directory if present.
 *         PULUMI_NODEJS_TRANSPILE_ONLY    not set by the host: a user's variable. run.js: "true" → ts-node
 *                                 transpile-only; unset → the tsconfig's `noCheck`; else ts-node type-checks.
 *         everything else of the caller's environment (the host passes os.Environ()); inherited PULUMI_* variables are
 *         dropped here so a developer's shell cannot change a test.
 *   node  runtime option `nodeargs` goes before the runner path.
 * Before the program runs, the CLI applies Pulumi.yaml's `config` block to the stack config (defaults, missing
 * values, `secret: true`, types); `projectConfig` below does the same, with the CLI's messages.
 */

export interface RunProgramOptions {
  /** Directory of the program's Pulumi.yaml. */
  dir: string;
  /** `pulumi preview` (true) or `pulumi up` (false). */
  preview: boolean;
  /**
   * Stack config, as `pulumi config set` would hold it. A key without a namespace belongs to the project
   * (`cluster1Ingress` → `<project>:cluster1Ingress`); `aws:region` stays as it is. Non-strings are stored as JSON.
   */
  config?: Record<string, unknown>;
  /** Keys (same forms as in `config`) set with `--secret`. */
  secretKeys?: string[];
  /** Stack name; default "dev". */
  stack?: string;
  /** Extra environment for the program. */
  env?: Record<string, string | undefined>;
  /** Default 120 s. */
  timeoutMs?: number;
  /** `--parallel`; default 4. */
  parallel?: number;
  /** `--organization`; default "organization" (what the DIY backend reports). */
  organization?: string;
  /** Per-test engine answers (outputs, invokes, reads). */
  handlers?: EngineHandlers;
  /** Overrides of the engine's SupportsFeature answers. */
  features?: Record<string, boolean>;
}

export interface RunResult {
  /** The runner's exit code: 0 success; 32 = it already reported the error through the engine's Log. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  project: string;
  stack: string;
  preview: boolean;
  registrations: Registration[];
  reads: ReadRecord[];
  invokes: InvokeRecord[];
  logs: LogRecord[];
  /** Error-severity log messages, then every call the engine refused (`Invoke: …`), then a bare non-zero exit. */
  errors: string[];
  /** The stack's outputs (its exports), from the root stack resource's RegisterResourceOutputs; readable form. */
  stackOutputs: PropertyMap;
  /** Features the SDK asked about, with the engine's answers. */
  featuresAsked: Record<string, boolean>;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The command line, for messages. */
  command: string[];
}

interface ProjectFile {
  name: string;
  main?: string;
  runtime: string | { name: string; options?: { typescript?: boolean; tsconfig?: string; nodeargs?: string } };
  config?: Record<string, unknown>;
}

/** Reads `<dir>/Pulumi.yaml`. */
export function readProject(dir: string): ProjectFile {
  const file = join(dir, "Pulumi.yaml");
  const project = parse(readFileSync(file, "utf8")) as ProjectFile;
  if (!project?.name) throw new Error(`${file}: no project name`);
  const runtime = typeof project.runtime === "string" ? project.runtime : project.runtime?.name;
  if (runtime !== "nodejs") throw new Error(`${file}: runtime ${String(runtime)}, not nodejs`);
  return project;
}

/** A config key in `<namespace>:<key>` form. */
export const fullKey = (project: string, key: string) => (key.includes(":") ? key : `${project}:${key}`);

/**
 * The stack config after the CLI applies the project's `config` block (pulumi's workspace.mergeConfig /
 * validateStackConfigValue): defaults and values fill unset keys, a project key with neither must be set, a
 * `secret: true` key must be set as a secret, typed keys must have their type. Throws the CLI's message.
 */
export function projectConfig(
  project: ProjectFile,
  stack: string,
  config: Record<string, string>,
  secretKeys: Set<string>,
): Record<string, string> {
  const out = { ...config };
  const missing: string[] = [];
  for (const key of Object.keys(project.config ?? {}).sort()) {
    const raw = project.config![key];
    const spec = (raw && typeof raw === "object" && !Array.isArray(raw) ? raw : { value: raw }) as {
      type?: string;
      default?: unknown;
      value?: unknown;
      secret?: boolean;
    };
    const k = fullKey(project.name, key);
    if (!(k in out)) {
      const fallback = spec.default ?? spec.value;
      if (fallback === undefined) {
        if (k.startsWith(`${project.name}:`)) missing.push(key);
        continue;
      }
      out[k] =
        typeof fallback === "string"
          ? fallback
          : typeof fallback === "object"
            ? JSON.stringify(fallback)
            : String(fallback);
    }
    if (spec.type === undefined) continue;
    if (spec.secret && !secretKeys.has(k))
      throw new Error(`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`);
    if (!hasType(spec.type, out[k]))
      throw new Error(`Stack '${stack}' with configuration key '${key}' must be of type '${spec.type}'`);
  }
  if (missing.length === 1) throw new Error(`Stack '${stack}' is missing configuration value '${missing[0]}'`);
  if (missing.length > 1) {
    const quoted = missing.map((m) => `'${m}'`);
    throw new Error(
      `Stack '${stack}' is missing configuration values ${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`,
    );
  }
  return out;
}

function hasType(type: string, value: string): boolean {
  switch (type) {
    case "string":
      return true;
    case "integer":
      return /^-?\d+$/.test(value);
    case "boolean":
      return value === "true" || value === "false";
    case "array":
      try {
        return Array.isArray(JSON.parse(value));
      } catch {
        return false;
      }
    default:
      return true;
  }
}

/** Runs the program; always stops the engine. Rejects only when the run itself cannot happen or times out. */
export async function runProgram(options: RunProgramOptions): Promise<RunResult> {
  const dir = resolve(options.dir);
  const project = readProject(dir);
  const stack = options.stack ?? "dev";
  const runtimeOptions = typeof project.runtime === "object" ? (project.runtime.options ?? {}) : {};

  const secretKeys = new Set((options.secretKeys ?? []).map((k) => fullKey(project.name, k)));
  const given = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([k, v]) => [
      fullKey(project.name, k),
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  );
  for (const k of secretKeys) if (!(k in given)) throw new Error(`runProgram: secret key ${k} has no value in config`);
  const config = projectConfig(project, stack, given, secretKeys);

  // The program directory and entry point: `main` names a file (run from the project directory) or a directory.
  let pwd = dir;
  let entry = ".";
  if (project.main) {
    const main = join(dir, project.main);
    if (existsSync(main) && statSync(main).isDirectory()) pwd = main;
    else entry = project.main;
  }
  // The host resolves the runner from the program directory, as `require.resolve` would there.
  const runner = require.resolve("@pulumi/pulumi/cmd/run", { paths: [pwd] });

  const engine = new StandInEngine({
    project: project.name,
    stack,
    preview: options.preview,
    config,
    features: options.features,
    handlers: options.handlers,
  });
  const address = await engine.start();
  const started = Date.now();
  try {
    const args = [
      ...(runtimeOptions.nodeargs ? runtimeOptions.nodeargs.split(/\s+/).filter(Boolean) : []),
      runner,
      `--monitor=${address}`,
      `--engine=${address}`,
      `--organization=${options.organization ?? "organization"}`,
      `--project=${project.name}`,
      `--root-directory=${dir}`,
      `--stack=${stack}`,
      `--pwd=${pwd}`,
      ...(options.preview ? ["--dry-run"] : []),
      `--parallel=${options.parallel ?? 4}`,
      entry,
    ];
    const env: Record<string, string | undefined> = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")),
    );
    // The language host's format: `<namespace>:config:<key>`.
    env.PULUMI_CONFIG = JSON.stringify(
      Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/:/, ":config:"), v])),
    );
    env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify([...secretKeys]);
    if (runtimeOptions.typescript ?? true) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (runtimeOptions.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = runtimeOptions.tsconfig;
    Object.assign(env, options.env);

    const child = spawn(process.execPath, args, { cwd: pwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timeoutMs = options.timeoutMs ?? 120_000;
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        fail(
          new Error(
            `runProgram: ${dir} (${options.preview ? "preview" : "up"}) did not finish within ${timeoutMs / 1000} s; ` +
              `${engine.registrations.length} registrations so far; last messages:\n` +
              engine.logs
                .slice(-5)
                .map((l) => `  ${l.severity}: ${stripVTControlCharacters(l.message).slice(0, 300)}`)
                .join("\n") +
              `\nstderr:\n${stderr.slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      child.on("error", (e) => {
        clearTimeout(timer);
        fail(e);
      });
      child.on("close", (c, s) => {
        clearTimeout(timer);
        done({ code: c, signal: s });
      });
    });

    // The runner colours stack traces (util.inspect with colors) even without a terminal: plain text here.
    const errors = [
      ...engine.logs.filter((l) => l.severity === "error").map((l) => stripVTControlCharacters(l.message)),
      ...engine.failures.map((f) => `${f.method}: ${f.message}`),
    ];
    if (code !== 0 && errors.length === 0)
      errors.push(`program exited with code ${code ?? signal}; stderr:\n${stderr.slice(-2000)}`);
    return {
      exitCode: code,
      signal,
      project: project.name,
      stack,
      preview: options.preview,
      registrations: engine.registrations,
      reads: engine.reads,
      invokes: engine.invokes,
      logs: engine.logs,
      errors,
      stackOutputs: engine.stackOutputs,
      featuresAsked: Object.fromEntries(engine.featuresAsked),
      stdout,
      stderr,
      durationMs: Date.now() - started,
      command: [process.execPath, ...args],
    };
  } finally {
    await engine.stop();
  }
}
