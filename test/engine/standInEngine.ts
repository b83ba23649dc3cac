import type * as grpcTypes from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as engineTypes from "@pulumi/pulumi/proto/engine_pb";
import type * as resourceTypes from "@pulumi/pulumi/proto/resource_pb";
import type * as providerTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as resourceGrpcTypes from "@pulumi/pulumi/proto/resource_grpc_pb";
import type * as engineGrpcTypes from "@pulumi/pulumi/proto/engine_grpc_pb";
import { createRequire } from "node:module";
import {
  AddressPool,
  checkDefaults,
  computedOutputs,
  defaultInvoke,
  defaultRead,
  InvokeContext,
  ReadContext,
  ResourceContext,
} from "./cloud";
import { decodeMap, encode, PropertyMap, Secret, UNKNOWN, UNKNOWN_WIRE } from "./wire";

/**
 * A stand-in for the Pulumi engine: a gRPC server on 127.0.0.1 serving `pulumirpc.ResourceMonitor` and
 * `pulumirpc.Engine` from the stubs @pulumi/pulumi ships, that answers a program the way `pulumi preview` /
 * `pulumi up` would (with the defaults in ./cloud for what providers compute) and records everything the program
 * registers, reads, invokes and logs.
 */

// The gRPC library, stubs and protobuf runtime @pulumi/pulumi itself loads: one copy, the same wire code.
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc: typeof grpcTypes = pulumiRequire("@grpc/grpc-js");
const resproto: typeof resourceTypes = pulumiRequire("./proto/resource_pb.js");
const engproto: typeof engineTypes = pulumiRequire("./proto/engine_pb.js");
const provproto: typeof providerTypes = pulumiRequire("./proto/provider_pb.js");
const resourceGrpc: typeof resourceGrpcTypes = pulumiRequire("./proto/resource_grpc_pb.js");
const engineGrpc: typeof engineGrpcTypes = pulumiRequire("./proto/engine_grpc_pb.js");
const gstruct: typeof structTypes = pulumiRequire("google-protobuf/google/protobuf/struct_pb.js");
const gempty: typeof emptyTypes = pulumiRequire("google-protobuf/google/protobuf/empty_pb.js");

/**
 * What the engine tells the SDK it supports. The SDK (3.248) asks for exactly these eleven at startup
 * (runtime/settings.js awaitFeatureSupport). Answers change the wire format and what the SDK allows:
 * - secrets: secret values arrive wrapped (`Secret` when recorded) instead of in plain text.
 * - resourceReferences: resources passed as inputs arrive as references (`ResourceRef`) instead of IDs/URNs.
 * - outputValues: Outputs inside the inputs of *remote* components (e.g. kubernetes:yaml/v2:ConfigGroup) arrive as
 *   output values with their dependencies; plain resources are unaffected.
 * - aliasSpecs: aliases arrive as specs (name/type/parent…) instead of URNs the SDK computed.
 * - deletedWith / replaceWith: the options are sent (false makes the SDK throw when a program uses them).
 * - parameterization: parameterized packages call RegisterPackage (answered with a ref).
 * - transforms / invokeTransforms / resourceHooks / errorHooks: false, because honouring them means calling back
 *   into the program's callback server, which this stand-in does not do; with false the SDK refuses programs that use
 *   them ("The Pulumi CLI does not support transforms") instead of the engine silently ignoring them.
 * Pulumi's own engine (a current CLI) supports all eleven.
 */
export const DEFAULT_FEATURES: Record<string, boolean> = {
  secrets: true,
  resourceReferences: true,
  outputValues: true,
  deletedWith: true,
  replaceWith: true,
  aliasSpecs: true,
  parameterization: true,
  transforms: false,
  invokeTransforms: false,
  resourceHooks: false,
  errorHooks: false,
};

export interface AliasRecord {
  urn?: string;
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  parentUrn?: string;
  noParent?: boolean;
}

