import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, Stats, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ClusterManifests, IssueList, parseManifests, parseSpecYaml, SpecError, withLocations } from "../mesh";
import { fieldCheck, textGrammar } from "../mesh/checks";
import { Io, MAX_INPUT_BYTES, stdinBytes } from "./io";

/** Reading the CLI's inputs from disk. Everything here throws SpecError (exit code 2) on bad input. */

export interface LoadedSpec {
  value: unknown;
  source: string;
  /** Re-throws a SpecError from later stages with line numbers of this file. */
  explain: (e: SpecError) => SpecError;
}

const USAGE = { source: "usage", subject: "invalid command line" };

/** A mistake on the command line (exit code 2); `path` names the flag or argument. */
export function usage(message: string, path = ""): SpecError {
  return new SpecError([{ path, message }], USAGE.source, USAGE.subject);
}

/** How standard input (`-`) is named in messages. */
export const STDIN_SOURCE = "<stdin>";

/**
 * The largest input file read, in bytes (32 MiB; README and docs/spec.md say so). A GlobalNamespace spec is a few KB
 * and a cluster's manifests rarely pass a few MB; parsing YAML far beyond this takes minutes.
 */
export { MAX_INPUT_BYTES };

/**
 * One input's text: a regular file (symbolic links followed, to a regular file only), or standard input for `-`.
 * Special files (a FIFO, a device such as /dev/null, a socket), a directory, a dangling link, a file over
 * MAX_INPUT_BYTES and text that is not UTF-8 are usage errors (exit 2) naming the input and the fix. `flag` names the
 * input in messages (`--spec`, `--manifests`, `old spec`).
 */
export function readInputText(path: string, cwd: string, io?: Io, flag = "--spec"): { text: string; source: string } {
  if (path === "-") {
    if (!io) throw usage(`"-" (standard input) cannot be read here; give the path of a file`, flag);
    const bytes = stdinBytes(io);
    // Read up to one byte past the limit: more than that is all that can be said.
    if (bytes.length > MAX_INPUT_BYTES)
      throw usage(
        `standard input holds more than ${mib(MAX_INPUT_BYTES)}, the limit for one input; split it into several files (a directory is read file by file) or remove what globalmesh does not need`,
        flag,
      );
    return { text: decodeUtf8(bytes, STDIN_SOURCE, flag), source: STDIN_SOURCE };
  }
  const full = resolve(cwd, path);
  return { text: readRegularFile(full, path, flag), source: path };
}

function readRegularFile(full: string, shown: string, flag: string): string {
  const stat = statOf(full, shown, flag);
  if (stat.isDirectory()) throw usage(`"${shown}" is a directory; give a file, e.g. "gns.yaml"`, flag);
  if (!stat.isFile()) throw usage(`"${shown}" is ${specialKind(stat)}, not a regular file; give a file's path`, flag);
  checkSize(stat.size, shown, flag);
  // O_NONBLOCK: a FIFO swapped in after the check is not waited on; fstat checks the file actually opened.
  let fd: number;
  try {
    fd = openSync(full, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw usage(`"${shown}" cannot be read (${errorCode(e)}); check its permissions`, flag);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile())
      throw usage(`"${shown}" is ${specialKind(opened)}, not a regular file; give a file's path`, flag);
    checkSize(opened.size, shown, flag);
    const bytes = Buffer.alloc(opened.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return decodeUtf8(bytes.subarray(0, read), shown, flag);
  } finally {
    closeSync(fd);
  }
}

function statOf(full: string, shown: string, flag: string): Stats {
  try {
    return statSync(full);
  } catch (e) {
    const code = errorCode(e);
    let link = false;
    try {
      link = lstatSync(full).isSymbolicLink();
    } catch {
      // not there at all
    }
    if (link && (code === "ENOENT" || code === "ELOOP"))
      throw usage(
        `"${shown}" is a symbolic link to a file that does not exist; fix the link or give the file itself`,
        flag,
      );
    throw usage(`"${shown}" cannot be read (${code}); give the path of an existing file`, flag);
  }
}

function specialKind(stat: Stats): string {
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "a special file";
}

function checkSize(bytes: number, shown: string, flag: string): void {
  if (bytes > MAX_INPUT_BYTES)
    throw usage(
      `"${shown}" is ${mib(bytes)}, over the ${mib(MAX_INPUT_BYTES)} limit for one input; split it into several files (a directory is read file by file) or remove what globalmesh does not need`,
      flag,
    );
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}

/** UTF-8 (a byte order mark dropped); anything else names the first bad byte. */
function decodeUtf8(bytes: Buffer, shown: string, flag: string): string {
  try {
    return stripBom(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw usage(
      `"${shown}" is not UTF-8 text (byte ${at}${at < bytes.length ? ` is 0x${bytes[at].toString(16).padStart(2, "0")}` : ""}); save it as UTF-8, e.g. iconv -t UTF-8`,
      flag,
    );
  }
}

/** Offset of the first byte that starts no valid UTF-8 sequence (overlong forms and surrogates aside). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return i;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** `flag` names the file in messages: `--spec`, or `old spec` / `new spec` for diff; `-` reads `io`'s stdin. */
export function loadSpec(file: string, cwd: string, flag = "--spec", io?: Io): LoadedSpec {
  const { text, source } = readInputText(file, cwd, io, flag);
  const { value, locate } = parseSpecYaml(text, source);
  return { value, source, explain: (e) => withLocations(e, source, locate) };
}

/** A `<cluster>=<file-or-directory>` flag: `--manifests`, or `--existing` (objects already in the cluster). */
interface ClusterFilesFlag {
  flag: string;
  example: string;
  /** What the path holds, for the messages: "its manifests". */
  what: string;
  /** The fix when a path is missing or holds no YAML. */
  give: string;
  /** What a file that is not YAML is, for the message: "invalid manifests". */
  invalid: string;
}

const MANIFESTS: ClusterFilesFlag = {
  flag: "--manifests",
  example: "cluster1=manifests/cluster1.yaml",
  what: "its manifests",
  give: 'give a manifest file or a directory of them, e.g. "manifests/cluster1.yaml"',
  invalid: "invalid manifests",
};

const EXISTING: ClusterFilesFlag = {
  flag: "--existing",
  example: "cluster1=live/cluster1.yaml",
  what: "the objects already in it",
  give: 'give a YAML file of the objects in the cluster (e.g. from kubectl get -o yaml) or a directory of them, e.g. "live/cluster1.yaml"',
  invalid: "invalid existing objects",
};

/** `--manifests cluster=path` values → manifests per cluster; a directory means every .yaml/.yml file in it. */
export function loadManifests(values: string[], cwd: string, io?: Io): ClusterManifests[] {
  return loadClusterFiles(values, cwd, MANIFESTS, io);
}

/** `--existing cluster=path` values → the objects already in each cluster (multi-document YAML, as --manifests). */
export function loadExisting(values: string[], cwd: string, io?: Io): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const m of loadClusterFiles(values, cwd, EXISTING, io))
    out.set(m.cluster, [...(out.get(m.cluster) ?? []), ...m.objects]);
  return out;
}

