/**
 * `--expose direct` over stdio as a frame relay: the client's frames go to the downstream as the
 * bytes they are, and the downstream's come back the same way, one pipe write per read chunk in
 * each direction. Ids are not rewritten (one client, one server: they cannot collide; the
 * gateway's own requests use ids of their own, see ./relay-downstream.ts). So the client sees the
 * server's own `initialize` result (serverInfo, instructions, capabilities), and notifications,
 * progress, cancellation and server→client requests (sampling, elicitation, roots) flow both ways
 * untouched.
 *
 * The gateway reads what it needs and no more: every client frame is parsed (method, id, a tool
 * call's name) to apply the per-tool allow/deny lists (denied calls are answered here, denied
 * tools are filtered out of `tools/list` answers), to time and record each `tools/call` (journal
 * and metrics name the downstream), to remember what to replay to a restarted server (`initialize`,
 * `notifications/initialized`, the log level, resource subscriptions), and to answer every request
 * in flight with a retryable error ({@link RELOADING_ERROR_CODE}) when the server crashes. Server
 * frames are classified by peeking at their id; a response is parsed only for `tools/list`
 * filtering or when calls are journaled.
 *
 * @module
 */
import { RELOADING_ERROR_CODE } from '../dev/errors.js';
import type { JsonRpcId } from '../dev/jsonrpc.js';
import type { AccessPolicy } from './access-lists.js';
import type { CallRecorder } from './call-record.js';
import { errorLine, peekServerFrame, reportsToolError, splitLines } from './frames.js';
import type { RelayDownstream, RelayFront } from './relay-downstream.js';

/** Options of {@link StdioPassthrough}. */
export interface StdioPassthroughOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly downstream: RelayDownstream;
  readonly access: AccessPolicy;
  readonly recorder: CallRecorder;
  /** Told about server output that is no protocol message (kept off the client's stdout); default stderr. */
  readonly onStrayOutput?: (line: string) => void;
}

/** A request in flight, as the relays track it. */
export interface Pending {
  readonly method: string;
  /** `performance.now()` when it was forwarded. */
  readonly started: number;
  readonly tool?: string;
  /** The call's arguments, kept only when calls are journaled. */
  readonly args?: unknown;
}

/**
 * Records a `tools/call` from its response line (parsed only when journaling or on a JSON-RPC
 * error). `answeredAt` is when the response arrived (`performance.now()`): the fronts record after
 * they passed the answer on, so that the journal and metrics are not on the answer's path.
 */
export function recordToolCall(
  recorder: CallRecorder,
  server: string,
  id: JsonRpcId,
  pending: Pending,
  line: string,
  isErrorResponse: boolean,
  answeredAt: number = performance.now(),
): void {
  const toolError = !isErrorResponse && reportsToolError(line);
  let result: unknown;
  let error: { code: string; message: string } | undefined;
  if (recorder.journaling || isErrorResponse) {
    const message = JSON.parse(line) as { result?: unknown; error?: { code?: number; message?: string } };
    result = message.result;
    if (message.error !== undefined)
      error = { code: `JSONRPC_${String(message.error.code)}`, message: message.error.message ?? '' };
  }
  if (toolError) {
    const content = (result as { content?: { type?: string; text?: string }[] } | undefined)?.content;
    error = { code: 'TOOL_FAILED', message: content?.find((block) => block.type === 'text')?.text ?? '' };
  }
  recorder.record({
    server,
    tool: pending.tool ?? '',
    requestId: String(id),
    startedAt: Math.round(performance.timeOrigin + pending.started),
    durationMs: answeredAt - pending.started,
    status: isErrorResponse || toolError ? 'error' : 'ok',
    ...(pending.args === undefined ? {} : { args: pending.args }),
    ...(result === undefined ? {} : { result }),
    ...(error === undefined ? {} : { error }),
  });
}

/** A cheap test that a server line is JSON (an object or a batch), not a stray print. */
function looksLikeJson(line: string): boolean {
  const first = line.charCodeAt(0);
  let end = line.length - 1;
  while (end > 0 && (line.charCodeAt(end) === 0x20 || line.charCodeAt(end) === 0x0d || line.charCodeAt(end) === 0x09))
    end--;
  const last = line.charCodeAt(end);
  return (first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d);
}

const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

type Message = Record<string, unknown> & { method?: unknown; id?: unknown; params?: Record<string, unknown> };