/** One RegisterResource call, and what the engine answered. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** A multi-language component (the engine would have its provider Construct it; the stand-in does not). */
  remote: boolean;
  /** Parent URN ("" for the stack itself). */
  parent: string;
  /** Explicit provider reference `<provider urn>::<id>` ("" = default provider). In a preview the id is `UNKNOWN_WIRE`. */
  provider: string;
  /** Per-package providers (`providers` option of components). */
  providers: Record<string, string>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  deleteBeforeReplace: boolean;
  deleteBeforeReplaceDefined: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  hideDiffs: string[];
  additionalSecretOutputs: string[];
  aliases: AliasRecord[];
  protect?: boolean;
  retainOnDelete?: boolean;
  deletedWith: string;
  replaceWith: string[];
  importId: string;
  version: string;
  pluginDownloadURL: string;
  customTimeouts?: { create: string; update: string; delete: string; read: string };
  /** Inputs in readable form (Secret / UNKNOWN / ResourceRef markers; see ./wire). */
  inputs: PropertyMap;
  /** Inputs exactly as they arrived (wire form). */
  rawInputs: PropertyMap;
  /** The ID the engine answered: "" (unknown) for a preview create, `<name>-id` in an update, undefined for components. */
  id?: string;
  /** The outputs the engine answered (readable form). */
  outputs: PropertyMap;
  /** Outputs the program registered later (`registerOutputs`), for components and the stack. */
  registeredOutputs?: PropertyMap;
  /** Where the program made the call, `file:line`, when the SDK says. */
  source?: string;
}

/** One ReadResource call (`Resource.get`). */
export interface ReadRecord {
  type: string;
  name: string;
  urn: string;
  /** The requested ID, or UNKNOWN when the program passed one that is not known yet (preview). */
  id: string | typeof UNKNOWN;
  parent: string;
  provider: string;
  dependencies: string[];
  inputs: PropertyMap;
  /** What the engine answered; undefined when it failed. */
  outputs?: PropertyMap;
  error?: string;
  source?: string;
}

/** One Invoke call (a provider function such as getAvailabilityZones). */
export interface InvokeRecord {
  token: string;
  /** Arguments as sent (the SDK strips secret markers from invoke arguments before sending). */
  args: PropertyMap;
  provider: string;
  result?: PropertyMap;
  error?: string;
  source?: string;
}

export type LogSeverity = "debug" | "info" | "warning" | "error";

export interface LogRecord {
  severity: LogSeverity;
  message: string;
  /** The resource the message is about, or "". */
  urn: string;
  ephemeral: boolean;
  /** Milliseconds since the engine started. */
  atMs: number;
}

/** A call the engine refused: each one reached the program as an error. */
export interface EngineFailure {
  method: string;
  message: string;
}

/** Per-test answers. Return undefined to fall back to the defaults; throw to make the call fail. */
export interface EngineHandlers {
  /** Provider-computed outputs of a create in `pulumi up` (merged over the inputs). */
  outputs?: (ctx: ResourceContext) => PropertyMap | undefined;
  /** Results of function invokes. */
  invoke?: (ctx: InvokeContext) => PropertyMap | undefined;
  /** The state a read returns. */
  read?: (ctx: ReadContext) => PropertyMap | undefined;
}

export interface StandInEngineOptions {
  project: string;
  stack: string;
  /** `pulumi preview` (true) or `pulumi up` (false). */
  preview: boolean;
  /** Stack config as `<namespace>:<key>` → value; the defaults read `aws:region` and `azure-native:location`. */
  config?: Record<string, string>;
  /** Overrides of the SupportsFeature answers. */
  features?: Record<string, boolean>;
  handlers?: EngineHandlers;
}

type Callback<R> = (err: grpcTypes.ServiceError | null, resp?: R) => void;

const SEVERITIES: LogSeverity[] = ["debug", "info", "warning", "error"];
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

