import { parseArgs } from "node:util";
import { SpecError } from "../mesh";
import { check } from "./check";
import { diff } from "./diff";
import { graph } from "./graph";
import { usage } from "./inputs";
import { Io, processIo } from "./io";
import { render } from "./render";

const HELP = `globalmesh — Global Namespaces on open-source Istio

Usage:
  globalmesh render --spec <gns.yaml> [--spec <other-gns.yaml> ...] [--manifests <cluster>=<file-or-dir> ...]
                    --out <dir>
      Write <dir>/<cluster>.yaml for every member cluster and print a summary. Several --spec: each cluster's file
      holds the objects of every GlobalNamespace it is a member of, in spec order; two GlobalNamespaces may not
      claim the same host or virtual IP (exit 2, nothing written).
  globalmesh check --spec <gns.yaml> [--spec ...] [--manifests <cluster>=<file-or-dir> ...]
                   [--existing <cluster>=<file-or-dir> ...]
      Validate the specs (and discovery from the manifests), print the summary and audit the objects: any path wider
      than a spec declares (exportTo "*", a wildcard principal, an ALLOW rule without "from", a gateway server or a
      tunnel without an identity check) is a finding. --existing: YAML of the objects already in a cluster (e.g.
      kubectl get -o yaml); the ones globalmesh manages (app.kubernetes.io/managed-by: globalmesh) get the same
      audit, for edits made after rendering; an object of the same kind and name that this GlobalNamespace does not
      own, or a namespace-wide PeerAuthentication not ours where we write one, is a finding. Findings exit 2. Writes
      nothing.
  globalmesh diff <old-gns.yaml> <new-gns.yaml> [--manifests <cluster>=<file-or-dir> ...]
                  [--old-manifests <cluster>=<file-or-dir> ...] [--new-manifests <cluster>=<file-or-dir> ...]
      Explain what the change does: mtls, defaultDeny and access policies in words, per service (moves, ports,
      virtual IPs), then per cluster the objects added, removed and changed, field by field. --manifests feed both
      sides; --old-/--new-manifests replace a cluster's manifests on one side. Exits 0 when nothing changes, 1 when
      something does.
  globalmesh graph --spec <gns.yaml> [--spec ...] [--manifests <cluster>=<file-or-dir> ...]
                   --out <file.svg|file.dot|file.mmd>
      Draw the topology: clusters, their services, the gateway paths between them, and the calls the manifests show.
      Several --spec: one drawing per GlobalNamespace, <file>.<GlobalNamespace>.svg (or .dot, .mmd).

Exit codes: 0 success (diff: no changes), 1 diff found changes, 2 invalid input or check findings (nothing written),
3 internal error.
`;

/** Exit code of a failure that is not the input's fault; distinct from diff's "changes" (1). */
export const EXIT_INTERNAL = 3;

const many = { type: "string", multiple: true } as const;
const one = { type: "string" } as const;

/** Runs one command. Returns the exit code; never calls process.exit, so tests can run it in-process. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case "render": {
        const { values } = parseArgs({ args, options: { spec: many, manifests: many, out: one }, strict: true });
        return render(
          {
            specs: requiredList(values.spec, "render", "--spec <gns.yaml>"),
            manifests: values.manifests ?? [],
            out: required(values.out, "render", "--out <dir>"),
          },
          io,
        );
      }
      case "check": {
        const { values } = parseArgs({ args, options: { spec: many, manifests: many, existing: many }, strict: true });
        return check(
          {
            specs: requiredList(values.spec, "check", "--spec <gns.yaml>"),
            manifests: values.manifests ?? [],
            existing: values.existing ?? [],
          },
          io,
        );
      }
      case "diff": {
        const { values, positionals } = parseArgs({
          args,
          options: { manifests: many, "old-manifests": many, "new-manifests": many },
          allowPositionals: true,
          strict: true,
        });
        if (positionals.length !== 2)
          throw usage("diff needs two spec files: globalmesh diff <old-gns.yaml> <new-gns.yaml>");
        const [oldSpec, newSpec] = positionals;
        return diff(
          {
            oldSpec,
            newSpec,
            manifests: values.manifests ?? [],
            oldManifests: values["old-manifests"] ?? [],
            newManifests: values["new-manifests"] ?? [],
          },
          io,
        );
      }
      case "graph": {
        const { values } = parseArgs({ args, options: { spec: many, manifests: many, out: one }, strict: true });
        const out = required(values.out, "graph", "--out <file.svg|file.dot|file.mmd>");
        return await graph(
          { specs: requiredList(values.spec, "graph", "--spec <gns.yaml>"), manifests: values.manifests ?? [], out },
          io,
        );
      }
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw usage(`unknown command "${command}"; run globalmesh --help`);
    }
  } catch (e) {
    if (e instanceof SpecError) {
      io.stderr(e.message + "\n");
      return 2;
    }
    if (isArgumentError(e)) {
      io.stderr(`usage: ${e.message}\n`);
      return 2;
    }
    io.stderr(internalErrorText(e));
    return EXIT_INTERNAL;
  }
}

/** What an internal error prints: with the stack, as it is a bug to report. */
function internalErrorText(e: unknown): string {
  return `globalmesh: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`;
}

function required(value: string | undefined, command: string, flag: string): string {
  if (!value) throw usage(`${command} needs ${flag}`);
  return value;
}

/** A flag given one or more times; an empty value counts as missing. */
function requiredList(values: string[] | undefined, command: string, flag: string): string[] {
  if (!values || values.length === 0 || values.some((v) => !v)) throw usage(`${command} needs ${flag}`);
  return values;
}

/** node:util parseArgs rejects unknown or malformed options with these codes (checked by shape: Node's own realm). */
function isArgumentError(e: unknown): e is Error {
  return (
    typeof e === "object" && e !== null && String((e as NodeJS.ErrnoException).code ?? "").startsWith("ERR_PARSE_ARGS")
  );
}

/** Entry point of the `globalmesh` bin. */
export function run(): void {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    // main turns every error into an exit code, so a rejection means reporting failed (stderr throwing, say): an
    // internal error too. The exit code is set first, and a second failing write must not turn it into Node's 1.
    (e: unknown) => {
      process.exitCode = EXIT_INTERNAL;
      try {
        process.stderr.write(internalErrorText(e));
      } catch {
        // Nothing left to report it on; the exit code says it.
      }
    },
  );
}