function loadClusterFiles(values: string[], cwd: string, kind: ClusterFilesFlag, io?: Io): ClusterManifests[] {
  const issues = new IssueList();
  const check = fieldCheck(
    textGrammar("<cluster>=<file-or-directory>", `name the cluster, then ${kind.what}`, (s) => /^[^=]+=.+$/.test(s)),
  );
  const pairs = values.map((v) => check(issues, kind.flag, v, { example: kind.example }));
  issues.throwIfAny(USAGE.source, USAGE.subject);
  const out: ClusterManifests[] = [];
  for (const pair of pairs.filter((p): p is string => p !== undefined)) {
    const eq = pair.indexOf("=");
    const cluster = pair.slice(0, eq);
    const path = pair.slice(eq + 1);
    if (path === "-") {
      const { text, source } = readInputText(path, cwd, io, kind.flag);
      out.push({ cluster, source, objects: parseYaml(text, source, cluster, kind) });
      continue;
    }
    for (const file of yamlFiles(resolve(cwd, path), kind)) {
      const near = relative(cwd, file);
      const source = near && !near.startsWith("..") ? near : file;
      const { text } = readInputText(source, cwd, io, kind.flag);
      out.push({ cluster, source, objects: parseYaml(text, source, cluster, kind) });
    }
  }
  return out;
}

/**
 * One file of a `<cluster>=<file-or-directory>` flag, parsed. A YAML error names the file, its line and column, and
 * what the file was given as (not a GlobalNamespace spec).
 */
function parseYaml(text: string, source: string, cluster: string, kind: ClusterFilesFlag): unknown[] {
  try {
    return parseManifests(text, source);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    throw new SpecError(e.issues, e.source, `${kind.invalid} for cluster ${cluster} (${kind.flag}): not valid YAML`);
  }
}

/**
 * A file, or the .yaml/.yml files under a directory (sorted). A special file, or a dangling link, is left for
 * readInputText to refuse by name; inside a directory, only regular files (or links to them) are read.
 */
function yamlFiles(path: string, kind: ClusterFilesFlag): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    let link = false;
    try {
      link = lstatSync(path).isSymbolicLink();
    } catch {
      // not there at all
    }
    if (link) throw usage(`"${path}" is a symbolic link to a file that does not exist; ${kind.give}`, kind.flag);
    throw usage(`"${path}" cannot be read (${errorCode(e)}); ${kind.give}`, kind.flag);
  }
  if (!stat.isDirectory()) return [path];
  const isFile = (f: string) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false; // a dangling link in the directory: not a manifest
    }
  };
  const files = readdirSync(path, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(path, f))
    .filter(isFile)
    .sort();
  if (files.length === 0) throw usage(`"${path}" has no .yaml or .yml files; ${kind.give}`, kind.flag);
  return files;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}
