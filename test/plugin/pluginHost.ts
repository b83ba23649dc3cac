/**
 * The plugin under the real nodejs plugin host: `node @pulumi/pulumi/cmd/run-plugin <plugin dir>`, what
 * pulumi-language-nodejs RunPlugin starts, in the consuming program's directory (here an empty temporary one: no
 * tsconfig.json, as for a YAML program). It loads plugin/index.ts through ts-node, resolves `globalmesh` to the built
 * library (sdk/dist), derives the provider from package.json and serves the components over gRPC; callers ask it for
 * its plugin info and schema, as `pulumi package add` and the engine do.
 */
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PackageSchema, PLUGIN_DIR, ROOT } from "./pluginSchema";

// The gRPC stubs, grpc-js and protobuf exactly as the plugin host uses them.
const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (m: string) => require.resolve(m, { paths: [pulumiDir] });
/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require(fromPulumi("@grpc/grpc-js"));
const provrpc = require(join(pulumiDir, "proto", "provider_grpc_pb.js"));
const provproto = require(join(pulumiDir, "proto", "provider_pb.js"));
const emptyproto = require(fromPulumi("google-protobuf/google/protobuf/empty_pb.js"));
/* eslint-enable @typescript-eslint/no-require-imports */

type Unary = (req: unknown, callback: (err: Error | null, resp: unknown) => void) => void;

export interface PluginHost {
  /** Milliseconds from spawn to serving. */
  startMs: number;
  pluginVersion(): Promise<string>;
  /** GetSchema: the plugin process runs ComponentProvider.getSchema() (the analyzer) on first call. */
  schema(): Promise<PackageSchema>;
  stop(): Promise<void>;
}

export async function startPluginHost(): Promise<PluginHost> {
  // The plugin runs the built library: `npm ci`/`npm install` at the root build it (the root `prepare` script).
  const missing = ["index.js", "eks.js", "aks.js"].filter((f) => !existsSync(join(ROOT, "sdk", "dist", f)));
  if (missing.length > 0)
    throw new Error(`sdk/dist lacks ${missing.join(", ")}: build the library (npm run build) first`);

  const cwd = mkdtempSync(join(tmpdir(), "globalmesh-consumer-"));
  const t0 = Date.now();
  const child: ChildProcess = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-plugin"), PLUGIN_DIR], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(cwd, { recursive: true, force: true });
  };
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let stdout = "";
      child.stdout!.on("data", (d) => {
        stdout += d;
        const m = /^(\d+)\s*$/m.exec(stdout);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`run-plugin exited with ${code} before serving:\n${stderr}`)));
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const startMs = Date.now() - t0;
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as {
    getSchema: Unary;
    getPluginInfo: Unary;
    close(): void;
  };
  const call = <T>(method: "getSchema" | "getPluginInfo", req: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method](req, (err, resp) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(resp as T))),
    );
  return {
    startMs,
    pluginVersion: async () =>
      (await call<{ getVersion(): string }>("getPluginInfo", new emptyproto.Empty())).getVersion(),
    schema: async () =>
      JSON.parse((await call<{ getSchema(): string }>("getSchema", new provproto.GetSchemaRequest())).getSchema()),
    stop: async () => {
      client.close();
      await stop();
    },
  };
}
