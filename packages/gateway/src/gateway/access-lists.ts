/**
 * Per-server and per-tool allow/deny lists. A pattern is `server` (servers) or `server/tool`
 * (tools), where `*` matches any run of characters. Deny wins over allow; an empty allow list
 * allows everything.
 *
 * @module
 */

/** The lists, as given on the command line or in options. */
export interface AccessLists {
  readonly allowServers?: readonly string[];
  readonly denyServers?: readonly string[];
  /** `server/tool` patterns. */
  readonly allowTools?: readonly string[];
  readonly denyTools?: readonly string[];
}

function toRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function matcher(patterns: readonly string[] | undefined): ((value: string) => boolean) | undefined {
  if (patterns === undefined || patterns.length === 0) return undefined;
  const compiled = patterns.map(toRegExp);
  return (value) => compiled.some((re) => re.test(value));
}

/** Compiled {@link AccessLists}. */
export interface AccessPolicy {
  serverAllowed(server: string): boolean;
  toolAllowed(server: string, tool: string): boolean;
}

/** Compiles the lists once. */
export function compileAccessLists(lists: AccessLists = {}): AccessPolicy {
  const allowServer = matcher(lists.allowServers);
  const denyServer = matcher(lists.denyServers);
  const allowTool = matcher(lists.allowTools);
  const denyTool = matcher(lists.denyTools);
  const serverAllowed = (server: string): boolean =>
    !(denyServer?.(server) ?? false) && (allowServer?.(server) ?? true);
  return {
    serverAllowed,
    toolAllowed(server, tool) {
      if (!serverAllowed(server)) return false;
      const key = `${server}/${tool}`;
      return !(denyTool?.(key) ?? false) && (allowTool?.(key) ?? true);
    },
  };
}
