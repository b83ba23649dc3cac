import * as pulumi from "@pulumi/pulumi";

/**
 * Runs Pulumi programs against the real SDK with `pulumi.runtime.setMocks`, and records every registration with the
 * details the plain mock API hides: parent, dependencies, deleteBeforeReplace, and the raw (secret-marked) inputs.
 */

/** Marker the Pulumi wire format puts on secret values. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export interface Registration {
  type: string;
  name: string;
  urn: string;
  /** Inputs as the provider would see them (secrets unwrapped, unknowns as undefined). */
  inputs: Record<string, any>;
  /** Inputs in wire form: secrets are `{[sig]: SECRET_SIG, value}` objects. */
  rawInputs: Record<string, any>;
  custom: boolean;
  parent: string;
  /** `urn::id` of the explicit provider, or "" when the default provider is used. */
  provider: string;
  dependencies: string[];
  deleteBeforeReplace: boolean;
  aliases: unknown[];
}

export interface MockOptions {
  /** Run as `pulumi preview` (true) or `pulumi up` (false). */
  preview: boolean;
  /** Extra output state per resource, e.g. computed fields a cloud provider would return. */
  state?: (args: pulumi.runtime.MockResourceArgs) => Record<string, any> | undefined;
  /** Results of invokes (functions such as getAvailabilityZones). */
  call?: (args: pulumi.runtime.MockCallArgs) => Record<string, any>;
  project?: string;
  stack?: string;
}

export class Recorder {
  readonly registrations: Registration[] = [];
  private pending: Promise<unknown>[] = [];

  track(p: Promise<unknown>): void {
    this.pending.push(p);
  }

  /** Waits until every registration made so far (and those they trigger) has been answered. */
  async settled(): Promise<void> {
    let seen = -1;
    while (seen !== this.pending.length) {
      seen = this.pending.length;
      await Promise.allSettled(this.pending);
      await new Promise((r) => setTimeout(r, 0));
    }
  }

  custom(): Registration[] {
    return this.registrations.filter((r) => r.custom);
  }

  ofType(type: string): Registration[] {
    return this.registrations.filter((r) => r.type === type);
  }

  /** The one registration with this name (and type, when given: names repeat across types). */
  byName(name: string, type?: string): Registration {
    const found = this.registrations.filter((r) => r.name === name && (type === undefined || r.type === type));
    if (found.length !== 1)
      throw new Error(
        `expected one registration named ${name}${type ? ` of type ${type}` : ""}, found ${found.length}`,
      );
    return found[0];
  }

  /** Registrations whose parent is `parentUrn`'s resource. */
  childrenOf(parentUrn: string): Registration[] {
    return this.registrations.filter((r) => r.parent === parentUrn);
  }

  /** The one child of `parentUrn` with this type and name. */
  child(parentUrn: string, type: string, name: string): Registration {
    const found = this.childrenOf(parentUrn).filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} ${name} under ${parentUrn}, found ${found.length}`);
    return found[0];
  }
}

/** Installs mocks and the recorder. Call in `beforeAll` (or per run), then create resources. */
export async function installMocks(options: MockOptions): Promise<Recorder> {
  const recorder = new Recorder();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: args.custom ? `${args.name}-id` : undefined,
        state: { ...args.inputs, ...(options.state?.(args) ?? {}) },
      }),
      call: (args) => options.call?.(args) ?? {},
    },
    options.project ?? "globalmesh-test",
    options.stack ?? "test",
    options.preview,
  );
  // The mock monitor answers registrations; wrap it to see the whole request.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings");
  const monitor = settings.getMonitor();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) => {
    const done = new Promise<void>((resolve) => {
      original(req, (err: unknown, resp: any) => {
        if (!err) {
          const raw = req.getObject()?.toJavaScript() ?? {};
          recorder.registrations.push({
            type: req.getType(),
            name: req.getName(),
            urn: resp.getUrn(),
            inputs: unwrapSecrets(raw),
            rawInputs: raw,
            custom: req.getCustom(),
            parent: req.getParent(),
            provider: req.getProvider(),
            dependencies: req.getDependenciesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            aliases: req.getAliasesList().map((a: any) => a.toObject()),
          });
        }
        callback(err, resp);
        resolve();
      });
    });
    recorder.track(done);
  };
  return recorder;
}

/** Resolves an Output's value (for assertions). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** Whether an Output is marked secret. */
export function isSecret(o: pulumi.Output<unknown>): Promise<boolean> {
  return (o as any).isSecret as Promise<boolean>;
}

/** Wire-form value → plain value (secret wrappers removed). */
export function unwrapSecrets(v: any): any {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    if (v[SIG_KEY] === SECRET_SIG) return unwrapSecrets(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

/** The provider reference `urn::id` → the provider's URN. */
export function providerUrn(ref: string): string {
  return ref.split("::").slice(0, -1).join("::");
}
