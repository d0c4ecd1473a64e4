// `npm run bench:runtime [-- --quick]`: what the production runtime's features cost, measured
// against the plain SDK in the same run (issue 3 §6):
//   (a) journal append throughput and append→durable latency per fsync policy (in process);
//   (b) stdio round trip, runtime with every feature on (journal interval + metrics + validation +
//       access log) vs the plain-SDK minimal server, in alternating blocks;
//   (c) stateless HTTP throughput, runtime vs the SDK's documented stateless pattern (a new McpServer
//       and transport per request), in alternating blocks, with the SDK floor beside them (one
//       long-lived McpServer behind a minimal transport: what the protocol layer alone costs);
//   (d) RSS drift over 40k HTTP calls, stateless and stateful JSON-response mode
//       (typescript-sdk#2559), the runtime and the plain SDK.
// Prints a table with the goals and writes bench/results/runtime-latest.json. A benchmark, not a
// test: it exits 0 whether goals hold or not, and 1 only when it could not measure.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

import { Pool } from 'undici';

import { createLogger, openJournal } from '../packages/runtime/dist/index.js';
import { RpcChild, cpuTimeMs, rssKiB } from './rpc-client.mjs';
import { CALL } from './runtime/tool.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HERE = join(ROOT, 'bench/runtime');
const RESULTS = join(ROOT, 'bench/results');
const QUICK = process.argv.includes('--quick');

const SETTINGS = QUICK
  ? {
      journalRecords: 4000,
      stdioWarmup: 300,
      stdioCalls: 2000,
      stdioBlocks: 4,
      httpWarmup: 500,
      httpRequests: 4000,
      httpBlocks: 4,
      rssCalls: 10_000,
    }
  : {
      journalRecords: 20_000,
      stdioWarmup: 1000,
      stdioCalls: 8000,
      stdioBlocks: 8,
      httpWarmup: 2000,
      httpRequests: 16_000,
      httpBlocks: 8,
      rssCalls: 40_000,
    };
const JOURNAL_INFLIGHT = 64;
const HTTP_INFLIGHT = 16;
/** The RSS reference is taken once this share of the calls is done (start-up and JIT warm-up are over). */
const RSS_REFERENCE_SHARE = 0.25;

const GOALS = {
  stdioP50: { op: '<=', value: 1.1 },
  statelessThroughput: { op: '>=', value: 3 },
  rssDrift: { op: 'within', value: 0.1 },
};

const log = (text) => process.stderr.write(`${text}\n`);

// HTTP sections: the server under test runs on one core and this process (the load client) on the
// other, the same for both servers, so that the client's CPU does not eat into the server's share
// and compress the ratio. Needs taskset and at least 2 CPUs; otherwise nothing is pinned.
const TASKSET = '/usr/bin/taskset';
const PIN = existsSync(TASKSET) && os.cpus().length >= 2 ? { server: '1', client: '0' } : undefined;
const PINNING =
  PIN === undefined ? 'not pinned' : `server on CPU ${PIN.server}, load client on CPU ${PIN.client} (taskset)`;

