// `npm run bench [-- --quick]`: measures a generated `api` server (A: templates/api built into a
// temp copy and started through its dist/index.cjs launcher) against the same tool written with
// the plain SDK (B: bench/baseline/server.mjs, unbundled), side by side in one run, over stdio with
// raw JSON-RPC. Prints a table of A/B ratios against the goals and writes bench/results/latest.json.
// This is a benchmark, not a test: it exits 0 whether the goals hold or not, and 1 only when it
// could not measure.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';

import { RpcChild, cpuTimeMs, preciseCpuTimeMs, rssKiB } from './rpc-client.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TEMPLATE = join(ROOT, 'templates/api');
const WORK = join(ROOT, '.tmp/bench');
const API = join(WORK, 'api');
const RESULTS = join(ROOT, 'bench/results');
const QUICK = process.argv.includes('--quick');

const SETTINGS = QUICK
  ? { coldRuns: 10, coldWarmup: 1, warmupCalls: 100, sequentialCalls: 500, blocks: 2, pipelinedCalls: 1000 }
  : { coldRuns: 30, coldWarmup: 2, warmupCalls: 300, sequentialCalls: 3000, blocks: 6, pipelinedCalls: 6000 };
const INFLIGHT = 32;
const IDLE_MS = 1000;
const CALL = { name: 'search_items', arguments: { query: 'red', limit: 10 } };

/** Goals on A/B ratios: lower is better for all four. */
const GOALS = {
  coldStartP50: 0.6,
  roundTripP50: 1.0,
  cpuPerCall: 1.0,
  idleRss: 1.0,
};

const log = (text) => process.stderr.write(`${text}\n`);

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

function newestMtime(dir, keep) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !keep(entry.name)) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The template is bundled from the runtime's dist/; measuring a stale build would mislead. */
function warnIfRuntimeStale() {
  const runtime = join(ROOT, 'packages/runtime');
  const src = newestMtime(join(runtime, 'src'), (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  let dist = 0;
  try {
    dist = newestMtime(join(runtime, 'dist'), (name) => name.endsWith('.js'));
  } catch {
    // no dist at all: reported below
  }
  if (dist < src) {
    log('WARNING: packages/runtime/dist is older than its src; run `npm run build -w @mcp-factory/runtime` first.');
  }
}

/** Copies the template (sources and build script only) into .tmp and builds it there. */
function buildTemplateCopy() {
  rmSync(API, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const skip = new Set(['node_modules', 'dist', 'test', 'coverage']);
  cpSync(TEMPLATE, API, {
    recursive: true,
    filter: (source) => !skip.has(relative(TEMPLATE, source).split('/')[0]),
  });
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: API, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the api template failed:\n${build.stderr}`);
  return build.stderr.trim();
}

/** Whether V8 accepts the code cache the build wrote (as the launcher would load it). */
function codeCacheStatus() {
  const probe = `
    const fs = require('node:fs'), vm = require('node:vm'), Module = require('node:module');
    const file = ${JSON.stringify(join(API, 'dist/server.cjs'))};
    let cachedData;
    try { cachedData = fs.readFileSync(file + '.cache'); } catch { process.stdout.write('missing'); process.exit(); }
    const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
      filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    process.stdout.write(script.cachedDataRejected ? 'rejected' : 'accepted (' + cachedData.length + ' bytes)');`;
  return spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout;
}

/** Starts the fake upstream and resolves with its URL and a stop function. */
function startFakeUpstream() {
  const child = spawn(process.execPath, [join(API, 'dist/fake-upstream.cjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`fake upstream exited with ${code}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline === -1) return;
      const { url } = JSON.parse(out.slice(0, newline));
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ url, stop: () => child.kill('SIGKILL') });
    });
  });
}

