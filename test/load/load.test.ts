// The load run (issue 3 §5): the built `api` template over stateless HTTP with everything on —
// bearer authentication, a per-client rate limit (high enough not to trip), the journal with
// interval fsync, metrics and argument validation — calling the fake upstream on loopback, driven
// by 50 official-SDK clients at once (one connection each, half 2025-era, half 2026-07-28) for a
// bounded time. It asserts behaviour only: no call fails, the journal holds exactly one record per
// successful call, /metrics counted the same calls, and the server's RSS stays bounded (its peak at
// most 1.5× the value 10 s in, when the heap has settled). Timing figures are printed, not asserted.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { readJournal } from '@mcp-factory/runtime';
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { startServerProcess, type ServerProcess } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../templates/api/fake/upstream.js';
import { buildServer, REPO, type BuiltServer } from '../conformance/helpers.js';
import { tempDir } from '../helpers/index.js';

const CLIENTS = 50;
/** Bounded so the file stays near a minute; `LOAD_SECONDS` lengthens it for a soak. */
const RUN_MS = Number(process.env.LOAD_SECONDS ?? 30) * 1000;
/** When the reference RSS is taken: start-up and JIT warm-up are over, the heap has grown to its working size. */
const REFERENCE_MS = Math.min(10_000, RUN_MS / 3);
const SAMPLE_MS = 250;
const TOKENS = Array.from(
  { length: CLIENTS },
  (_, index) => `load-token-${String(index).padStart(4, '0')}-0123456789abcdef`,
);
const QUERIES = ['red', 'jacket', 'blue', 'wool', 'shoes', 'lamp'];

function rssKiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((status) => {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
    return Number(match[1]);
  });
}

/** The value of one Prometheus sample, e.g. `mcp_tool_calls_total{tool="x",status="ok"}`; 0 when absent. */
function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    const found = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1] ?? '', match[2] ?? '']),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return 0;
}

interface ClientStats {
  ok: number;
  errors: string[];
}

async function runClient(url: string, index: number, until: number, stats: ClientStats): Promise<void> {
  const modern = index % 2 === 1;
  const client = new Client(
    { name: `load-${index}`, version: '1.0.0' },
    modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${TOKENS[index] ?? ''}`, 'x-request-id': `load-${index}` } },
  });
  await client.connect(transport);
  try {
    for (let call = 0; Date.now() < until; call++) {
      const query = QUERIES[(index + call) % QUERIES.length] ?? 'red';
      try {
        const result = await client.callTool({ name: 'search_items', arguments: { query, limit: 5 } });
        const total = (result.structuredContent as { total?: unknown } | undefined)?.total;
        if (result.isError === true || typeof total !== 'number') {
          stats.errors.push(`client ${index}: ${JSON.stringify(result).slice(0, 300)}`);
        } else {
          stats.ok += 1;
        }
      } catch (error) {
        stats.errors.push(`client ${index}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    await client.close();
  }
}

describe('load: 50 concurrent clients against a generated HTTP server with everything on', () => {
  let built: BuiltServer;
  let fake: FakeUpstream;
  let server: ServerProcess;
  let journalDir: string;
  const stats: ClientStats = { ok: 0, errors: [] };
  const rss: { atMs: number; kib: number }[] = [];
  let metricsText = '';
  let stopCode: number | NodeJS.Signals | null = null;

  beforeAll(async () => {
    built = await buildServer(join(REPO, 'templates', 'api'));
    fake = await startFakeApi();
    journalDir = await tempDir('load-journal');
    server = await startServerProcess(process.execPath, [built.bin, '--transport', 'http', '--port', '0'], {
      env: {
        API_BASE_URL: fake.url,
        API_KEY: FAKE_API_KEY,
        MCP_AUTH_TOKENS: TOKENS.join(','),
        // Per client (per token): well above what one sequential client can send.
        MCP_RATE_LIMIT: '100000/min',
        MCP_JOURNAL_DIR: journalDir,
        MCP_JOURNAL_FSYNC: 'interval',
      },
      waitForHttp: true,
    });
    const url = server.url!;
    const pid = server.child.pid!;
    const startedAt = Date.now();
    const sampler = setInterval(() => {
      void rssKiB(pid).then(
        (kib) => rss.push({ atMs: Date.now() - startedAt, kib }),
        () => undefined,
      );
    }, SAMPLE_MS);
    try {
      const until = startedAt + RUN_MS;
      await Promise.all(Array.from({ length: CLIENTS }, (_, index) => runClient(url, index, until, stats)));
    } finally {
      clearInterval(sampler);
    }
    rss.push({ atMs: Date.now() - startedAt, kib: await rssKiB(pid) });
    const metrics = await fetch(new URL('/metrics', url), { headers: { authorization: `Bearer ${TOKENS[0]}` } });
    metricsText = await metrics.text();
    // A graceful stop flushes and closes the journal.
    stopCode = await server.stop('SIGTERM');
  }, 240_000);

  afterAll(async () => {
    if (server !== undefined) await server.stop('SIGKILL');
    await fake?.close();
    await built?.remove();
    if (journalDir !== undefined) await rm(journalDir, { recursive: true, force: true });
  });

  it('serves every call without an error', () => {
    const seconds = RUN_MS / 1000;
    process.stderr.write(
      `load: ${stats.ok} calls in ${seconds} s by ${CLIENTS} clients (${Math.round(stats.ok / seconds)}/s), ` +
        `${stats.errors.length} errors\n`,
    );
    expect(stats.errors.slice(0, 5)).toEqual([]);
    expect(stats.ok).toBeGreaterThan(CLIENTS);
    expect(stopCode).toBe(0);
  });

  it('journals exactly one record per successful call', async () => {
    let ok = 0;
    let other = 0;
    const requestIds = new Set<string>();
    for await (const record of readJournal(journalDir)) {
      if (record.method === 'tools/call' && record.name === 'search_items' && record.status === 'ok') ok += 1;
      else other += 1;
      requestIds.add(record.requestId);
    }
    expect({ ok, other }).toEqual({ ok: stats.ok, other: 0 });
    // The X-Request-ID each client sent is the record's request id.
    expect([...requestIds].sort()).toEqual(Array.from({ length: CLIENTS }, (_, index) => `load-${index}`).sort());
  });

  it('counts the same calls in /metrics', () => {
    expect(metricValue(metricsText, 'mcp_tool_calls_total', { tool: 'search_items', status: 'ok' })).toBe(stats.ok);
    expect(metricValue(metricsText, 'mcp_tool_calls_total', { tool: 'search_items', status: 'error' })).toBe(0);
    expect(metricValue(metricsText, 'mcp_rate_limited_total', {})).toBe(0);
    expect(metricValue(metricsText, 'mcp_journal_records_total', { result: 'error' })).toBe(0);
  });

  it('keeps RSS bounded: the peak is at most 1.5x the value at 10 s', () => {
    const reference = rss.find((sample) => sample.atMs >= REFERENCE_MS);
    expect(reference, 'an RSS sample after the reference time').toBeDefined();
    const peak = Math.max(...rss.map((sample) => sample.kib));
    const last = rss.at(-1)!;
    process.stderr.write(
      `load: RSS at ${(reference!.atMs / 1000).toFixed(1)} s ${(reference!.kib / 1024).toFixed(1)} MiB, ` +
        `peak ${(peak / 1024).toFixed(1)} MiB (${(peak / reference!.kib).toFixed(2)}x), ` +
        `end ${(last.kib / 1024).toFixed(1)} MiB (${rss.length} samples)\n`,
    );
    expect(peak / reference!.kib).toBeLessThanOrEqual(1.5);
  });
});