/** Pins this process (the HTTP load client) to its CPU; returns a function that restores the old affinity. */
function pinClient() {
  if (PIN === undefined) return () => undefined;
  const before = execFileSync(TASKSET, ['-p', String(process.pid)], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .at(-1);
  execFileSync(TASKSET, ['-p', '-c', PIN.client, String(process.pid)], { stdio: 'ignore' });
  return () => execFileSync(TASKSET, ['-p', before, String(process.pid)], { stdio: 'ignore' });
}

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

function childEnv(extra = {}) {
  const unset = new Set(['LOG_LEVEL', 'MCP_TRANSPORT', 'PORT', 'HOST', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']);
  const inherited = Object.entries(process.env).filter(([name]) => !unset.has(name) && !name.startsWith('MCP_'));
  return { ...Object.fromEntries(inherited), ...extra };
}

// ---------------------------------------------------------------------------------------------
// (a) journal

const ENTRY = {
  method: 'tools/call',
  name: 'search_items',
  requestId: '8b0e2f1c-4a57-4a53-9d5e-5f1f0c3b7a11',
  durationMs: 1.23,
  status: 'ok',
  args: { query: 'red shoes', limit: 10 },
  result: {
    content: [{ type: 'text', text: '2 item(s) match "red shoes"; showing 2:\n- it_1: Red shoe\n- it_2: Red boot' }],
    structuredContent: {
      total: 2,
      items: [
        { id: 'it_1', name: 'Red shoe', tags: ['red', 'shoe'] },
        { id: 'it_2', name: 'Red boot', tags: ['red', 'boot'] },
      ],
    },
  },
  exchanges: [
    { method: 'GET', url: 'http://127.0.0.1:9/items?q=red+shoes&limit=10', status: 200, attempt: 1, durationMs: 0.81 },
  ],
};

/**
 * Two runs per policy on a fresh journal: a burst (`total` appends at once; records/s until the
 * last is durable) and a paced run (JOURNAL_INFLIGHT unacknowledged at a time, as concurrent calls
 * would be) that times each append→durable and the time append() itself takes on the caller's path.
 */
async function journalRun(policy) {
  const dir = mkdtempSync(join(os.tmpdir(), `mcp-bench-journal-${policy}-`));
  const journal = openJournal({ dir, fsync: policy, metrics: false, logger: createLogger({ level: 'silent' }) });
  const total = SETTINGS.journalRecords;
  try {
    const burstStartedAt = performance.now();
    let onPath = 0;
    const appends = [];
    for (let index = 0; index < total; index++) {
      const calledAt = performance.now();
      appends.push(journal.append(ENTRY));
      onPath += performance.now() - calledAt;
    }
    await Promise.all(appends);
    const burstMs = performance.now() - burstStartedAt;

    const paced = Math.min(total, policy === 'interval' ? 1280 : total / 4);
    const latencies = [];
    await new Promise((resolve, reject) => {
      let started = 0;
      let finished = 0;
      const launch = () => {
        if (started === paced) return;
        started++;
        const sentAt = performance.now();
        journal.append(ENTRY).then(() => {
          latencies.push(performance.now() - sentAt);
          finished++;
          if (finished === paced) resolve();
          else launch();
        }, reject);
      };
      for (let index = 0; index < JOURNAL_INFLIGHT; index++) launch();
    });
    return {
      recordsPerS: total / (burstMs / 1000),
      durableP50Ms: percentile(latencies, 50),
      durableP99Ms: percentile(latencies, 99),
      appendCallUs: (onPath / total) * 1000,
    };
  } finally {
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// (b) stdio round trip

async function sequential(server, calls, latencies) {
  for (let index = 0; index < calls; index++) {
    const { sentAt, receivedAt } = await server.request('tools/call', CALL);
    latencies?.push(receivedAt - sentAt);
  }
}

async function stdioRun(journalDir) {
  const specs = [
    {
      label: 'runtime (stdio)',
      args: [join(HERE, 'runtime-server.mjs')],
      env: childEnv({ MCP_JOURNAL_DIR: journalDir }),
    },
    { label: 'plain SDK (stdio)', args: [join(HERE, 'plain-stdio.mjs')], env: childEnv() },
  ];
  const servers = specs.map(
    (spec) => new RpcChild(spec.label, process.execPath, spec.args, { env: spec.env, cwd: ROOT }),
  );
  try {
    await Promise.all(servers.map((server) => server.initialize()));
    const answers = await Promise.all(servers.map((server) => server.request('tools/call', CALL)));
    if (!isDeepStrictEqual(answers[0].result, answers[1].result)) {
      throw new Error(
        `the servers answer differently:\n${JSON.stringify(answers[0].result)}\n${JSON.stringify(answers[1].result)}`,
      );
    }
    for (const server of servers) await sequential(server, SETTINGS.stdioWarmup);
    const latencies = servers.map(() => []);
    const cpuMs = servers.map(() => 0);
    const perBlock = SETTINGS.stdioCalls / SETTINGS.stdioBlocks;
    for (let block = 0; block < SETTINGS.stdioBlocks; block++) {
      for (const index of block % 2 === 0 ? [0, 1] : [1, 0]) {
        const before = cpuTimeMs(servers[index].pid);
        await sequential(servers[index], perBlock, latencies[index]);
        cpuMs[index] += cpuTimeMs(servers[index].pid) - before;
      }
    }
    return servers.map((_, index) => ({
      p50Ms: percentile(latencies[index], 50),
      p99Ms: percentile(latencies[index], 99),
      cpuPerCallMs: cpuMs[index] / SETTINGS.stdioCalls,
    }));
  } finally {
    await Promise.all(servers.map((server) => server.kill()));
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP: servers and a small keep-alive client (the same code drives both servers)

/** Spawns an HTTP bench server; resolves once it printed its URL. */
function startHttpServer(label, args, env) {
  const [command, argv] =
    PIN === undefined ? [process.execPath, args] : [TASKSET, ['-c', PIN.server, process.execPath, ...args]];
  const child = spawn(command, argv, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}:\n${stderr}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline === -1) return;
      child.removeAllListeners('exit');
      resolve({
        label,
        pid: child.pid,
        url: new URL(JSON.parse(out.slice(0, newline)).url),
        stop: () =>
          new Promise((done) => {
            child.once('exit', done);
            child.kill('SIGKILL');
          }),
      });
    });
  });
}

const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: CALL });