function serverEnv(upstreamUrl) {
  // Measure both servers in their default configuration, whatever the caller's shell holds.
  // NODE_EXTRA_CA_CERTS (set in some sandboxes and CI images) makes every Node process parse a CA
  // bundle at boot, ~85 ms here for A and B alike; the servers only talk plain HTTP to the fake.
  const unset = new Set(['LOG_LEVEL', 'MCP_TRANSPORT', 'PORT', 'HOST', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']);
  const inherited = Object.entries(process.env).filter(([name]) => !unset.has(name));
  return { ...Object.fromEntries(inherited), API_BASE_URL: upstreamUrl, API_KEY: 'fake-api-key' };
}

function spawnServer(spec) {
  return new RpcChild(spec.label, process.execPath, spec.args, { env: spec.env, cwd: spec.cwd });
}

/**
 * Spawn → initialize result, alternating which server goes first to cancel drift. Also records
 * the CPU time the server used to get there, which a busy machine disturbs less than wall time.
 */
async function measureColdStarts(specs) {
  const samples = Object.fromEntries(specs.map((spec) => [spec.key, { wallMs: [], cpuMs: [] }]));
  const total = SETTINGS.coldWarmup + SETTINGS.coldRuns;
  for (let run = 0; run < total; run++) {
    const order = run % 2 === 0 ? specs : [...specs].reverse();
    for (const spec of order) {
      const server = spawnServer(spec);
      const { receivedAt } = await server.initialize();
      const cpuMs = preciseCpuTimeMs(server.pid);
      if (run >= SETTINGS.coldWarmup) {
        samples[spec.key].wallMs.push(receivedAt - server.startedAt);
        samples[spec.key].cpuMs.push(cpuMs);
      }
      await server.kill();
    }
  }
  return samples;
}

/** Sorted-key JSON, to compare answers regardless of key order. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key])]),
  );
}

/** Fails the run when A and B do not serve the same tool with the same answer. */
async function checkEquivalence(servers) {
  const [a, b] = servers;
  const tools = await Promise.all(servers.map((server) => server.request('tools/list', {})));
  const schemas = tools.map(({ result }) => result.tools.find((tool) => tool.name === CALL.name)?.inputSchema);
  if (schemas[0] === undefined || !isDeepStrictEqual(canonical(schemas[0]), canonical(schemas[1]))) {
    throw new Error(
      `search_items input schemas differ:\nA ${JSON.stringify(schemas[0])}\nB ${JSON.stringify(schemas[1])}`,
    );
  }
  const calls = await Promise.all(servers.map((server) => server.request('tools/call', CALL)));
  const [resultA, resultB] = calls.map(({ result }) => canonical(result));
  if (resultA.isError === true || !isDeepStrictEqual(resultA.content, resultB.content)) {
    throw new Error(
      `${a.label} and ${b.label} answer differently:\n${JSON.stringify(resultA)}\n${JSON.stringify(resultB)}`,
    );
  }
  if (!isDeepStrictEqual(resultA.structuredContent, resultB.structuredContent)) {
    throw new Error(`structured content differs:\n${JSON.stringify(resultA)}\n${JSON.stringify(resultB)}`);
  }
}

async function sequential(server, calls, latencies) {
  for (let index = 0; index < calls; index++) {
    const { sentAt, receivedAt } = await server.request('tools/call', CALL);
    latencies?.push(receivedAt - sentAt);
  }
}

/** Runs `total` calls keeping `INFLIGHT` in flight; resolves with the elapsed milliseconds. */
function pipelined(server, total) {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    let started = 0;
    let finished = 0;
    const launch = () => {
      if (started === total) return;
      started++;
      server.request('tools/call', CALL).then(() => {
        finished++;
        if (finished === total) resolve(performance.now() - startedAt);
        else launch();
      }, reject);
    };
    for (let index = 0; index < INFLIGHT; index++) launch();
  });
}

/** Long-lived servers: idle RSS, sequential round trips with CPU time, pipelined throughput. */
async function measureSteadyState(specs) {
  const servers = specs.map(spawnServer);
  try {
    await Promise.all(servers.map((server) => server.initialize()));
    await sleep(IDLE_MS);
    const idleRssKiB = servers.map((server) => rssKiB(server.pid));
    await checkEquivalence(servers);
    for (const server of servers) await sequential(server, SETTINGS.warmupCalls);

    const latencies = servers.map(() => []);
    const cpuMs = servers.map(() => 0);
    const perBlock = SETTINGS.sequentialCalls / SETTINGS.blocks;
    for (let block = 0; block < SETTINGS.blocks; block++) {
      const order = block % 2 === 0 ? [0, 1] : [1, 0];
      for (const index of order) {
        const server = servers[index];
        const before = cpuTimeMs(server.pid);
        await sequential(server, perBlock, latencies[index]);
        cpuMs[index] += cpuTimeMs(server.pid) - before;
      }
    }

    const pipelinedMs = servers.map(() => 0);
    const pipelinedCpuMs = servers.map(() => 0);
    const rounds = 2;
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const index of order) {
        const server = servers[index];
        const before = cpuTimeMs(server.pid);
        pipelinedMs[index] += await pipelined(server, SETTINGS.pipelinedCalls / rounds);
        pipelinedCpuMs[index] += cpuTimeMs(server.pid) - before;
      }
    }
    const loadedRssKiB = servers.map((server) => rssKiB(server.pid));

    return servers.map((_, index) => ({
      idleRssKiB: idleRssKiB[index],
      loadedRssKiB: loadedRssKiB[index],
      roundTripP50Ms: percentile(latencies[index], 50),
      roundTripP99Ms: percentile(latencies[index], 99),
      roundTripMeanMs: latencies[index].reduce((sum, value) => sum + value, 0) / latencies[index].length,
      cpuPerCallMs: cpuMs[index] / SETTINGS.sequentialCalls,
      throughputCallsPerS: SETTINGS.pipelinedCalls / (pipelinedMs[index] / 1000),
      pipelinedCpuPerCallMs: pipelinedCpuMs[index] / SETTINGS.pipelinedCalls,
    }));
  } finally {
    await Promise.all(servers.map((server) => server.kill()));
  }
}

const fmt = (value, digits = 2) => value.toFixed(digits);

