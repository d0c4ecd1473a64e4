/**
 * Runs the checks against a target and builds the report.
 *
 * @module
 */
import { applyBaseline, type Baseline } from './baseline.js';
import type { Check, CheckContext, Finding, HarnessOptions, Listing, ListingKind, Session } from './checks/check.js';
import { show } from './checks/check.js';
import { CONFORMANCE_CHECKS } from './checks/conformance.js';
import { ERROR_CHECKS } from './checks/errors.js';
import { HTTP_CHECKS } from './checks/http-security.js';
import { LIFECYCLE_CHECKS } from './checks/lifecycle.js';
import { LISTING_CHECKS } from './checks/listings.js';
import { describeReply } from './checks/replies.js';
import { SMOKE_CHECKS } from './checks/smoke.js';
import { HttpWire } from './drivers/http-wire.js';
import { StdioWire } from './drivers/stdio-wire.js';
import { initializeParams, type Wire } from './drivers/wire.js';
import { HarnessError } from './errors.js';
import { runLoad, type LoadOptions } from './load.js';
import { GROUPS, type CheckResult, type Group, type LoadSummary, type Report } from './report.js';
import { describeTarget, type Target } from './target.js';

/** Every check, in run order. */
export const ALL_CHECKS: readonly Check[] = [
  ...LIFECYCLE_CHECKS,
  ...LISTING_CHECKS,
  ...ERROR_CHECKS,
  ...SMOKE_CHECKS,
  ...HTTP_CHECKS,
  ...CONFORMANCE_CHECKS,
];

/** Options of {@link runHarness}. */
export interface RunOptions extends HarnessOptions {
  /** Only these groups (default all). */
  readonly only?: readonly Group[];
  readonly baseline?: Baseline;
  readonly load?: LoadOptions;
  /** Called as each result is known (progress output). */
  readonly onResult?: (result: CheckResult) => void;
  /** Replaces the check list (tests). */
  readonly checks?: readonly Check[];
  readonly fetch?: typeof fetch;
}

/** Most pages a listing is followed for before the harness calls it a loop. */
const MAX_PAGES = 100;
/** Most stderr lines kept in the report. */
const MAX_STDERR_LINES = 500;