/** The stdio passthrough. {@link StdioPassthrough.start} it; `closed` resolves when the client went away. */
export class StdioPassthrough implements RelayFront {
  readonly #options: StdioPassthroughOptions;
  readonly #server: string;
  readonly #pending = new Map<JsonRpcId, Pending>();
  #buffered = '';
  #initParams: Record<string, unknown> | undefined;
  #initializedSeen = false;
  #deadlineTimer: NodeJS.Timeout | undefined;
  /** Requests answered with a timeout, until when their late answer is still expected. */
  readonly #timedOut = new Map<JsonRpcId, number>();
  #logLevel: string | undefined;
  readonly #subscriptions = new Set<string>();
  #closing: Promise<void> | undefined;
  #resolveClosed!: () => void;
  /** Resolves once the client went away and the downstream stopped. */
  readonly closed: Promise<void>;

  constructor(options: StdioPassthroughOptions) {
    this.#options = options;
    this.#server = options.downstream.name;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    options.downstream.attach(this);
  }

  /** Starts reading the client (the downstream starts on its first frame). */
  start(): void {
    const input = this.#options.input;
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => this.#fromClient(chunk));
    const end = (): void => void this.close();
    input.once('end', end);
    input.once('close', end);
    input.once('error', end);
  }

  /** Stops the downstream and resolves `closed`; idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const input = this.#options.input as NodeJS.ReadableStream & { destroy?: () => void };
      clearInterval(this.#deadlineTimer);
      input.pause();
      input.destroy?.();
      await this.#options.downstream.close();
      this.#resolveClosed();
    })();
    return this.#closing;
  }

  /** A lifecycle event for the client: a log notification (once it completed its handshake). */
  notice(level: 'info' | 'warning' | 'error', message: string): void {
    if (!this.#initializedSeen) return;
    const threshold = this.#logLevel === undefined ? 0 : LOG_LEVELS.indexOf(this.#logLevel);
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    this.#toClient(
      `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level, logger: 'gateway', data: message } })}\n`,
    );
  }

  // ---- client → server ---------------------------------------------------------------------

  #fromClient(chunk: string): void {
    const { lines, rest } = splitLines(this.#buffered + chunk);
    this.#buffered = rest;
    let out = '';
    for (const line of lines) if (line.length > 0) out += this.#route(line);
    if (out === '') return;
    if (this.#options.downstream.state === 'failed') {
      this.#refuseAll();
      return;
    }
    this.#options.downstream.send(out);
  }

