/**
 * The seam between the gateway and wherever servers are configured: a {@link ServerSource} lists
 * {@link ServerSpec}s. The gateway ships one that reads client config files
 * (`configFileSource`); the registry can provide another.
 *
 * @module
 */

/** A server started as a child process speaking MCP over stdio. */
export interface StdioServerSpec {
  readonly name: string;
  readonly kind: 'stdio';
  readonly command: string;
  readonly args: readonly string[];
  /** Variables added to the child's environment, as configured (never logged). */
  readonly env: Readonly<Record<string, string>>;
  /** Working directory; default the gateway's. */
  readonly cwd?: string;
  /**
   * For installed servers: the `toolsHash` of the tools inspected at install time. The gateway
   * checks it before the first call and refuses a server whose tools changed.
   */
  readonly toolsHash?: string;
}

/** A server reached over Streamable HTTP. */
export interface HttpServerSpec {
  readonly name: string;
  readonly kind: 'http';
  readonly url: string;
  /** Headers sent with every request (e.g. `Authorization`; never logged). */
  readonly headers: Readonly<Record<string, string>>;
}

/** One configured downstream server. */
export type ServerSpec = StdioServerSpec | HttpServerSpec;

/** Where the gateway's servers come from. */
export interface ServerSource {
  /** A short description for logs and `list_servers`, e.g. the config file's path. */
  readonly description: string;
  /** The configured servers, in a stable order. */
  list(): Promise<readonly ServerSpec[]>;
}

/** A source over a fixed list (tests, the `install_server` additions, the registry's answer). */
export function staticSource(specs: readonly ServerSpec[], description = 'static list'): ServerSource {
  return { description, list: () => Promise.resolve(specs) };
}