function sourceOf(req: {
  hasSourceposition(): boolean;
  getSourceposition(): { getUri(): string; getLine(): number } | undefined;
}): string | undefined {
  if (!req.hasSourceposition()) return undefined;
  const p = req.getSourceposition()!;
  return `${p.getUri().replace(/^file:\/\//, "")}:${p.getLine()}`;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class StandInEngine {
  readonly registrations: Registration[] = [];
  readonly reads: ReadRecord[] = [];
  readonly invokes: InvokeRecord[] = [];
  readonly logs: LogRecord[] = [];
  readonly failures: EngineFailure[] = [];
  /** Features the SDK asked about, with the answer given. */
  readonly featuresAsked = new Map<string, boolean>();
  /** Other calls the SDK made (RegisterPackage, RequirePulumiVersion, StartDebugging…), by method name. */
  readonly otherCalls: { method: string; detail: unknown }[] = [];
  rootUrn = "";

  private readonly server: grpcTypes.Server;
  private readonly byUrn = new Map<string, Registration | ReadRecord>();
  private readonly pool = new AddressPool();
  private readonly config: Record<string, string>;
  private readonly features: Record<string, boolean>;
  private port = 0;
  private startedAt = Date.now();

  constructor(private readonly options: StandInEngineOptions) {
    this.config = options.config ?? {};
    this.features = { ...DEFAULT_FEATURES, ...options.features };
    // Pulumi's own limit: helm values and manifests can be large.
    this.server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    const monitor: resourceGrpcTypes.IResourceMonitorServer = {
      getDeploymentInfo: (_call, cb) => {
        const info = new resproto.DeploymentInfo();
        info.setProject(options.project);
        info.setStack(options.stack);
        info.setDryrun(options.preview);
        cb(null, info);
      },
      supportsFeature: (call, cb) => {
        const id = call.request.getId();
        const has = this.features[id] ?? false;
        this.featuresAsked.set(id, has);
        const resp = new resproto.SupportsFeatureResponse();
        resp.setHassupport(has);
        cb(null, resp);
      },
      registerResource: (call, cb) => this.guard("RegisterResource", cb, () => this.registerResource(call.request)),
      registerResourceOutputs: (call, cb) =>
        this.guard("RegisterResourceOutputs", cb, () => this.registerResourceOutputs(call.request)),
      readResource: (call, cb) => this.guard("ReadResource", cb, () => this.readResource(call.request)),
      invoke: (call, cb) => this.guard("Invoke", cb, () => this.invoke(call.request)),
      call: (call, cb) =>
        this.guard("Call", cb, () => {
          // Method calls on multi-language components run in the component's provider; nothing here can run them.
          throw new Error(
            `stand-in engine: Call ${call.request.getTok()} is not supported (no component providers run here)`,
          );
        }),
      registerStackTransform: (_call, cb) => this.refuse("RegisterStackTransform", "transforms", cb),
      registerStackInvokeTransform: (_call, cb) => this.refuse("RegisterStackInvokeTransform", "invokeTransforms", cb),
      registerResourceHook: (_call, cb) => this.refuse("RegisterResourceHook", "resourceHooks", cb),
      registerErrorHook: (_call, cb) => this.refuse("RegisterErrorHook", "errorHooks", cb),
      registerPackage: (call, cb) => {
        const ref = `stand-in-package-${this.otherCalls.length}`;
        this.otherCalls.push({
          method: "RegisterPackage",
          detail: { name: call.request.getName(), version: call.request.getVersion(), ref },
        });
        const resp = new resproto.RegisterPackageResponse();
        resp.setRef(ref);
        cb(null, resp);
      },
      // The SDK calls this from its last beforeExit handler; the real engine then finishes deletes and hooks.
      signalAndWaitForShutdown: (_call, cb) => cb(null, new gempty.Empty()),
    };
    const engine: engineGrpcTypes.IEngineServer = {
      log: (call, cb) => {
        const r = call.request;
        this.logs.push({
          severity: SEVERITIES[r.getSeverity()] ?? "info",
          message: r.getMessage(),
          urn: r.getUrn(),
          ephemeral: r.getEphemeral(),
          atMs: Date.now() - this.startedAt,
        });
        cb(null, new gempty.Empty());
      },
      getRootResource: (_call, cb) => {
        const resp = new engproto.GetRootResourceResponse();
        resp.setUrn(this.rootUrn);
        cb(null, resp);
      },
      setRootResource: (call, cb) => {
        this.rootUrn = call.request.getUrn();
        cb(null, new engproto.SetRootResourceResponse());
      },
      requirePulumiVersion: (call, cb) => {
        this.otherCalls.push({ method: "RequirePulumiVersion", detail: call.request.getPulumiVersionRange() });
        cb(null, new engproto.RequirePulumiVersionResponse());
      },
      startDebugging: (call, cb) => {
        this.otherCalls.push({ method: "StartDebugging", detail: call.request.getMessage() });
        cb(null, new gempty.Empty());
      },
    };
    this.server.addService(resourceGrpc.ResourceMonitorService, monitor);
    this.server.addService(engineGrpc.EngineService, engine);
  }

  /** Listens on 127.0.0.1 on a free port; resolves to `127.0.0.1:<port>`. */
  async start(): Promise<string> {
    this.startedAt = Date.now();
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    return this.address;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Stops serving; in-flight calls get a moment, then the server is closed regardless. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 2000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The outputs the stack registered (its `export`s), readable form. */
  get stackOutputs(): PropertyMap {
    const stack =
      this.registrations.find((r) => r.urn === this.rootUrn) ??
      this.registrations.find((r) => r.type === ROOT_STACK_TYPE);
    return stack?.registeredOutputs ?? {};
  }

  /** URN as the engine builds it: the parent's type chain (without the stack's) joined with `$`. */
  urnFor(type: string, name: string, parent: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${this.options.stack}::${this.options.project}::${qualified}::${name}`;
  }

  /** Runs one RPC; a thrown error is recorded and returned to the SDK as a gRPC error (the program sees it). */
  private guard<R>(method: string, cb: Callback<R>, fn: () => R): void {
    try {
      cb(null, fn());
    } catch (e) {
      const message = messageOf(e);
      this.failures.push({ method, message });
      cb({
        code: grpc.status.UNKNOWN,
        details: message,
        message,
        name: "Error",
        metadata: new grpc.Metadata(),
      });
    }
  }

  private refuse(method: string, feature: string, cb: Callback<emptyTypes.Empty>): void {
    this.guard(method, cb, () => {
      throw new Error(`stand-in engine: ${method} needs the "${feature}" feature, which it does not support`);
    });
  }

  private claimUrn(urn: string, entry: Registration | ReadRecord): void {
    // The engine's own check: two resources with one URN are an error, not a silent overwrite.
    if (this.byUrn.has(urn)) throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    this.byUrn.set(urn, entry);
  }

  private registerResource(req: resourceTypes.RegisterResourceRequest): resourceTypes.RegisterResourceResponse {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent();
    const custom = req.getCustom();
    const remote = req.getRemote();
    const urn = this.urnFor(type, name, parent);
    const rawInputs = (req.getObject()?.toJavaScript() ?? {}) as PropertyMap;
    const inputs = decodeMap(rawInputs);
    const { preview } = this.options;
    const config = this.config;
    const timeouts = req.getCustomtimeouts();
    const reg: Registration = {
      type,
      name,
      urn,
      custom,
      remote,
      parent,
      provider: req.getProvider(),
      providers: mapEntries(req.getProvidersMap(), (v) => v),
      dependencies: req.getDependenciesList(),
      propertyDependencies: mapEntries(req.getPropertydependenciesMap(), (v) => v.getUrnsList()),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      deleteBeforeReplaceDefined: req.getDeletebeforereplacedefined(),
      ignoreChanges: req.getIgnorechangesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      hideDiffs: req.getHidediffsList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      aliases: [...req.getAliasesList().map(aliasRecord), ...req.getAliasurnsList().map((u) => ({ urn: u }))],
      protect: req.hasProtect() ? req.getProtect() : undefined,
      retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
      deletedWith: req.getDeletedwith(),
      replaceWith: req.getReplaceWithList(),
      importId: req.getImportid(),
      version: req.getVersion(),
      pluginDownloadURL: req.getPlugindownloadurl(),
      customTimeouts: timeouts
        ? {
            create: timeouts.getCreate(),
            update: timeouts.getUpdate(),
            delete: timeouts.getDelete(),
            read: timeouts.getRead(),
          }
        : undefined,
      inputs,
      rawInputs,
      outputs: {},
      source: sourceOf(req),
    };
    this.claimUrn(urn, reg);
    this.registrations.push(reg);

    const resp = new resproto.RegisterResourceResponse();
    resp.setUrn(urn);
    if (custom) {
      // Check: provider defaults (auto-names) are known even in a preview.
      const checked = checkDefaults({ type, name, urn, preview, config }, inputs);
      let outputs = checked;
      if (preview) {
        // A create in a preview: the engine answers the checked inputs; what only the cloud knows stays unknown
        // (absent), and so does the ID.
        reg.id = "";
      } else {
        const ctx: ResourceContext = { type, name, urn, inputs: checked, preview, config };
        const computed = this.options.handlers?.outputs?.(ctx) ?? computedOutputs(ctx) ?? {};
        outputs = { ...checked, ...computed };
        reg.id = `${name}-id`;
      }
      for (const key of reg.additionalSecretOutputs)
        if (key in outputs && !(outputs[key] instanceof Secret))
          outputs = { ...outputs, [key]: new Secret(outputs[key]) };
      reg.outputs = outputs;
      resp.setId(reg.id);
      resp.setObject(gstruct.Struct.fromJavaScript(encode(outputs) as Record<string, structTypes.JavaScriptValue>));
    } else if (remote) {
      // A multi-language component: its provider would construct its children and outputs. The stand-in answers the
      // inputs and constructs nothing (the registration is recorded with remote: true).
      reg.outputs = inputs;
      resp.setObject(gstruct.Struct.fromJavaScript(rawInputs as Record<string, structTypes.JavaScriptValue>));
    } else {
      resp.setObject(new gstruct.Struct());
    }
    return resp;
  }

  private registerResourceOutputs(req: resourceTypes.RegisterResourceOutputsRequest): emptyTypes.Empty {
    const urn = req.getUrn();
    const entry = this.registrations.find((r) => r.urn === urn);
    if (!entry) throw new Error(`RegisterResourceOutputs for unregistered resource ${urn}`);
    entry.registeredOutputs = decodeMap(req.getOutputs()?.toJavaScript() ?? {});
    return new gempty.Empty();
  }

  private readResource(req: resourceTypes.ReadResourceRequest): resourceTypes.ReadResourceResponse {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent();
    const urn = this.urnFor(type, name, parent);
    const rawId = req.getId();
    const inputs = decodeMap(req.getProperties()?.toJavaScript() ?? {});
    const read: ReadRecord = {
      type,
      name,
      urn,
      id: rawId === UNKNOWN_WIRE ? UNKNOWN : rawId,
      parent,
      provider: req.getProvider(),
      dependencies: req.getDependenciesList(),
      inputs,
      source: sourceOf(req),
    };
    this.claimUrn(urn, read);
    this.reads.push(read);
    const { preview } = this.options;
    const config = this.config;
    const resp = new resproto.ReadResourceResponse();
    resp.setUrn(urn);
    try {
      let state: PropertyMap;
      if (rawId === UNKNOWN_WIRE) {
        // An ID that is not known yet can only come from a preview; the read is skipped and its outputs stay unknown.
        if (!preview) throw new Error(`read of ${type} ${name} with an unknown ID outside a preview`);
        state = {};
      } else {
        const ctx: ReadContext = { type, name, urn, id: rawId, inputs, preview, config };
        const found = this.options.handlers?.read?.(ctx) ?? defaultRead(ctx, this.pool);
        if (!found)
          throw new Error(`stand-in engine: no state to read for ${type} #${rawId}; answer it with handlers.read`);
        state = found;
      }
      read.outputs = state;
      resp.setProperties(gstruct.Struct.fromJavaScript(encode(state) as Record<string, structTypes.JavaScriptValue>));
      return resp;
    } catch (e) {
      read.error = messageOf(e);
      throw e;
    }
  }

  private invoke(req: resourceTypes.ResourceInvokeRequest): providerTypes.InvokeResponse {
    const token = req.getTok();
    const args = decodeMap(req.getArgs()?.toJavaScript() ?? {});
    const record: InvokeRecord = { token, args, provider: req.getProvider(), source: sourceOf(req) };
    this.invokes.push(record);
    const { preview } = this.options;
    const config = this.config;
    const ctx: InvokeContext = { token, args, provider: record.provider, preview, config };
    try {
      const result = this.options.handlers?.invoke?.(ctx) ?? defaultInvoke(ctx);
      if (!result) throw new Error(`stand-in engine: no answer for invoke ${token}; answer it with handlers.invoke`);
      record.result = result;
      const resp = new provproto.InvokeResponse();
      resp.setReturn(gstruct.Struct.fromJavaScript(encode(result) as Record<string, structTypes.JavaScriptValue>));
      return resp;
    } catch (e) {
      record.error = messageOf(e);
      throw e;
    }
  }
}

function aliasRecord(a: {
  hasUrn(): boolean;
  getUrn(): string;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        hasParenturn(): boolean;
        getParenturn(): string;
        hasNoparent(): boolean;
        getNoparent(): boolean;
      }
    | undefined;
}): AliasRecord {
  if (a.hasUrn()) return { urn: a.getUrn() };
  const s = a.getSpec();
  if (!s) return {};
  const out: AliasRecord = {};
  if (s.getName()) out.name = s.getName();
  if (s.getType()) out.type = s.getType();
  if (s.getStack()) out.stack = s.getStack();
  if (s.getProject()) out.project = s.getProject();
  if (s.hasParenturn()) out.parentUrn = s.getParenturn();
  if (s.hasNoparent()) out.noParent = s.getNoparent();
  return out;
}

function mapEntries<V, R>(m: { forEach(f: (v: V, k: string) => void): void }, f: (v: V) => R): Record<string, R> {
  const out: Record<string, R> = {};
  m.forEach((v, k) => (out[k] = f(v)));
  return out;
}