/** Runs the harness; never rejects for a misbehaving server (that is a failing result). */
export async function runHarness(target: Target, options: RunOptions = {}): Promise<Report> {
  const started = Date.now();
  const wires: Wire[] = [];
  const stdioWires: StdioWire[] = [];
  const open = async (): Promise<Wire> => {
    const wire = target.kind === 'stdio' ? await StdioWire.start(target) : new HttpWire(target, options.fetch);
    wires.push(wire);
    if (wire instanceof StdioWire) stdioWires.push(wire);
    return wire;
  };
  let session: Promise<Session> | undefined;
  const listings = new Map<ListingKind, Promise<Listing>>();
  const context: CheckContext = {
    target,
    options,
    fresh: open,
    freshStdio: async () => {
      const wire = await open();
      if (!(wire instanceof StdioWire)) throw new HarnessError('BAD_OPTION', 'a stdio connection on an HTTP target');
      return wire;
    },
    session: () => (session ??= startSession(open, options)),
    listing: (kind) => {
      let listing = listings.get(kind);
      if (listing === undefined) {
        listing = context.session().then(({ wire }) => fetchListing(wire, kind, options));
        listings.set(kind, listing);
      }
      return listing;
    },
  };
  const results: CheckResult[] = [];
  const record = (result: CheckResult): void => {
    results.push(result);
    options.onResult?.(result);
  };
  const wanted = (group: Group): boolean => options.only === undefined || options.only.includes(group);
  try {
    // A command that cannot start is a harness error, not a list of failing checks.
    // So is an HTTP endpoint nothing listens on.
    if (options.only === undefined || options.only.some((group) => group !== 'load')) {
      await context.session().catch((error: unknown) => {
        if (error instanceof HarnessError && (error.code === 'SPAWN_FAILED' || error.code === 'NOT_REACHABLE'))
          throw error;
      });
    }
    for (const check of options.checks ?? ALL_CHECKS) {
      if (!wanted(check.group)) continue;
      const begin = Date.now();
      const base = { id: check.id, group: check.group, title: check.title };
      if (check.transports !== undefined && !check.transports.includes(target.kind)) {
        record({
          ...base,
          status: 'skip',
          reason:
            target.kind === 'http'
              ? 'HTTP target: the harness did not start the process'
              : `${target.kind} target: applies to ${check.transports.join('/')} targets only`,
        });
        continue;
      }
      try {
        const found = await check.run(context);
        const findings: readonly Finding[] = isFindingList(found) ? found : [found];
        for (const finding of findings) {
          record({
            id: finding.suffix === undefined ? check.id : `${check.id}.${finding.suffix}`,
            group: check.group,
            title: finding.title ?? check.title,
            status: finding.status,
            reason: finding.reason,
            ...(finding.evidence === undefined ? {} : { evidence: finding.evidence }),
            durationMs: Date.now() - begin,
          });
        }
      } catch (error) {
        record({
          ...base,
          status: 'fail',
          reason: error instanceof Error ? error.message : String(error),
          durationMs: Date.now() - begin,
        });
      }
    }
    if (wanted('lifecycle') && target.kind === 'stdio') record(stdoutPurity(stdioWires));
    let load: LoadSummary | undefined;
    if (options.load !== undefined && wanted('load')) {
      try {
        load = await runLoad(target, options.load);
        record({
          id: 'load',
          group: 'load',
          title: `load: ${options.load.concurrency} callers of ${options.load.tool} for ${options.load.durationS} s`,
          status: load.errors === 0 ? 'pass' : 'fail',
          reason: `${load.calls} calls, ${load.errors} errors, ${load.throughputPerS}/s, p50 ${load.p50Ms} ms, p95 ${load.p95Ms} ms, p99 ${load.p99Ms} ms`,
        });
      } catch (error) {
        record({
          id: 'load',
          group: 'load',
          title: 'load',
          status: 'fail',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const initialize = session === undefined ? undefined : await session.catch(() => undefined);
    const info = (initialize?.initialize.result as { serverInfo?: { name?: unknown; version?: unknown } } | undefined)
      ?.serverInfo;
    const ordered = (options.baseline === undefined ? results : applyBaseline(results, options.baseline, wanted)).sort(
      (a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group),
    );
    return {
      target: describeTarget(target),
      transport: target.kind,
      ...(initialize === undefined
        ? {}
        : {
            server: {
              ...(typeof info?.name === 'string' ? { name: info.name } : {}),
              ...(typeof info?.version === 'string' ? { version: info.version } : {}),
              protocolVersion: initialize.protocolVersion,
            },
          }),
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      results: ordered,
      stderr: stdioWires.flatMap((wire) => wire.stderrLines).slice(0, MAX_STDERR_LINES),
      ...(load === undefined ? {} : { load }),
    };
  } finally {
    await Promise.all(wires.map((wire) => wire.close().catch(() => undefined)));
  }
}

async function startSession(open: () => Promise<Wire>, options: HarnessOptions): Promise<Session> {
  const wire = await open();
  const reply = await wire.request('initialize', initializeParams('2025-11-25'), { timeoutMs: options.timeoutMs });
  if (wire.transport === 'http' && reply.kind === 'none' && reply.reason === 'closed') {
    throw new HarnessError('NOT_REACHABLE', `cannot reach the server: ${reply.body ?? 'the connection failed'}`);
  }
  if (reply.kind !== 'message' || reply.message.error !== undefined) {
    const exit =
      wire instanceof StdioWire && wire.exitedWith !== undefined
        ? ` (the process exited: ${show(wire.exitedWith)})`
        : '';
    throw new HarnessError('NOT_CONNECTED', `initialize got ${describeReply(reply)}${exit}`);
  }
  await wire.notify('notifications/initialized');
  const result = (reply.message.result ?? {}) as { protocolVersion?: unknown; capabilities?: unknown };
  return {
    wire,
    initialize: reply.message,
    protocolVersion: String(result.protocolVersion),
    capabilities:
      typeof result.capabilities === 'object' && result.capabilities !== null
        ? (result.capabilities as Record<string, unknown>)
        : {},
  };
}

async function fetchListing(wire: Wire, kind: ListingKind, options: HarnessOptions): Promise<Listing> {
  const items: Record<string, unknown>[] = [];
  const pages: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const reply = await wire.request(`${kind}/list`, cursor === undefined ? {} : { cursor }, {
      timeoutMs: options.timeoutMs,
    });
    if (reply.kind !== 'message' || reply.message.error !== undefined) {
      return { items, pages, problem: `${kind}/list page ${page + 1} got ${describeReply(reply)}` };
    }
    const result = reply.message.result as Record<string, unknown> | undefined;
    pages.push(result);
    const list = result?.[kind];
    if (Array.isArray(list))
      items.push(...(list.filter((item) => typeof item === 'object' && item !== null) as Record<string, unknown>[]));
    const next = result?.nextCursor;
    if (typeof next !== 'string') return { items, pages };
    if (seen.has(next))
      return { items, pages, problem: `${kind}/list returned cursor ${show(next)} twice (a pagination loop)` };
    seen.add(next);
    cursor = next;
  }
  return { items, pages, problem: `${kind}/list still had a nextCursor after ${MAX_PAGES} pages` };
}

/** Every stdout line that was not a JSON-RPC message, from every process the run started. */
function stdoutPurity(wires: readonly StdioWire[]): CheckResult {
  const base = { id: 'lifecycle.stdout-purity', group: 'lifecycle' as const, title: 'nothing but JSON-RPC on stdout' };
  const noise = wires.flatMap((wire) => wire.noise);
  if (noise.length === 0) {
    return {
      ...base,
      status: 'pass',
      reason: `every stdout line of ${wires.length} server process(es) was a JSON-RPC message`,
    };
  }
  const distinct = [...new Set(noise.map((item) => item.line))];
  return {
    ...base,
    status: 'fail',
    reason: `${noise.length} stdout line(s) are not JSON-RPC, first: ${JSON.stringify(distinct[0]?.slice(0, 120))}`,
    evidence: distinct
      .slice(0, 10)
      .map((line) => JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line))
      .join('\n'),
  };
}

function isFindingList(found: Finding | readonly Finding[]): found is readonly Finding[] {
  return Array.isArray(found);
}
