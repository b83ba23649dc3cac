import { IssueList } from "../mesh";
import { checkDnsLabel, checkLiteral, fieldCheck, quoteValue, readList, readObject, textGrammar } from "../mesh/checks";
import { DEFAULT_ISTIO_VERSION, DEFAULT_REVISION, INJECTION_TAG, RELEASES } from "./defaults";

/** One istiod control plane, as MeshCluster installs it. */
export interface RevisionPlan {
  /** The revision's name: `default` (Istio's unnamed revision) or the caller's. */
  name: string;
  /** Istio release `x.y.z`: the istiod chart's version. */
  version: string;
  /** The chart's `revision` value: "" for the default revision, else the name. */
  chartRevision: string;
  /** Helm release, Deployment and Service name: `istiod` or `istiod-<name>`. */
  release: string;
  /** The revision's `istio.io/rev` label value (pods, webhooks): the chart revision, `default` for the unnamed one. */
  label: string;
}

/** Which control planes run and which one the sidecars and the gateways use. */
export interface RevisionsPlan {
  /** Oldest first. */
  revisions: RevisionPlan[];
  /** The revision the injection tag points at: new and restarted pods of enrolled namespaces get its sidecar. */
  injection: RevisionPlan;
  /** The revision that injects the gateways; their chart is its version. */
  gateways: RevisionPlan;
  /** The newest listed version: the `istio/base` chart (CRDs) must be at least the newest control plane's. */
  baseVersion: string;
}

/** What the `istio` args say about versions, as given. */
export interface RevisionArgs {
  version?: unknown;
  revisions?: unknown;
  injectionRevision?: unknown;
  gatewayRevision?: unknown;
}

const REVISION_FIELDS = ["name", "version"];
// `istiod-<name>` is the Helm release's name, which Helm caps at 53 characters (ValidateReleaseName), and the
// Service's (63).
const MAX_REVISION_NAME = 53 - "istiod-".length;
const EXAMPLE_VERSION = DEFAULT_ISTIO_VERSION;
const EXAMPLE_NAME = DEFAULT_ISTIO_VERSION.replace(/\./g, "-");

const checkVersion = fieldCheck(
  textGrammar("an Istio release", 'use major.minor.patch without a "v"', (s) => /^\d+\.\d+\.\d+$/.test(s)),
);

/** `1.30.3` → [1, 30, 3]. */
const versionParts = (v: string): number[] => v.split(".").map(Number);

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

export function revisionPlan(name: string, version: string): RevisionPlan {
  const chartRevision = name === DEFAULT_REVISION ? "" : name;
  const release = chartRevision ? `${RELEASES.istiod}-${name}` : RELEASES.istiod;
  return { name, version, chartRevision, release, label: chartRevision || DEFAULT_REVISION };
}

/**
 * The control-plane revisions. `istio.version` alone is one revision, `default` (the unnamed one every stack made
 * before revisions existed had); `istio.revisions` lists them oldest first. Each next revision is a newer patch of the
 * same minor or the next minor: Istio supports upgrading one minor at a time, so a skipped minor, a downgrade, a
 * repeated version or name is refused here, before anything is registered.
 */
export function planRevisions(issues: IssueList, a: RevisionArgs): RevisionsPlan {
  const listed = a.revisions !== undefined && a.revisions !== null;
  if (listed && a.version !== undefined && a.version !== null)
    issues.add(
      "istio.version",
      `is given with istio.revisions; give one: version for a single control plane, or revisions (each with its version) for a canary upgrade`,
    );
  const revisions = listed
    ? readRevisions(issues, a.revisions)
    : [
        revisionPlan(
          DEFAULT_REVISION,
          checkVersion(issues, "istio.version", a.version, {
            example: EXAMPLE_VERSION,
            default: DEFAULT_ISTIO_VERSION,
          }),
        ),
      ];
  checkOrder(issues, revisions);
  const fallback = revisions[0] ?? revisionPlan(DEFAULT_REVISION, DEFAULT_ISTIO_VERSION);
  const injection = pick(issues, "istio.injectionRevision", a.injectionRevision, revisions) ?? fallback;
  const gateways = pick(issues, "istio.gatewayRevision", a.gatewayRevision, revisions) ?? fallback;
  if (compareVersions(gateways.version, injection.version) > 0)
    issues.add(
      "istio.gatewayRevision",
      `${quoteValue(gateways.name)} (${gateways.version}) is newer than istio.injectionRevision ${quoteValue(injection.name)} (${injection.version}); gateways move last: set injectionRevision to ${quoteValue(gateways.name)} first and restart the workloads, then move the gateways`,
    );
  const newest = revisions.reduce((n, r) => (compareVersions(r.version, n.version) > 0 ? r : n), fallback);
  return { revisions, injection, gateways, baseVersion: newest.version };
}

