/**
 * The context a handler receives. A class rather than an object of closures: one is built per call,
 * so its methods live on the prototype and its child logger is created only if the handler logs.
 *
 * @module
 */
import type { AuthInfo, LoggingLevel, ServerContext } from '@modelcontextprotocol/server';

import type { CallAbort } from './call-abort.js';
import type { CallContext } from './define.js';
import type { Logger } from './logger.js';
import type { UpstreamExchange } from './upstream/exchange.js';

/** What {@link RuntimeCallContext} is built from. */
export interface CallContextInit {
  readonly requestId: string;
  readonly method: string;
  readonly name: string;
  /** The call's cancellation; `signal` is its signal, made when the handler first reads it. */
  readonly abort: CallAbort;
  readonly deadline: number;
  readonly era: 'legacy' | 'modern';
  readonly sdk: ServerContext;
  /** The server's logger; the context's `log` is its child bound to the request id. */
  readonly logger: Logger;
  /** Sent as the logger name of client log notifications. */
  readonly serverName: string;
}

/** The runtime's {@link CallContext}. */
export class RuntimeCallContext implements CallContext {
  readonly requestId: string;
  readonly method: string;
  readonly name: string;
  readonly deadline: number;
  readonly era: 'legacy' | 'modern';
  readonly mcp: ServerContext;
  readonly #abort: CallAbort;
  readonly #logger: Logger;
  readonly #serverName: string;
  #log: Logger | undefined;
  #exchanges: UpstreamExchange[] | undefined;

  constructor(init: CallContextInit) {
    this.requestId = init.requestId;
    this.method = init.method;
    this.name = init.name;
    this.#abort = init.abort;
    this.deadline = init.deadline;
    this.era = init.era;
    this.mcp = init.sdk;
    this.#logger = init.logger;
    this.#serverName = init.serverName;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get authInfo(): AuthInfo | undefined {
    return this.mcp.http?.authInfo;
  }

  get log(): Logger {
    this.#log ??= this.#logger.child({ requestId: this.requestId });
    return this.#log;
  }

  /** The upstream exchanges recorded so far, in order (the journal policy reads them). */
  get exchanges(): readonly UpstreamExchange[] {
    return this.#exchanges ?? [];
  }

  recordExchange(exchange: UpstreamExchange): void {
    (this.#exchanges ??= []).push(exchange);
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  async progress(progress: number, total?: number, message?: string): Promise<void> {
    const progressToken = this.mcp.mcpReq._meta?.progressToken;
    if (progressToken === undefined) return;
    await this.mcp.mcpReq.notify({
      method: 'notifications/progress',
      params: {
        progressToken,
        progress,
        ...(total === undefined ? {} : { total }),
        ...(message === undefined ? {} : { message }),
      },
    });
  }

  // eslint-disable-next-line @typescript-eslint/no-deprecated -- client logging is how 2025-era clients see logs
  async clientLog(level: LoggingLevel, data: unknown): Promise<void> {
    try {
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
      await this.mcp.mcpReq.log(level, data, this.#serverName);
    } catch (error) {
      this.log.debug({ err: error }, 'client log notification not delivered');
    }
  }
}
