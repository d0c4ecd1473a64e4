/**
 * What the harness tests: a command it starts and speaks to over stdio, or an HTTP endpoint.
 *
 * @module
 */

/** A server started as `command args…` (no shell) and spoken to over its stdin/stdout. */
export interface StdioTarget {
  readonly kind: 'stdio';
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the harness's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** A Streamable HTTP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
export interface HttpTarget {
  readonly kind: 'http';
  readonly url: string;
  /** Sent with every request (e.g. `authorization`). Values never appear in reports. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A server under test. */
export type Target = StdioTarget | HttpTarget;

/** A one-line description of a target, safe to print (header values are left out). */
export function describeTarget(target: Target): string {
  return target.kind === 'stdio' ? [target.command, ...target.args].join(' ') : target.url;
}