function readRevisions(issues: IssueList, v: unknown): RevisionPlan[] {
  const example = `[{ name: "${DEFAULT_REVISION}", version: "1.29.6" }, { name: "${EXAMPLE_NAME}", version: "${EXAMPLE_VERSION}" }]`;
  const list = readList(issues, "istio.revisions", v, { example }) ?? [];
  if (Array.isArray(v) && list.length === 0)
    issues.add("istio.revisions", `is empty; list at least one revision, e.g. ${example}`);
  const firstAt = new Map<string, string>();
  const revisions: RevisionPlan[] = [];
  list.forEach((entry, i) => {
    const at = `istio.revisions[${i}]`;
    const o = readObject(issues, at, entry, REVISION_FIELDS);
    if (!o) return;
    const name = checkRevisionName(issues, `${at}.name`, o.name);
    const version = checkVersion(issues, `${at}.version`, o.version, { example: EXAMPLE_VERSION, required: true });
    if (name === undefined || version === undefined) return;
    checkNameMatchesVersion(issues, `${at}.name`, name, version);
    const first = firstAt.get(name);
    if (first !== undefined)
      issues.add(
        `${at}.name`,
        `${quoteValue(name)} is listed twice (first at ${first}); give each revision a name of its own, e.g. "${version.replace(/\./g, "-")}"`,
      );
    else {
      firstAt.set(name, `${at}.name`);
      revisions.push(revisionPlan(name, version));
    }
  });
  return revisions;
}

function checkRevisionName(issues: IssueList, path: string, v: unknown): string | undefined {
  const name = checkDnsLabel(issues, path, v, { example: EXAMPLE_NAME, required: true });
  if (name === undefined) return undefined;
  const problem =
    name.length > MAX_REVISION_NAME
      ? `is longer than ${MAX_REVISION_NAME} characters, and the Helm release istiod-<name> must fit in 53; use a shorter name`
      : name === INJECTION_TAG
        ? `is the injection tag's name, and Istio refuses a revision named like a tag; name the revision after its version`
        : undefined;
  if (problem === undefined) return name;
  issues.add(path, `${quoteValue(name)} ${problem}, e.g. "${EXAMPLE_NAME}"`);
  return undefined;
}

/**
 * The major.minor a revision name spells (`1-30-3`, `v1-30`, `canary-1-30`: the first two neighbouring numeric
 * parts), if any.
 */
function namedMinor(name: string): string | undefined {
  const parts = name.split("-").map((p) => p.replace(/^v(?=\d)/, ""));
  const i = parts.findIndex((p, j) => /^\d+$/.test(p) && /^\d+$/.test(parts[j + 1] ?? ""));
  return i < 0 ? undefined : `${Number(parts[i])}.${Number(parts[i + 1])}`;
}

/**
 * A revision named after one minor but running another: what editing a listed revision's version in place (a minor
 * upgrade with no canary, which nothing else here can see) leaves behind. Patch upgrades in place are fine.
 */
function checkNameMatchesVersion(issues: IssueList, path: string, name: string, version: string): void {
  const named = namedMinor(name);
  const minor = version.split(".").slice(0, 2).join(".");
  if (named === undefined || named === minor) return;
  issues.add(
    path,
    `${quoteValue(name)} names Istio ${named}, but its version is ${quoteValue(version)}; a revision's version changes in place (no canary, no skipped-minor check), so move to ${minor} by adding a revision named after it, e.g. ${quoteValue(version.replace(/\./g, "-"))}, and keep this one's version`,
  );
}

/** Consecutive revisions: the same major, each newer than the one before, at most one minor apart. */
function checkOrder(issues: IssueList, revisions: RevisionPlan[]): void {
  for (let i = 1; i < revisions.length; i++) {
    const [prev, cur] = [revisions[i - 1], revisions[i]];
    const at = `istio.revisions[${i}].version`;
    const before = `istio.revisions[${i - 1}]'s ${quoteValue(prev.version)}`;
    const [[pMajor, pMinor], [cMajor, cMinor]] = [versionParts(prev.version), versionParts(cur.version)];
    const order = compareVersions(cur.version, prev.version);
    if (order === 0)
      issues.add(
        at,
        `${quoteValue(cur.version)} is the same release as istio.revisions[${i - 1}]; a canary needs a newer version, so remove one of them`,
      );
    else if (order < 0)
      issues.add(
        at,
        `${quoteValue(cur.version)} is older than ${before}; list revisions oldest first (to roll back, point injectionRevision and gatewayRevision at the older revision and then remove the newer one)`,
      );
    else if (cMajor !== pMajor)
      issues.add(
        at,
        `${quoteValue(cur.version)} changes the major version after ${before}; MeshCluster upgrades within a major, one minor at a time: follow Istio's upgrade notes for the new major by hand`,
      );
    else if (cMinor - pMinor > 1)
      issues.add(
        at,
        `${quoteValue(cur.version)} skips ${pMajor}.${pMinor + 1} after ${before}; Istio upgrades one minor at a time: add a ${pMajor}.${pMinor + 1} revision, move to it and remove ${quoteValue(prev.name)}, then add ${quoteValue(cur.version)}`,
      );
  }
}

/** The revision a field names, from the listed ones; undefined when absent (the caller's default) or bad. */
function pick(issues: IssueList, path: string, v: unknown, revisions: RevisionPlan[]): RevisionPlan | undefined {
  if (v === undefined || v === null || !checkLiteral(issues, path, v, DEFAULT_REVISION)) return undefined;
  const found = revisions.find((r) => r.name === v);
  if (!found && revisions.length > 0)
    issues.add(
      path,
      `${quoteValue(v)} is not a listed revision (${revisions.map((r) => r.name).join(", ")}); name one of istio.revisions' names`,
    );
  return found;
}
