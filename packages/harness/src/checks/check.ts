/**
 * The shape of a check and what it may use: a check is a small module `{ id, title, group, run }`
 * whose `run` returns findings; the runner turns them into report results.
 *
 * @module
 */
import type { Group, Status } from '../report.js';
import type { Target } from '../target.js';
import type { StdioWire } from '../drivers/stdio-wire.js';
import type { JsonRpcMessage, Wire } from '../drivers/wire.js';

/** One finding of a check (id and title default to the check's). */
export interface Finding {
  readonly status: Status;
  readonly reason: string;
  readonly evidence?: string;
  /** Suffix appended to the check id (`.<suffix>`) when a check reports several findings. */
  readonly suffix?: string;
  readonly title?: string;
}

/** The initialized main session. */
export interface Session {
  readonly wire: Wire;
  readonly initialize: JsonRpcMessage;
  readonly protocolVersion: string;
  readonly capabilities: Record<string, unknown>;
}

/** A listing fetched page by page. */
export interface Listing {
  readonly items: readonly Record<string, unknown>[];
  /** Raw results of each page. */
  readonly pages: readonly unknown[];
  /** Set when a page failed (error response, no answer, a cursor seen twice). */
  readonly problem?: string;
}

/** The kinds of listings. */
export type ListingKind = 'tools' | 'resources' | 'prompts';

/** Options that shape a run. */
export interface HarnessOptions {
  /** Per-request wait, ms (default 10 000). */
  readonly timeoutMs?: number;
  /** How long a stdio server may take to exit on stdin EOF or SIGTERM, ms (default 5 000). */
  readonly exitBoundMs?: number;
  /** Warn when the tools listing exceeds this many cl100k tokens (default 10 000). */
  readonly tokenWarnThreshold?: number;
  /** Run the `--call` smoke checks. */
  readonly call?: boolean;
  /** How many concurrent requests the burst sends (default 50). */
  readonly burst?: number;
}

/** What a check may use. */
export interface CheckContext {
  readonly target: Target;
  readonly options: HarnessOptions;
  /** The shared session, initialized once (rejects when the server cannot be initialized). */
  session(): Promise<Session>;
  /** A new, uninitialized connection (a new process for stdio), closed at the end of the run. */
  fresh(): Promise<Wire>;
  /** A new stdio connection (stdio targets only). */
  freshStdio(): Promise<StdioWire>;
  /** A listing, fetched once and cached. */
  listing(kind: ListingKind): Promise<Listing>;
}

/** A check. */
export interface Check {
  readonly id: string;
  readonly title: string;
  readonly group: Group;
  /** Which transports it applies to (default both); the runner skips it on others, with the reason. */
  readonly transports?: readonly ('stdio' | 'http')[];
  run(context: CheckContext): Promise<Finding | readonly Finding[]>;
}

/** Shorthands. */
export const pass = (reason: string, evidence?: string): Finding => ({ status: 'pass', reason, ...ev(evidence) });
export const fail = (reason: string, evidence?: string): Finding => ({ status: 'fail', reason, ...ev(evidence) });
export const warn = (reason: string, evidence?: string): Finding => ({ status: 'warn', reason, ...ev(evidence) });
export const skip = (reason: string): Finding => ({ status: 'skip', reason });

function ev(evidence: string | undefined): { evidence?: string } {
  return evidence === undefined ? {} : { evidence };
}

/** Compact JSON of a value for evidence, cut to `max` characters. */
export function show(value: unknown, max = 400): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
