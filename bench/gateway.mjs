// `npm run bench:gateway [-- --quick] [-- --only context,stdio,http,scale]`: the gateway's figures,
// measured in one run (`--only` runs the parts named; context includes retrieval).
//  - context: tokens (js-tiktoken cl100k) of tools/list in `all` mode vs `meta` mode (meta-tools'
//    schemas plus a typical search_tools answer), over a ≥ 300-tool catalog: the real npm servers
//    everything, memory and filesystem plus 14 generated domains (bench/gateway/domains.mjs);
//  - retrieval: recall@1/@5 and MRR of search_tools over bench/gateway/queries.mjs (150 queries);
//  - overhead (stdio): sequential tools/call round trips direct vs through a bare byte relay and
//    the gateway (direct, all and meta modes), p50/p99, throughput with 32 in flight and CPU per
//    call, all in alternating blocks after a warm-up;
//  - HTTP: throughput and RSS over 40k calls through `gateway --http --expose direct`, and the
//    same server behind mcp-proxy and supergateway --stateful, in the same run;
//  - scale: 50 configured servers, spawn → first tools/list, and the gateway's RSS.
// A benchmark, not a test: exits 0 whether goals hold or not, 1 only when it could not measure.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { DOMAINS } from './gateway/domains.mjs';
import { QUERIES } from './gateway/queries.mjs';
import { RpcChild, preciseCpuTimeMs, rssKiB } from './rpc-client.mjs';
import { scoreRetrieval } from './gateway-retrieval.mjs';
import { currentProcessTable, descendants } from '../packages/gateway/dist/dev/process-tree.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, '.tmp/bench-gateway');
const RESULTS = join(ROOT, 'bench/results');
const CLI = join(ROOT, 'packages/cli/bin/mcp-factory.js');
const TINY = join(ROOT, 'test/gateway/fixtures/tiny-server/server.mjs');
const GENERATED = join(ROOT, 'bench/gateway/generated-server.mjs');
const BARE_RELAY = join(ROOT, 'bench/gateway/bare-relay.mjs');
const QUICK = process.argv.includes('--quick');
const ONLY = process.argv.includes('--only')
  ? new Set(process.argv[process.argv.indexOf('--only') + 1].split(','))
  : undefined;
const want = (part) => ONLY === undefined || ONLY.has(part);
const SETTINGS = QUICK
  ? { warmup: 200, blocks: 4, blockCalls: 150, pipelined: 4000, httpWarmup: 2000, httpCalls: 8000, httpOthers: 3000 }
  : {
      warmup: 500,
      blocks: 6,
      blockCalls: 500,
      pipelined: 12000,
      httpWarmup: 5000,
      httpCalls: 40000,
      httpOthers: 10000,
    };
const INFLIGHT = 32;
const require = createRequire(import.meta.url);
const { getEncoding } = require(require.resolve('js-tiktoken', { paths: [join(ROOT, 'packages/harness')] }));
const encoder = getEncoding('cl100k_base');
const tokens = (value) => encoder.encode(typeof value === 'string' ? value : JSON.stringify(value)).length;
const bin = (pkg, name) => {
  const manifest = require.resolve(`${pkg}/package.json`, { paths: [join(ROOT, 'test')] });
  const json = JSON.parse(readFileSync(manifest, 'utf8'));
  return join(dirname(manifest), typeof json.bin === 'string' ? json.bin : json.bin[name]);
};

const env = { ...process.env, MCP_FACTORY_STATE_HOME: join(WORK, 'state'), LOG_LEVEL: 'warn' };
delete env.NODE_EXTRA_CA_CERTS;
delete env.MCP_JOURNAL_DIR;