  /**
   * What to forward for one client line ('' when the gateway answered it itself). A line that is
   * no JSON-RPC message at all is answered here, as the runtime's stdio transport would (-32700,
   * -32600), and never reaches the server, which could choke on it.
   */
  #route(line: string): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.#toClient(errorLine(null, -32700, 'Parse error: the line is not valid JSON.'));
      return '';
    }
    if (Array.isArray(parsed)) {
      if (parsed.length > 0) return this.#routeBatch(parsed as unknown[]);
      this.#toClient(errorLine(null, -32600, 'Invalid Request: an empty JSON-RPC batch.'));
      return '';
    }
    if (parsed === null || typeof parsed !== 'object') {
      this.#toClient(errorLine(null, -32600, 'Invalid Request: not a JSON-RPC 2.0 message.'));
      return '';
    }
    return this.#routeMessage(parsed as Message) ? `${line}\n` : '';
  }

  /** A 2025-03-26 batch: its requests are tracked one by one; denied calls leave the batch. */
  #routeBatch(batch: unknown[]): string {
    const kept = batch.filter(
      (item) => item === null || typeof item !== 'object' || Array.isArray(item) || this.#routeMessage(item as Message),
    );
    return kept.length === 0 ? '' : `${JSON.stringify(kept)}\n`;
  }

  /** Tracks one message; false when the gateway answered it (a denied call). */
  #routeMessage(message: Message): boolean {
    const { method, id } = message;
    if (typeof method !== 'string') return true; // a response to a server→client request
    if (id === undefined) {
      if (method === 'notifications/initialized') this.#initializedSeen = true;
      else if (method === 'notifications/cancelled') this.#cancelled(message.params?.requestId);
      return true;
    }
    if (typeof id !== 'string' && typeof id !== 'number') return true;
    // Ids identify requests in flight: a second one under the same id would take the first's answer.
    if (this.#pending.has(id) || this.#timedOut.has(id)) {
      this.#toClient(errorLine(id, -32600, `Invalid Request: request id ${JSON.stringify(id)} is already in flight.`));
      return false;
    }
    const params = message.params;
    const started = performance.now();
    switch (method) {
      case 'tools/call': {
        const tool = typeof params?.name === 'string' ? params.name : '';
        if (!this.#options.access.toolAllowed(this.#server, tool)) {
          this.#toClient(
            errorLine(
              id,
              -32602,
              `Tool ${tool} is not available: the gateway's allow/deny lists exclude "${this.#server}/${tool}".`,
              { gatewayCode: 'GATEWAY_DENIED', server: this.#server },
            ),
          );
          return false;
        }
        const args = this.#options.recorder.journaling ? params?.arguments : undefined;
        this.#pending.set(id, { method, started, tool, ...(args === undefined ? {} : { args }) });
        this.#watchDeadlines();
        return true;
      }
      case 'initialize':
        if (params !== undefined) this.#initParams = params;
        break;
      case 'logging/setLevel':
        if (typeof params?.level === 'string') this.#logLevel = params.level;
        break;
      case 'resources/subscribe':
        if (typeof params?.uri === 'string') this.#subscriptions.add(params.uri);
        break;
      case 'resources/unsubscribe':
        if (typeof params?.uri === 'string') this.#subscriptions.delete(params.uri);
        break;
      default:
        break;
    }
    this.#pending.set(id, { method, started });
    this.#watchDeadlines();
    return true;
  }

  /** A request the client cancelled gets no response: it is no longer in flight (and is recorded as cancelled). */
  #cancelled(requestId: unknown): void {
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return;
    const pending = this.#pending.get(requestId);
    if (pending === undefined) return;
    this.#pending.delete(requestId);
    this.#recordFailed(requestId, pending, 'CANCELLED', 'cancelled by the client');
  }

  /** The server is given up on: every request just routed gets an error at once. */
  #refuseAll(): void {
    const message = `server "${this.#server}" is unavailable: ${this.#options.downstream.lastError ?? 'it crashed repeatedly'}; see ${this.#options.downstream.logFile}`;
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      this.#answerGone(id, pending, message, false);
    }
  }

  // ---- server → client ---------------------------------------------------------------------

  fromServer(lines: readonly string[]): void {
    let out = '';
    // The calls answered in these lines, recorded once the answers are written.
    const answered: [JsonRpcId, Pending, string, boolean][] = [];
    for (const line of lines) {
      if (line.length === 0) continue;
      // Only protocol messages may reach the client's stdout: a server's stray print goes to stderr.
      if (!looksLikeJson(line)) {
        this.#stray(line);
        continue;
      }
      if (this.#pending.size === 0 && this.#timedOut.size === 0) {
        out += `${line}\n`;
        continue;
      }
      const frame = peekServerFrame(line);
      if (frame.kind === 'response' && this.#timedOut.delete(frame.id)) continue;
      if (frame.kind === 'response') {
        const pending = this.#pending.get(frame.id);
        if (pending !== undefined) {
          this.#pending.delete(frame.id);
          if (pending.method === 'tools/call') answered.push([frame.id, pending, line, frame.error]);
          else if (pending.method === 'tools/list' && !frame.error) {
            out += this.#filteredList(line);
            continue;
          }
        }
      } else if (frame.kind === 'batch') this.#settleBatch(line, answered);
      out += `${line}\n`;
    }
    const answeredAt = performance.now();
    if (out !== '') this.#toClient(out);
    for (const [id, pending, line, isError] of answered)
      recordToolCall(this.#options.recorder, this.#server, id, pending, line, isError, answeredAt);
  }

  #settleBatch(line: string, answered: [JsonRpcId, Pending, string, boolean][]): void {
    const batch = JSON.parse(line) as Message[];
    for (const item of batch) {
      const id = item.id as JsonRpcId;
      const pending = item.method === undefined ? this.#pending.get(id) : undefined;
      if (pending === undefined) continue;
      this.#pending.delete(id);
      if (pending.method === 'tools/call') answered.push([id, pending, JSON.stringify(item), item.error !== undefined]);
    }
  }

  /** A `tools/list` answer without the tools the lists exclude. */
  #filteredList(line: string): string {
    const message = JSON.parse(line) as { result?: { tools?: { name?: unknown }[] } };
    const tools = message.result?.tools;
    if (!Array.isArray(tools)) return `${line}\n`;
    const allowed = tools.filter((tool) => this.#options.access.toolAllowed(this.#server, String(tool.name)));
    if (allowed.length === tools.length) return `${line}\n`;
    return `${JSON.stringify({ ...message, result: { ...message.result, tools: allowed } })}\n`;
  }

  serverGone(reason: string): void {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [id, item] of pending) this.#answerGone(id, item, `${reason} before answering; retry`, true);
  }

  #answerGone(id: JsonRpcId, pending: Pending, message: string, retryable: boolean): void {
    this.#toClient(
      errorLine(id, RELOADING_ERROR_CODE, message, {
        retryable,
        reason: retryable ? 'exit' : 'down',
        server: this.#server,
      }),
    );
    this.#recordFailed(id, pending, 'UNAVAILABLE', message);
  }

  replay(restart: boolean): Promise<void> | undefined {
    const init = this.#initParams;
    if (!restart || init === undefined) return undefined;
    const downstream = this.#options.downstream;
    return (async () => {
      await downstream.request('initialize', init);
      if (!this.#initializedSeen) return;
      downstream.notify('notifications/initialized');
      if (this.#logLevel !== undefined)
        await downstream.request('logging/setLevel', { level: this.#logLevel }).catch(() => undefined);
      for (const uri of this.#subscriptions)
        await downstream.request('resources/subscribe', { uri }).catch(() => undefined);
    })();
  }

  busy(): boolean {
    return this.#pending.size > 0;
  }

  /**
   * The downstream's request deadline (`--timeout-ms`): one sweep timer while requests are in
   * flight, rather than a timer per request. A request past it is answered with -32001 and
   * cancelled at the server.
   */
  #watchDeadlines(): void {
    if (this.#deadlineTimer !== undefined) return;
    const downstream = this.#options.downstream;
    const timeoutMs = downstream.requestTimeoutMs;
    this.#deadlineTimer = setInterval(
      () => {
        const now = performance.now();
        for (const [id, expires] of this.#timedOut) if (expires < now) this.#timedOut.delete(id);
        // Time spent while the server starts or restarts does not count (that has its own deadline).
        if (downstream.state !== 'ready') return;
        const cutoff = now - timeoutMs;
        for (const [id, pending] of this.#pending) {
          // initialize may not be cancelled (the protocol says so); the start deadline covers it.
          if (pending.method === 'initialize' || Math.max(pending.started, downstream.readySince) > cutoff) continue;
          this.#pending.delete(id);
          // Its late answer, should it come, is dropped: the client already has this one.
          this.#timedOut.set(id, now + timeoutMs);
          const message = `server "${this.#server}" did not answer ${pending.method}${pending.tool === undefined ? '' : ` ${pending.tool}`} within ${timeoutMs} ms`;
          this.#toClient(errorLine(id, -32001, message, { server: this.#server }));
          this.#options.downstream.send(
            `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: message } })}\n`,
          );
          this.#recordFailed(id, pending, 'TIMEOUT', message);
        }
        if (this.#pending.size === 0 && this.#timedOut.size === 0) {
          clearInterval(this.#deadlineTimer);
          this.#deadlineTimer = undefined;
        }
      },
      Math.min(timeoutMs, 1000),
    ).unref();
  }

  /** Journals and counts a `tools/call` that ended without the server's answer. */
  #recordFailed(id: JsonRpcId, pending: Pending, code: string, message: string): void {
    if (pending.method !== 'tools/call') return;
    this.#options.recorder.record({
      server: this.#server,
      tool: pending.tool ?? '',
      requestId: String(id),
      startedAt: Math.round(performance.timeOrigin + pending.started),
      durationMs: performance.now() - pending.started,
      status: 'error',
      ...(pending.args === undefined ? {} : { args: pending.args }),
      error: { code, message },
    });
  }

  #stray(line: string): void {
    if (this.#options.onStrayOutput !== undefined) this.#options.onStrayOutput(line);
    else
      process.stderr.write(
        `gateway: server "${this.#server}" wrote a line that is no protocol message to stdout (dropped): ${line.slice(0, 200)}\n`,
      );
  }

  #toClient(text: string): void {
    const output = this.#options.output;
    if (output.writable) output.write(text);
  }
}
