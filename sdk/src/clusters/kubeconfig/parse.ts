import { isAbsolute } from "node:path";
import { parseDocument } from "yaml";
import { IssueList } from "../../mesh";
import { quoteValue } from "../../mesh/checks";
import { isPlainObject, Plain } from "../../mesh/fields";

/**
 * Checks kubeconfig text far enough that a typo shows now rather than as a connection error mid-deployment: it parses,
 * the context to use exists (`context`, else current-context), and that context's cluster and user are defined.
 * Returns the context to use. Issues go to `kubeconfig` or `context`. `hasContextField`: whether the caller's args have
 * a `context` field to point the fix at (KubeconfigCluster), or only the kubeconfig's own current-context.
 */
export function checkKubeconfigDocument(
  issues: IssueList,
  text: string,
  context: string | undefined,
  hasContextField = true,
): string | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    issues.add(
      "kubeconfig",
      `is not valid YAML or JSON (${doc.errors[0].message.split("\n")[0]}); give it as \`kubectl config view --raw --flatten --minify\` prints it`,
    );
    return undefined;
  }
  const root: unknown = doc.toJS();
  if (!isPlainObject(root)) {
    issues.add(
      "kubeconfig",
      "is not a kubeconfig (a mapping with clusters, contexts and users); give its text or the path of a kubeconfig file",
    );
    return undefined;
  }
  const list = (key: string): Plain[] => (Array.isArray(root[key]) ? root[key].filter(isPlainObject) : []);
  const byName = (key: string, name: unknown) => list(key).find((e) => e.name === name);
  const names = list("contexts").map((c) => String(c.name));
  if (names.length === 0) {
    issues.add("kubeconfig", "has no contexts; give a kubeconfig with at least one context");
    return undefined;
  }
  const chosen = context ?? root["current-context"];
  const known = `its contexts are: ${names.join(", ")}`;
  const defineOneOf = (key: string) => {
    const defined = list(key).map((e) => String(e.name));
    return `define it under ${key}${defined.length ? `, or point the context at one of: ${defined.join(", ")}` : ""}`;
  };
  const setContext = hasContextField ? "set context" : "set the kubeconfig's current-context";
  if (typeof chosen !== "string" || chosen === "") {
    if (hasContextField)
      issues.add("context", `is not set and the kubeconfig has no current-context; set context (${known})`);
    else issues.add("kubeconfig", `has no current-context; ${setContext} (${known})`);
    return undefined;
  }
  if (!names.includes(chosen)) {
    if (context !== undefined) issues.add("context", `"${chosen}" is not in the kubeconfig; ${known}`);
    else issues.add("kubeconfig", `current-context "${chosen}" names no context; ${setContext} (${known})`);
    return undefined;
  }
  const ctx = byName("contexts", chosen)?.context;
  const clusterName = isPlainObject(ctx) ? ctx.cluster : undefined;
  const userName = isPlainObject(ctx) ? ctx.user : undefined;
  const cluster = byName("clusters", clusterName)?.cluster;
  if (!isPlainObject(cluster))
    issues.add(
      "kubeconfig",
      `context "${chosen}" refers to cluster ${quoteValue(clusterName)}, which the kubeconfig does not define; ${defineOneOf("clusters")}`,
    );
  else if (typeof cluster.server !== "string" || cluster.server === "")
    issues.add(
      "kubeconfig",
      `cluster ${quoteValue(clusterName)} has no server URL; set its server, e.g. "https://127.0.0.1:6443"`,
    );
  const user = userName === undefined ? {} : byName("users", userName)?.user;
  if (!isPlainObject(user))
    issues.add(
      "kubeconfig",
      `context "${chosen}" refers to user ${quoteValue(userName)}, which the kubeconfig does not define; ${defineOneOf("users")}`,
    );
  // The provider gets text, not the file: relative references have nothing to be relative to.
  const files: [string, unknown][] = [
    [
      `cluster ${quoteValue(clusterName)} certificate-authority`,
      isPlainObject(cluster) ? cluster["certificate-authority"] : undefined,
    ],
    [`user ${quoteValue(userName)} client-certificate`, isPlainObject(user) ? user["client-certificate"] : undefined],
    [`user ${quoteValue(userName)} client-key`, isPlainObject(user) ? user["client-key"] : undefined],
    [`user ${quoteValue(userName)} tokenFile`, isPlainObject(user) ? user.tokenFile : undefined],
  ];
  for (const [what, file] of files)
    if (typeof file === "string" && !isAbsolute(file))
      issues.add(
        "kubeconfig",
        `${what} "${file}" is a relative path; embed the data instead (kubectl config view --raw --flatten --minify)`,
      );
  return chosen;
}

/** The same kubeconfig with `context` as its current-context, so every consumer of the text reaches this cluster. */
export function withCurrentContext(text: string, context: string): string {
  const doc = parseDocument(text);
  if (doc.get("current-context") === context) return text;
  // JSON stays JSON for consumers that parse it as such; YAML keeps its comments and layout.
  if (text.trimStart().startsWith("{")) return JSON.stringify({ ...doc.toJS(), "current-context": context });
  doc.set("current-context", context);
  return doc.toString({ lineWidth: 0 });
}