function writeConfig(name, servers) {
  const file = join(WORK, `${name}.json`);
  writeFileSync(file, JSON.stringify({ mcpServers: servers }, null, 2));
  return file;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const us = (ms) => Math.round(ms * 1000);
/** CPU time (ms) spent so far by the processes `pids` (ended ones count 0). */
const treeCpuMs = (pids) =>
  pids.reduce((sum, pid) => {
    try {
      return sum + preciseCpuTimeMs(pid);
    } catch {
      return sum;
    }
  }, 0);

async function gatewayChild(label, args) {
  const child = new RpcChild(label, process.execPath, [CLI, 'gateway', ...args], { env, cwd: WORK });
  await child.initialize();
  return child;
}

// ---------------------------------------------------------------- catalog
rmSync(WORK, { recursive: true, force: true });
mkdirSync(join(WORK, 'fsroot'), { recursive: true });
const catalogServers = {
  everything: {
    command: process.execPath,
    args: [bin('@modelcontextprotocol/server-everything', 'mcp-server-everything'), 'stdio'],
  },
  memory: {
    command: process.execPath,
    args: [bin('@modelcontextprotocol/server-memory', 'mcp-server-memory')],
    env: { MEMORY_FILE_PATH: join(WORK, 'memory.json') },
  },
  filesystem: {
    command: process.execPath,
    args: [bin('@modelcontextprotocol/server-filesystem', 'mcp-server-filesystem'), join(WORK, 'fsroot')],
  },
  ...Object.fromEntries(
    Object.keys(DOMAINS).map((domain) => [domain, { command: process.execPath, args: [GENERATED, domain] }]),
  ),
};
const catalogConfig = writeConfig('catalog', catalogServers);
const tinyConfig = writeConfig('tiny', { tiny: { command: process.execPath, args: [TINY] } });
const results = { settings: SETTINGS, machine: { cpus: os.cpus().length, load: os.loadavg() } };

// ---------------------------------------------------------------- context
if (want('context')) {
  const all = await gatewayChild('gateway all', ['--config', catalogConfig, '--expose', 'all']);
  const allList = (await all.request('tools/list', {})).result;
  await all.kill();
  const meta = await gatewayChild('gateway meta', ['--config', catalogConfig]);
  const metaList = (await meta.request('tools/list', {})).result;
  const search = (await meta.request('tools/call', { name: 'search_tools', arguments: { query: QUERIES[40][0] } }))
    .result;
  results.context = {
    tools: allList.tools.length,
    allTokens: tokens(allList),
    metaListTokens: tokens(metaList),
    searchResponseTokens: tokens(search),
    searchQuery: QUERIES[40][0],
    searchAnswer: search.content?.[0]?.text,
    metaListing: metaList,
  };
  results.context.metaTokens = results.context.metaListTokens + results.context.searchResponseTokens;
  results.context.ratio = results.context.metaTokens / results.context.allTokens;

  // ------------------------------------------------------------ retrieval (see gateway-retrieval.mjs)
  results.retrieval = await scoreRetrieval(async (query) => {
    const answer = (await meta.request('tools/call', { name: 'search_tools', arguments: { query, limit: 5 } })).result;
    // The answer groups consecutive matches of a server: { server, tools: { name: … } }, best first.
    return JSON.parse(answer.content[0].text).matches.flatMap((group) =>
      Object.keys(group.tools).map((tool) => `${group.server}/${tool}`),
    );
  });
  await meta.kill();
  console.error('context', JSON.stringify(results.context), 'retrieval', results.retrieval.recallAt5);
}

// ---------------------------------------------------------------- stdio overhead
// Five ways to reach the same server: directly, through the bare byte relay (the floor of any proxy
// process), and through the gateway in direct (passthrough), all and meta modes. Latency: sequential
// calls in alternating blocks (direct, bare, gateway…, direct, bare, gateway…) after a warm-up, so
// drift on the shared machine lands on every variant alike; throughput: 32 in flight, in
// alternating blocks too, with the CPU time the variant's whole process tree spent per call.
if (want('stdio')) {
  const call = { name: 'shout', arguments: { words: 'hi' } };
  const variants = {
    direct: { child: new RpcChild('tiny direct', process.execPath, [TINY], { env, cwd: WORK }), call },
    bareRelay: {
      child: new RpcChild('bare relay', process.execPath, [BARE_RELAY, process.execPath, TINY], { env, cwd: WORK }),
      call,
    },
    gatewayDirect: {
      child: await gatewayChild('gateway direct', ['--config', tinyConfig, '--expose', 'direct', '--idle-ms', '0']),
      call,
    },
    gatewayAll: {
      child: await gatewayChild('gateway all', ['--config', tinyConfig, '--expose', 'all', '--idle-ms', '0']),
      call: { name: 'tiny__shout', arguments: { words: 'hi' } },
    },
    gatewayMeta: {
      child: await gatewayChild('gateway meta', ['--config', tinyConfig, '--idle-ms', '0']),
      call: { name: 'call_tool', arguments: { server: 'tiny', tool: 'shout', arguments: { words: 'hi' } } },
    },
  };
  await variants.direct.child.initialize();
  await variants.bareRelay.child.initialize();
  const pipelined = async (child, call, calls) => {
    let sent = 0;
    const worker = async () => {
      while (sent < calls) {
        sent += 1;
        await child.request('tools/call', call);
      }
    };
    await Promise.all(Array.from({ length: INFLIGHT }, worker));
  };
  // Warm-up: sequential, then pipelined (JIT, the gateway's lazy start, buffers grown).
  for (const { child, call: c } of Object.values(variants)) {
    for (let i = 0; i < SETTINGS.warmup; i += 1) await child.request('tools/call', c);
    await pipelined(child, c, SETTINGS.warmup * 2);
  }
  const samples = Object.fromEntries(Object.keys(variants).map((key) => [key, []]));
  for (let block = 0; block < SETTINGS.blocks; block += 1) {
    for (const [key, { child, call: c }] of Object.entries(variants)) {
      for (let i = 0; i < SETTINGS.blockCalls; i += 1) {
        const { result, sentAt, receivedAt } = await child.request('tools/call', c);
        if (result.content[0].text !== 'HI') throw new Error(`${key} answered ${JSON.stringify(result)}`);
        samples[key].push(receivedAt - sentAt);
      }
    }
  }
  const spent = Object.fromEntries(Object.keys(variants).map((key) => [key, { ms: 0, cpuMs: 0, calls: 0 }]));
  const perBlock = Math.ceil(SETTINGS.pipelined / SETTINGS.blocks);
  for (let block = 0; block < SETTINGS.blocks; block += 1) {
    for (const [key, { child, call: c }] of Object.entries(variants)) {
      const pids = [child.pid, ...descendants(child.pid, currentProcessTable())];
      const cpuBefore = treeCpuMs(pids);
      const started = performance.now();
      await pipelined(child, c, perBlock);
      spent[key].ms += performance.now() - started;
      spent[key].cpuMs += treeCpuMs(pids) - cpuBefore;
      spent[key].calls += perBlock;
    }
  }
  results.stdio = {};
  for (const key of Object.keys(variants)) {
    const sorted = samples[key].sort((a, b) => a - b);
    results.stdio[key] = {
      p50Us: us(percentile(sorted, 50)),
      p99Us: us(percentile(sorted, 99)),
      callsPerSecond: Math.round(spent[key].calls / (spent[key].ms / 1000)),
      cpuUsPerCall: Math.round((spent[key].cpuMs * 1000) / spent[key].calls),
    };
  }
  for (const key of ['bareRelay', 'gatewayDirect', 'gatewayAll', 'gatewayMeta']) {
    results.stdio[key].addedP50Us = results.stdio[key].p50Us - results.stdio.direct.p50Us;
    results.stdio[key].addedP99Us = results.stdio[key].p99Us - results.stdio.direct.p99Us;
    results.stdio[key].throughputRatio = results.stdio[key].callsPerSecond / results.stdio.direct.callsPerSecond;
  }
  for (const { child } of Object.values(variants)) await child.kill();
  console.error('stdio', JSON.stringify(results.stdio));
}

// ---------------------------------------------------------------- HTTP
function startHttp(label, command, args, urlFrom, extraEnv = {}) {
  const child = spawn(command, args, { env: { ...env, ...extraEnv }, cwd: WORK, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      const url = urlFrom(output);
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ label, child, url });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`${label} exited ${code}:\n${output}`)));
  });
}

