/**
 * One error type for every problem found in a mesh description. It carries all issues at
 * once so a user fixes a file in one pass instead of one error per run.
 */
export interface ConfigIssue {
  /** Config path of the offending value, e.g. `routers.colors.routes.color-route.targets.yellow`. */
  path: string;
  /** The rule that was broken, as a sentence fragment ("must be at most 100, got 150"). */
  message: string;
}

export class ConfigError extends Error {
  /**
   * Marks it as a Pulumi RunError (the check Pulumi makes across SDK copies, without importing
   * Pulumi here): `pulumi up` then prints the problems alone, not "unhandled exception" and a
   * stack trace, when a program lets loadMesh's error through.
   */
  readonly __pulumiRunError = true;

  constructor(readonly issues: ConfigIssue[], readonly source = "mesh configuration") {
    super(`${source} is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
      issues.map((i) => `  - ${i.path || "(root)"}: ${i.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

/** Formats a path array as `a.b[0].c`; keys that are not plain identifiers get `["…"]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z0-9_:-]+$/.test(String(seg))) out += (out ? "." : "") + String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** Collects issues with a path prefix; validation helpers push into it and never throw. */
export class IssueList {
  readonly issues: ConfigIssue[] = [];
  add(path: ReadonlyArray<PropertyKey>, message: string): void {
    this.issues.push({ path: formatPath(path), message });
  }
}