/**
 * The load client of the HTTP sections, the same for every server: undici's `Pool`, one per server
 * origin with HTTP_INFLIGHT keep-alive connections. On this machine `node:http` with a keep-alive
 * agent spent ~70-110 µs of client CPU per request and capped the faster server near 4k requests/s
 * while its own CPU per request said ~6k; undici's pool costs ~55 µs and lets the servers set the
 * pace, which is what the ratio is meant to compare.
 */
class HttpClient {
  #pools = new Map();

  pool(url) {
    let pool = this.#pools.get(url.origin);
    if (pool === undefined) {
      pool = new Pool(url.origin, { connections: HTTP_INFLIGHT, pipelining: 1 });
      this.#pools.set(url.origin, pool);
    }
    return pool;
  }

  async close() {
    await Promise.all([...this.#pools.values()].map((pool) => pool.destroy()));
    this.#pools.clear();
  }
}

/** POSTs one JSON-RPC body; resolves with the status, headers and the JSON-RPC message (JSON or SSE). */
async function post(client, url, body, headers = {}) {
  const res = await client.pool(url).request({
    path: url.pathname,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    },
    body,
  });
  const text = await res.body.text();
  let message;
  if (text !== '') {
    const data = String(res.headers['content-type'] ?? '').startsWith('text/event-stream')
      ? text
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .find((line) => line !== '')
      : text;
    message = data === undefined ? undefined : JSON.parse(data);
  }
  return { status: res.statusCode, headers: res.headers, message };
}

function checkAnswer(server, answer) {
  if (answer.status !== 200 || answer.message?.result === undefined || answer.message.result.isError === true) {
    throw new Error(`${server.label}: unexpected answer ${answer.status} ${JSON.stringify(answer.message)}`);
  }
}

/** Runs `total` tools/call POSTs with HTTP_INFLIGHT in flight; `every(done)` runs after each answer. */
function httpLoad(server, client, total, headers = {}, every = undefined) {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    let started = 0;
    let finished = 0;
    const launch = () => {
      if (started === total) return;
      started++;
      post(client, server.url, BODY, headers).then((answer) => {
        try {
          checkAnswer(server, answer);
        } catch (error) {
          reject(error);
          return;
        }
        finished++;
        every?.(finished);
        if (finished === total) resolve(performance.now() - startedAt);
        else launch();
      }, reject);
    };
    for (let index = 0; index < HTTP_INFLIGHT; index++) launch();
  });
}