async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The HTTP client: node:http over a keep-alive agent with one socket per request in flight. (The
// built-in fetch tops out near 1.1k requests/s on this machine even against a server that answers
// at once, which would have measured the client, not the servers.)
async function httpClient(url) {
  const { request, Agent } = await import('node:http');
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: INFLIGHT });
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  let id = 0;
  const send = (payload, extra) =>
    new Promise((resolve, reject) => {
      const text = JSON.stringify(payload);
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { ...headers, ...extra, 'content-length': Buffer.byteLength(text) },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: body }));
        },
      );
      req.once('error', reject);
      req.end(text);
    });
  const post = async (method, params, extra = {}) => {
    const response = await send({ jsonrpc: '2.0', id: ++id, method, params }, extra);
    const { text } = response;
    if (response.status !== 200) throw new Error(`${url} ${method}: HTTP ${response.status} ${text.slice(0, 200)}`);
    const body = String(response.headers['content-type']).includes('text/event-stream')
      ? JSON.parse(
          text
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .filter((data) => data.includes('"id"'))
            .pop(),
        )
      : JSON.parse(text);
    return { body, session: response.headers['mcp-session-id'] };
  };
  const init = await post('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'bench', version: '0' },
  });
  const sessionHeaders = {
    'mcp-protocol-version': '2025-06-18',
    ...(init.session ? { 'mcp-session-id': init.session } : {}),
  };
  if (init.session) await send({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionHeaders);
  const call = (method, params) => post(method, params, sessionHeaders);
  call.close = () => agent.destroy();
  return call;
}