function printTable(a, b) {
  const rows = [
    ['cold start p50 (ms)', a.coldStartP50Ms, b.coldStartP50Ms, 1, GOALS.coldStartP50],
    ['cold start p90 (ms)', a.coldStartP90Ms, b.coldStartP90Ms, 1],
    ['  its CPU time, p50 (ms)', a.coldStartCpuP50Ms, b.coldStartCpuP50Ms, 1],
    ['round trip p50 (ms)', a.roundTripP50Ms, b.roundTripP50Ms, 3, GOALS.roundTripP50],
    ['round trip p99 (ms)', a.roundTripP99Ms, b.roundTripP99Ms, 3],
    [`throughput, ${INFLIGHT} in flight (calls/s)`, a.throughputCallsPerS, b.throughputCallsPerS, 0],
    ['server CPU per call (ms)', a.cpuPerCallMs, b.cpuPerCallMs, 3, GOALS.cpuPerCall],
    ['  same, pipelined (ms)', a.pipelinedCpuPerCallMs, b.pipelinedCpuPerCallMs, 3],
    ['idle RSS after init (MiB)', a.idleRssKiB / 1024, b.idleRssKiB / 1024, 1, GOALS.idleRss],
    ['  RSS after the load (MiB)', a.loadedRssKiB / 1024, b.loadedRssKiB / 1024, 1],
  ];
  const table = [['metric', 'A generated', 'B plain SDK', 'A/B', 'goal', '']];
  for (const [name, valueA, valueB, digits, goal] of rows) {
    const ratio = valueA / valueB;
    const verdict = goal === undefined ? '' : ratio <= goal ? 'PASS' : 'MISS';
    table.push([
      name,
      fmt(valueA, digits),
      fmt(valueB, digits),
      `${fmt(ratio)}x`,
      goal === undefined ? '' : `<= ${fmt(goal, 1)}x`,
      verdict,
    ]);
  }
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  const line = (row) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  process.stdout.write(`\n${line(table[0])}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n`);
  for (const row of table.slice(1)) process.stdout.write(`${line(row)}\n`);
}

async function main() {
  const began = performance.now();
  const loadBefore = os.loadavg()[0];
  warnIfRuntimeStale();
  log(`building templates/api into ${relative(ROOT, API)}…`);
  const buildLine = buildTemplateCopy();
  const codeCache = codeCacheStatus();
  log(`  ${buildLine}; code cache ${codeCache}`);
  const upstream = await startFakeUpstream();
  try {
    const env = serverEnv(upstream.url);
    const specs = [
      { key: 'A', label: 'A (generated api)', args: [join(API, 'dist/index.cjs')], cwd: API, env },
      { key: 'B', label: 'B (plain SDK)', args: [join(ROOT, 'bench/baseline/server.mjs')], cwd: ROOT, env },
    ];
    log(`cold starts: ${SETTINGS.coldRuns} per server, alternating…`);
    const cold = await measureColdStarts(specs);
    log(
      `steady state: ${SETTINGS.sequentialCalls} sequential calls and ${SETTINGS.pipelinedCalls} pipelined per server…`,
    );
    const steady = await measureSteadyState(specs);
    const results = Object.fromEntries(
      specs.map((spec, index) => [
        spec.key,
        {
          coldStartP50Ms: percentile(cold[spec.key].wallMs, 50),
          coldStartP90Ms: percentile(cold[spec.key].wallMs, 90),
          coldStartCpuP50Ms: percentile(cold[spec.key].cpuMs, 50),
          ...steady[index],
        },
      ]),
    );
    const ratios = {
      coldStartP50: results.A.coldStartP50Ms / results.B.coldStartP50Ms,
      roundTripP50: results.A.roundTripP50Ms / results.B.roundTripP50Ms,
      cpuPerCall: results.A.cpuPerCallMs / results.B.cpuPerCallMs,
      idleRss: results.A.idleRssKiB / results.B.idleRssKiB,
    };
    printTable(results.A, results.B);
    const verdicts = Object.fromEntries(
      Object.entries(GOALS).map(([name, goal]) => [name, ratios[name] <= goal ? 'PASS' : 'MISS']),
    );
    const seconds = (performance.now() - began) / 1000;
    const loadAfter = os.loadavg()[0];
    process.stdout.write(
      `\n${QUICK ? 'quick run' : 'full run'} in ${fmt(seconds, 1)} s, load average ${fmt(loadBefore)} → ${fmt(loadAfter)} ` +
        `on ${os.cpus().length} CPUs; ${buildLine}\n` +
        'Wall-clock numbers move with machine load; the CPU-time rows are steadier. NODE_EXTRA_CA_CERTS is unset for both servers.\n',
    );
    mkdirSync(RESULTS, { recursive: true });
    const report = {
      date: new Date().toISOString(),
      quick: QUICK,
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadAverage: { before: loadBefore, after: loadAfter },
      settings: { ...SETTINGS, inflight: INFLIGHT, idleMs: IDLE_MS, call: CALL },
      build: buildLine,
      codeCache,
      results,
      ratios,
      goals: GOALS,
      verdicts,
      coldStartSamples: cold,
      durationS: seconds,
    };
    writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote ${relative(ROOT, join(RESULTS, 'latest.json'))}\n`);
  } finally {
    upstream.stop();
  }
}

main().catch((error) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