// ---------------------------------------------------------------------------------------------
// (c) stateless HTTP throughput

/**
 * The runtime, the SDK's documented pattern (the goal's baseline) and the SDK floor (one long-lived
 * instance behind a few lines of transport, no runtime feature: what the SDK's protocol layer alone
 * costs per request, so the best ratio any server built on it can reach), in alternating blocks.
 */
async function statelessRun(journalDir) {
  const servers = await Promise.all([
    startHttpServer(
      'runtime (HTTP)',
      [join(HERE, 'runtime-server.mjs'), 'http'],
      childEnv({ MCP_JOURNAL_DIR: journalDir }),
    ),
    startHttpServer('plain SDK (HTTP)', [join(HERE, 'plain-http.mjs')], childEnv()),
    startHttpServer('SDK floor (HTTP)', [join(HERE, 'sdk-floor-http.mjs')], childEnv()),
  ]);
  const client = new HttpClient();
  try {
    const answers = await Promise.all(servers.map((server) => post(client, server.url, BODY)));
    answers.forEach((answer, index) => checkAnswer(servers[index], answer));
    for (const [index, answer] of answers.entries()) {
      if (!isDeepStrictEqual(answers[0].message, answer.message)) {
        throw new Error(
          `${servers[index].label} answers differently from ${servers[0].label}:\n${JSON.stringify(answers[0].message)}\n${JSON.stringify(answer.message)}`,
        );
      }
    }
    for (const server of servers) await httpLoad(server, client, SETTINGS.httpWarmup);
    const elapsed = servers.map(() => 0);
    const cpuMs = servers.map(() => 0);
    const perBlock = SETTINGS.httpRequests / SETTINGS.httpBlocks;
    const order = [...servers.keys()];
    for (let block = 0; block < SETTINGS.httpBlocks; block++) {
      for (const index of block % 2 === 0 ? order : [...order].reverse()) {
        const before = cpuTimeMs(servers[index].pid);
        elapsed[index] += await httpLoad(servers[index], client, perBlock);
        cpuMs[index] += cpuTimeMs(servers[index].pid) - before;
      }
    }
    return servers.map((_, index) => ({
      requestsPerS: SETTINGS.httpRequests / (elapsed[index] / 1000),
      cpuPerRequestMs: cpuMs[index] / SETTINGS.httpRequests,
    }));
  } finally {
    await client.close();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

// ---------------------------------------------------------------------------------------------
// (d) RSS drift over many HTTP calls

/** Opens a 2025-era session (stateful servers); resolves with the headers later requests carry. */
async function openSession(server, client) {
  const init = await post(
    client,
    server.url,
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '0.0.0' } },
    }),
  );
  const sessionId = init.headers['mcp-session-id'];
  if (init.status !== 200 || typeof sessionId !== 'string') {
    throw new Error(`${server.label}: initialize failed (${init.status}) ${JSON.stringify(init.message)}`);
  }
  const headers = { 'mcp-session-id': sessionId };
  const initialized = await post(
    client,
    server.url,
    JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    headers,
  );
  if (initialized.status !== 202)
    throw new Error(`${server.label}: notifications/initialized answered ${initialized.status}`);
  return headers;
}

const median = (values) => percentile(values, 50);

/**
 * Drives `total` calls and samples VmRSS after every 1% of them. The drift compares the median of
 * the samples at the end (the last 10%) with the median around the reference point (20–30%): the
 * trend, not where one garbage-collection cycle happened to be when a single sample was taken. The
 * peak and the low are the extremes of every sample from the reference window on: a flat RSS keeps
 * those within the goal too, where a saw-tooth (old space filling between full collections) does not.
 */