// RSS is sampled after a pipelined warm-up (the heap grows to its working size first), then 16 times
// over the run. `rssRange` is (max − min) / min over those samples, the ±10% goal; `rssTrend` compares
// the mean of the last quarter of samples with the first quarter's: growth (a leak) shows there, a
// garbage-collection sawtooth (old space filling up, then compacted) does not.
async function measureHttp(server, calls, sampleRss) {
  const request = await httpClient(server.url);
  const call = { name: 'shout', arguments: { words: 'hi' } };
  for (let i = 0; i < 300; i += 1) await request('tools/call', call);
  const latencies = [];
  for (let i = 0; i < 500; i += 1) {
    const started = performance.now();
    const { body } = await request('tools/call', call);
    latencies.push(performance.now() - started);
    if (body.result?.content?.[0]?.text !== 'HI') throw new Error(`${server.label}: ${JSON.stringify(body)}`);
  }
  latencies.sort((a, b) => a - b);
  const pipelined = async (count, onCall) => {
    let done = 0;
    const worker = async () => {
      while (done < count) {
        done += 1;
        const n = done;
        await request('tools/call', call);
        onCall?.(n);
      }
    };
    await Promise.all(Array.from({ length: INFLIGHT }, worker));
  };
  await pipelined(SETTINGS.httpWarmup);
  const rss = [];
  const sample = () => rss.push(Math.round(rssKiB(server.child.pid) / 1024));
  if (sampleRss) sample();
  const started = performance.now();
  await pipelined(calls, (n) => {
    if (sampleRss && n % Math.ceil(calls / 16) === 0) sample();
  });
  const seconds = (performance.now() - started) / 1000;
  request.close();
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  const quarter = Math.max(1, Math.floor(rss.length / 4));
  return {
    p50Us: us(percentile(latencies, 50)),
    p99Us: us(percentile(latencies, 99)),
    callsPerSecond: Math.round(calls / seconds),
    calls,
    ...(sampleRss
      ? {
          rssMiB: rss,
          rssRange: (Math.max(...rss) - Math.min(...rss)) / Math.min(...rss),
          rssTrend: mean(rss.slice(-quarter)) / mean(rss.slice(0, quarter)) - 1,
        }
      : {}),
  };
}

if (want('http')) {
  const gatewayServer = await startHttp(
    'gateway',
    process.execPath,
    [CLI, 'gateway', '--config', tinyConfig, '--expose', 'direct', '--idle-ms', '0', '--http', '--port', '0'],
    (out) => /"url":"([^"]+)"/.exec(out)?.[1],
    { LOG_LEVEL: 'info' },
  );
  const proxyPort = await freePort();
  const proxy = await startHttp(
    'mcp-proxy',
    process.execPath,
    [
      bin('mcp-proxy', 'mcp-proxy'),
      '--port',
      String(proxyPort),
      '--host',
      '127.0.0.1',
      '--server',
      'stream',
      '--',
      process.execPath,
      TINY,
    ],
    (out) => (/on port/i.test(out) ? `http://127.0.0.1:${proxyPort}/mcp` : undefined),
  );
  const sgPort = await freePort();
  const supergateway = await startHttp(
    'supergateway',
    process.execPath,
    [
      bin('supergateway', 'supergateway'),
      '--stdio',
      `${process.execPath} ${TINY}`,
      '--outputTransport',
      'streamableHttp',
      '--stateful',
      '--port',
      String(sgPort),
    ],
    (out) => (/listening|Streamable|port/i.test(out) ? `http://127.0.0.1:${sgPort}/mcp` : undefined),
  );
  await sleep(500);
  results.http = {
    gateway: await measureHttp(gatewayServer, SETTINGS.httpCalls, true),
    mcpProxy: await measureHttp(proxy, SETTINGS.httpOthers, true),
    supergateway: await measureHttp(supergateway, SETTINGS.httpOthers, true),
  };
  for (const server of [gatewayServer, proxy, supergateway]) server.child.kill('SIGKILL');
}

// ---------------------------------------------------------------- scale
if (want('scale')) {
  const fifty = writeConfig(
    'fifty',
    Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [
        `server${String(i).padStart(2, '0')}`,
        { command: process.execPath, args: [TINY] },
      ]),
    ),
  );
  const runs = [];
  let rss;
  for (let run = 0; run < 5; run += 1) {
    const child = new RpcChild('gateway 50', process.execPath, [CLI, 'gateway', '--config', fifty], { env, cwd: WORK });
    await child.initialize();
    const { receivedAt } = await child.request('tools/list', {});
    runs.push(receivedAt - child.startedAt);
    await sleep(300);
    rss = Math.round(rssKiB(child.pid) / 1024);
    await child.kill();
  }
  runs.sort((a, b) => a - b);
  const child = await gatewayChild('gateway 50 all', ['--config', fifty, '--expose', 'all']);
  const started = performance.now();
  const list = (await child.request('tools/list', {})).result;
  const allMs = performance.now() - started;
  await sleep(300);
  const allRss = Math.round(rssKiB(child.pid) / 1024);
  await child.kill();
  results.scale = {
    servers: 50,
    firstToolsListMsP50: Math.round(percentile(runs, 50)),
    gatewayRssMiB: rss,
    allModeStartAllMs: Math.round(allMs),
    allModeTools: list.tools.length,
    allModeRssMiB: allRss,
  };
}