async function rssRun(label, args, env, stateful) {
  const server = await startHttpServer(label, args, env);
  const client = new HttpClient();
  try {
    const headers = stateful ? await openSession(server, client) : {};
    const total = SETTINGS.rssCalls;
    const sampleEvery = Math.max(1, Math.round(total / 100));
    const samples = [];
    await httpLoad(server, client, total, headers, (done) => {
      if (done % sampleEvery === 0) samples.push({ share: done / total, kib: rssKiB(server.pid) });
    });
    const around = (from, to) =>
      samples.filter((sample) => sample.share > from && sample.share <= to).map((sample) => sample.kib);
    const referenceKiB = median(around(RSS_REFERENCE_SHARE - 0.05, RSS_REFERENCE_SHARE + 0.05));
    const endKiB = median(around(0.9, 1));
    const peakKiB = Math.max(...around(RSS_REFERENCE_SHARE - 0.05, 1));
    const lowKiB = Math.min(...around(RSS_REFERENCE_SHARE - 0.05, 1));
    return {
      referenceKiB,
      endKiB,
      peakKiB,
      lowKiB,
      drift: endKiB / referenceKiB - 1,
      peakDrift: peakKiB / referenceKiB - 1,
      lowDrift: lowKiB / referenceKiB - 1,
      samples: samples.map((sample) => sample.kib),
    };
  } finally {
    await client.close();
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// report

const fmt = (value, digits = 2) => (value === undefined ? '-' : value.toFixed(digits));
const signedPercent = (share) => `${share >= 0 ? '+' : ''}${fmt(share * 100, 1)}%`;

function verdict(goal, value) {
  if (goal === undefined) return '';
  if (goal.op === '<=') return value <= goal.value ? 'PASS' : 'MISS';
  if (goal.op === '>=') return value >= goal.value ? 'PASS' : 'MISS';
  return Math.abs(value) <= goal.value ? 'PASS' : 'MISS';
}

function goalText(goal) {
  if (goal === undefined) return '';
  return goal.op === 'within' ? `±${goal.value * 100}%` : `${goal.op} ${goal.value}x`;
}

function printTable(title, header, rows) {
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => String(row[column]).length)));
  const line = (row) =>
    row
      .map((cell, column) =>
        column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]),
      )
      .join('  ');
  process.stdout.write(`\n${title}\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

async function main() {
  const began = performance.now();
  const loadBefore = os.loadavg()[0];
  const work = mkdtempSync(join(os.tmpdir(), 'mcp-bench-runtime-'));
  try {
    log(`(a) journal: ${SETTINGS.journalRecords} appends per fsync policy, ${JOURNAL_INFLIGHT} in flight…`);
    const journal = {};
    for (const policy of ['always', 'interval', 'off']) journal[policy] = await journalRun(policy);

    log(`(b) stdio: ${SETTINGS.stdioCalls} sequential calls per server in ${SETTINGS.stdioBlocks} alternating blocks…`);
    const [stdioRuntime, stdioPlain] = await stdioRun(join(work, 'journal-stdio'));

    log(
      `(c) stateless HTTP: ${SETTINGS.httpRequests} requests per server, ${HTTP_INFLIGHT} in flight, alternating blocks, ${PINNING}…`,
    );
    const unpin = pinClient();
    let httpRuntime;
    let httpPlain;
    let httpFloor;
    let rss;
    try {
      [httpRuntime, httpPlain, httpFloor] = await statelessRun(join(work, 'journal-http'));

      log(`(d) RSS over ${SETTINGS.rssCalls} HTTP calls: runtime stateless, runtime and plain SDK stateful JSON…`);
      rss = {
        runtimeStateless: await rssRun(
          'runtime stateless',
          [join(HERE, 'runtime-server.mjs'), 'http'],
          childEnv({ MCP_JOURNAL_DIR: join(work, 'journal-rss-1') }),
          false,
        ),
        runtimeStatefulJson: await rssRun(
          'runtime stateful JSON',
          [join(HERE, 'runtime-server.mjs'), 'http', '--stateful-json'],
          childEnv({ MCP_JOURNAL_DIR: join(work, 'journal-rss-2') }),
          true,
        ),
        plainStatefulJson: await rssRun(
          'plain SDK stateful JSON',
          [join(HERE, 'plain-http.mjs'), '--stateful-json'],
          childEnv(),
          true,
        ),
      };
    } finally {
      unpin();
    }

    printTable(
      '(a) journal append, in process',
      [
        'fsync policy',
        'burst records/s',
        `append→durable p50, ${JOURNAL_INFLIGHT} in flight (ms)`,
        'p99 (ms)',
        'append() on the call path (µs)',
      ],
      Object.entries(journal).map(([policy, run]) => [
        policy,
        fmt(run.recordsPerS, 0),
        fmt(run.durableP50Ms, 3),
        fmt(run.durableP99Ms, 3),
        fmt(run.appendCallUs, 1),
      ]),
    );

    const ratios = {
      stdioP50: stdioRuntime.p50Ms / stdioPlain.p50Ms,
      stdioCpuPerCall: stdioRuntime.cpuPerCallMs / stdioPlain.cpuPerCallMs,
      statelessThroughput: httpRuntime.requestsPerS / httpPlain.requestsPerS,
      statelessCpuPerRequest: httpRuntime.cpuPerRequestMs / httpPlain.cpuPerRequestMs,
      statelessFloorThroughput: httpFloor.requestsPerS / httpPlain.requestsPerS,
      rssDriftStateless: rss.runtimeStateless.drift,
      rssDriftStatefulJson: rss.runtimeStatefulJson.drift,
    };
    /** Flat within the goal: the end, the peak and the low all within it of the reference. */
    const flat = (run) =>
      [run.drift, run.peakDrift, run.lowDrift].every((drift) => verdict(GOALS.rssDrift, drift) === 'PASS')
        ? 'PASS'
        : 'MISS';
    printTable(
      `(b)(c) runtime with every feature on vs the plain SDK, same run (HTTP: ${PINNING})`,
      ['metric', 'runtime', 'plain SDK', 'ratio', 'goal', ''],
      [
        [
          'stdio round trip p50 (ms)',
          fmt(stdioRuntime.p50Ms, 3),
          fmt(stdioPlain.p50Ms, 3),
          `${fmt(ratios.stdioP50)}x`,
          goalText(GOALS.stdioP50),
          verdict(GOALS.stdioP50, ratios.stdioP50),
        ],
        [
          'stdio round trip p99 (ms)',
          fmt(stdioRuntime.p99Ms, 3),
          fmt(stdioPlain.p99Ms, 3),
          `${fmt(stdioRuntime.p99Ms / stdioPlain.p99Ms)}x`,
          '',
          '',
        ],
        [
          'stdio server CPU per call (ms)',
          fmt(stdioRuntime.cpuPerCallMs, 3),
          fmt(stdioPlain.cpuPerCallMs, 3),
          `${fmt(stdioRuntime.cpuPerCallMs / stdioPlain.cpuPerCallMs)}x`,
          '',
          '',
        ],
        [
          `stateless HTTP, ${HTTP_INFLIGHT} in flight (req/s)`,
          fmt(httpRuntime.requestsPerS, 0),
          fmt(httpPlain.requestsPerS, 0),
          `${fmt(ratios.statelessThroughput)}x`,
          goalText(GOALS.statelessThroughput),
          verdict(GOALS.statelessThroughput, ratios.statelessThroughput),
        ],
        [
          'stateless HTTP server CPU per request (ms)',
          fmt(httpRuntime.cpuPerRequestMs, 3),
          fmt(httpPlain.cpuPerRequestMs, 3),
          `${fmt(httpRuntime.cpuPerRequestMs / httpPlain.cpuPerRequestMs)}x`,
          '',
          '',
        ],
      ],
    );
    // What the goal leaves for the runtime's features: the SDK floor is what the protocol layer
    // alone costs per request, so the goal's ratio needs runtime − floor ≤ plain ÷ goal − floor.
    const featureBudgetMs = httpPlain.cpuPerRequestMs / GOALS.statelessThroughput.value - httpFloor.cpuPerRequestMs;
    printTable(
      '(c) stateless HTTP server CPU per request: the SDK floor (one long-lived instance, no runtime feature) and what the goal leaves above it',
      ['server', 'req/s', 'CPU per request (ms)', 'throughput vs plain SDK'],
      [
        ['runtime, every feature on', httpRuntime, ratios.statelessThroughput],
        ['SDK floor', httpFloor, ratios.statelessFloorThroughput],
        ['plain SDK (documented pattern)', httpPlain, 1],
      ].map(([name, run, ratio]) => [name, fmt(run.requestsPerS, 0), fmt(run.cpuPerRequestMs, 3), `${fmt(ratio)}x`]),
    );
    process.stdout.write(
      `runtime features above the floor: ${fmt((httpRuntime.cpuPerRequestMs - httpFloor.cpuPerRequestMs) * 1000, 0)} µs per request; ` +
        `the goal (${goalText(GOALS.statelessThroughput)} the plain SDK) leaves them ${fmt(featureBudgetMs * 1000, 0)} µs\n`,
    );
    printTable(
      `(d) RSS over ${SETTINGS.rssCalls} HTTP calls: median of the samples at 20–30% of them (reference) and in the last 10% (end); low and peak of every sample from 20% on`,
      ['server', 'reference (MiB)', 'end (MiB)', 'low (MiB)', 'peak (MiB)', 'end/ref', 'low..peak/ref', 'goal', ''],
      [
        ['runtime, stateless', rss.runtimeStateless],
        ['runtime, stateful JSON response', rss.runtimeStatefulJson],
        ['plain SDK, stateful JSON response', rss.plainStatefulJson],
      ].map(([name, run], index) => [
        name,
        fmt(run.referenceKiB / 1024, 1),
        fmt(run.endKiB / 1024, 1),
        fmt(run.lowKiB / 1024, 1),
        fmt(run.peakKiB / 1024, 1),
        signedPercent(run.drift),
        `${signedPercent(run.lowDrift)}..${signedPercent(run.peakDrift)}`,
        index < 2 ? goalText(GOALS.rssDrift) : '',
        index < 2 ? flat(run) : '',
      ]),
    );

    const seconds = (performance.now() - began) / 1000;
    const loadAfter = os.loadavg()[0];
    process.stdout.write(
      `\n${QUICK ? 'quick run' : 'full run'} in ${fmt(seconds, 1)} s, load average ${fmt(loadBefore)} → ${fmt(loadAfter)} ` +
        `on ${os.cpus().length} CPUs, Node ${process.version}. Ratios compare servers measured in the same run.\n`,
    );
    mkdirSync(RESULTS, { recursive: true });
    const report = {
      date: new Date().toISOString(),
      quick: QUICK,
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: { before: loadBefore, after: loadAfter },
      settings: { ...SETTINGS, journalInflight: JOURNAL_INFLIGHT, httpInflight: HTTP_INFLIGHT, httpPinning: PINNING },
      journal,
      stdio: { runtime: stdioRuntime, plain: stdioPlain },
      statelessHttp: {
        runtime: httpRuntime,
        plain: httpPlain,
        floor: httpFloor,
        featureCpuPerRequestMs: httpRuntime.cpuPerRequestMs - httpFloor.cpuPerRequestMs,
        featureBudgetMs,
      },
      rss,
      ratios,
      goals: GOALS,
      verdicts: {
        stdioP50: verdict(GOALS.stdioP50, ratios.stdioP50),
        statelessThroughput: verdict(GOALS.statelessThroughput, ratios.statelessThroughput),
        rssFlatStateless: flat(rss.runtimeStateless),
        rssFlatStatefulJson: flat(rss.runtimeStatefulJson),
      },
      durationS: seconds,
    };
    writeFileSync(join(RESULTS, 'runtime-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote ${relative(ROOT, join(RESULTS, 'runtime-latest.json'))}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