// ---------------------------------------------------------------- report
mkdirSync(RESULTS, { recursive: true });
results.machine.loadAtEnd = os.loadavg();
const resultFile = ONLY === undefined ? 'gateway-latest.json' : `gateway-${[...ONLY].sort().join('-')}.json`;
writeFileSync(join(RESULTS, resultFile), `${JSON.stringify(results, null, 2)}\n`);
const c = results.context;
const r = results.retrieval;
const s = results.stdio;
const h = results.http;
const rows = [];
if (c !== undefined)
  rows.push(
    [
      'context: meta / all tokens',
      `${c.metaTokens} / ${c.allTokens} (${c.tools} tools) = ${(c.ratio * 100).toFixed(2)}%`,
      '≤ 3%',
      c.ratio <= 0.03,
    ],
    ...[
      ['all', r],
      ['dev half', r.dev],
      ['held-out half', r.heldOut],
    ].map(([split, m]) => [
      `retrieval ${split}: R@1 / R@5 / MRR`,
      `${m.recallAt1.toFixed(3)} / ${m.recallAt5.toFixed(3)} / ${m.mrr.toFixed(3)} (${m.queries} queries)`,
      '@5 ≥ 0.9',
      m.recallAt5 >= 0.9,
    ]),
  );
if (s !== undefined)
  rows.push(
    [
      'stdio direct p50 / p99',
      `${s.direct.p50Us} / ${s.direct.p99Us} µs, ${s.direct.callsPerSecond}/s, CPU ${s.direct.cpuUsPerCall} µs/call`,
      '',
      true,
    ],
    ...['bareRelay', 'gatewayDirect', 'gatewayAll', 'gatewayMeta'].map((key) => [
      `stdio ${key} added p50 / p99`,
      `+${s[key].addedP50Us} / +${s[key].addedP99Us} µs, ${s[key].callsPerSecond}/s (${s[key].throughputRatio.toFixed(2)}×), CPU ${s[key].cpuUsPerCall} µs/call`,
      key === 'bareRelay' ? '(floor)' : '+≤ 50 µs, ≥ 0.8×',
      s[key].addedP50Us <= 50 && s[key].throughputRatio >= 0.8,
    ]),
  );
if (h !== undefined)
  rows.push(
    ...Object.entries(h).map(([key, m]) => [
      `HTTP ${key}`,
      `${m.callsPerSecond}/s over ${m.calls} calls, p50 ${m.p50Us} µs`,
      key === 'gateway' ? '≥ 6k/s' : '',
      key !== 'gateway' || m.callsPerSecond >= 6000,
    ]),
    ...Object.entries(h).map(([key, m]) => [
      `HTTP ${key} RSS (after warm-up)`,
      `${Math.min(...m.rssMiB)}–${Math.max(...m.rssMiB)} MiB: range ${(m.rssRange * 100).toFixed(0)}%, trend ${m.rssTrend >= 0 ? '+' : ''}${(m.rssTrend * 100).toFixed(1)}%`,
      key === 'gateway' ? 'range ≤ 10%' : '',
      key !== 'gateway' || m.rssRange <= 0.1,
    ]),
  );
if (results.scale !== undefined)
  rows.push(
    [
      'scale: 50 servers, spawn → tools/list',
      `${results.scale.firstToolsListMsP50} ms, RSS ${results.scale.gatewayRssMiB} MiB`,
      '< 1000 ms',
      results.scale.firstToolsListMsP50 < 1000,
    ],
    [
      'scale: all mode starts all 50',
      `${results.scale.allModeStartAllMs} ms, ${results.scale.allModeTools} tools, RSS ${results.scale.allModeRssMiB} MiB`,
      '',
      true,
    ],
  );
for (const [name, value, goal, ok] of rows)
  console.log(
    `${name.padEnd(40)} ${value.padEnd(80)} ${goal.padEnd(18)} ${goal === '' || goal === '(floor)' ? '' : ok ? 'ok' : 'MISSED'}`,
  );
const load = (values) => values.map((x) => x.toFixed(2)).join(' ');
console.log(
  `load average ${load(results.machine.load)} at start, ${load(results.machine.loadAtEnd)} at end` +
    (r === undefined ? '' : `; misses: ${r.misses.length}`) +
    ` (see bench/results/${resultFile})`,
);
