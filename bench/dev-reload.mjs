// `npm run bench:dev [-- --quick]`: hot reload under `mcp-factory dev`, measured from the client's
// side with raw JSON-RPC over the proxy's stdio (the same tiny client for every phase):
//
// 1. save → first response from the new code: a copy of templates/everything runs under
//    `mcp-factory dev`; the bench rewrites the text `test_simple_text` returns and calls the tool
//    back to back until the answer carries the new text; p50/p90 over SAVES saves, with the warm
//    spare (default) and without it (`--no-warm`), in one run;
// 2. a steady stream of calls (WORKERS callers, each sending its next call when the last one is
//    answered) across RELOADS reloads: every id sent is counted, every response counted by id, so
//    lost (never answered), duplicated (answered twice) and errored responses are exact counts.
//
// A benchmark, not a test: it exits 0 whether the goals hold or not, and 1 only when it could not
// measure. Results go to bench/results/dev-reload.json.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'packages/cli/dist/cli.js');
const WORK = join(ROOT, '.tmp/bench/dev');
const RESULTS = join(ROOT, 'bench/results');
const QUICK = process.argv.includes('--quick');
const SAVES = QUICK ? 10 : 20;
const RELOADS = 20;
const WORKERS = 4;
const GOAL_P50_MS = 300;
const TOOL_FILE = 'src/tools/simple-text.ts';
const ORIGINAL_TEXT = 'This is a simple text response for testing.';

const log = (text) => process.stderr.write(`${text}\n`);

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** A project to edit: templates/everything copied under .tmp/ (so it resolves the workspace runtime). */
function copyProject(name) {
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of ['src', 'package.json', 'tsconfig.json'])
    cpSync(join(ROOT, 'templates/everything', entry), join(dir, entry), { recursive: true });
  return dir;
}

/** Rewrites the tool's answer to `text` (each revision has a different length, see STYLE.md §9). */
function setAnswer(dir, text) {
  const file = join(dir, TOOL_FILE);
  const source = readFileSync(file, 'utf8').replace(/run: \(\) => '[^']*'/, `run: () => '${text}'`);
  writeFileSync(file, source);
}

/** `mcp-factory dev <dir>` with a raw JSON-RPC client on its stdio, counting every response by id. */
class DevClient {
  constructor(dir, args = []) {
    const env = { ...process.env, LOG_LEVEL: 'warn', MCP_JOURNAL: 'off' };
    delete env.NODE_EXTRA_CA_CERTS; // see bench/README.md: a per-start cost unrelated to reloads
    this.child = spawn(process.execPath, [CLI, 'dev', dir, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.nextId = 1;
    this.pending = new Map();
    this.answered = new Map(); // id → times answered
    this.errors = new Map(); // code → count
    this.stderr = '';
    this.buffer = '';
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk) => this.onData(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
  }

  onData(chunk) {
    const lines = (this.buffer + chunk).split('\n');
    this.buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      const message = JSON.parse(line);
      if (message.id === undefined || message.method !== undefined) continue; // notifications
      this.answered.set(message.id, (this.answered.get(message.id) ?? 0) + 1);
      if (message.error !== undefined)
        this.errors.set(message.error.code, (this.errors.get(message.error.code) ?? 0) + 1);
      const waiter = this.pending.get(message.id);
      if (waiter === undefined) continue;
      this.pending.delete(message.id);
      waiter(message);
    }
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  async initialize() {
    const answer = await this.request('initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'bench-dev', version: '0' },
    });
    if (answer.error !== undefined) throw new Error(`initialize failed: ${JSON.stringify(answer.error)}`);
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  }

  async callText() {
    const answer = await this.request('tools/call', { name: 'test_simple_text', arguments: {} });
    return answer.error === undefined ? (answer.result?.content?.[0]?.text ?? '') : `error ${answer.error.code}`;
  }

  reloads() {
    return this.stderr.split('reloaded (change)').length - 1;
  }

  async waitForReloads(count, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (this.reloads() < count) {
      if (Date.now() > deadline)
        throw new Error(`no reload #${count} within ${timeoutMs} ms:\n${this.stderr.slice(-2000)}`);
      await sleep(5);
    }
  }

  async close() {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Phase 1: save → first response from the new code, `saves` times. */
async function measureSaves(label, args) {
  const dir = copyProject(label);
  const client = new DevClient(dir, args);
  await client.initialize();
  if ((await client.callText()) !== ORIGINAL_TEXT) throw new Error(`${label}: unexpected first answer`);
  await sleep(500); // the spare and the first list snapshot settle
  const samples = [];
  const reloadMs = [];
  for (let save = 1; save <= SAVES; save++) {
    const text = `revision ${save} ${'x'.repeat(save)}`;
    const before = client.reloads();
    setAnswer(dir, text);
    const savedAt = performance.now();
    for (;;) {
      const answer = await client.callText();
      if (answer === text) break;
      if (performance.now() - savedAt > 30_000) throw new Error(`${label}: no new code 30 s after save ${save}`);
    }
    samples.push(performance.now() - savedAt);
    await client.waitForReloads(before + 1);
    const reported = [...client.stderr.matchAll(/reloaded \(change\) in (\d+) ms/g)].at(-1);
    if (reported !== undefined) reloadMs.push(Number(reported[1]));
    await sleep(1000); // a developer saves seconds apart; the spare (and the list snapshot) is ready by then
  }
  await client.close();
  return {
    label,
    saves: SAVES,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    min: Math.min(...samples),
    max: Math.max(...samples),
    proxyReloadP50: reloadMs.length === 0 ? undefined : percentile(reloadMs, 50),
  };
}

/** Phase 2: WORKERS callers without pause across RELOADS reloads; counts every response. */
async function measureStream() {
  const dir = copyProject('stream');
  const client = new DevClient(dir);
  await client.initialize();
  await sleep(500);
  let running = true;
  let sent = 0;
  const workers = Array.from({ length: WORKERS }, async () => {
    while (running) {
      sent += 1;
      await client.callText();
    }
  });
  for (let reload = 1; reload <= RELOADS; reload++) {
    const before = client.reloads();
    setAnswer(dir, `stream ${reload} ${'y'.repeat(reload)}`);
    await client.waitForReloads(before + 1);
    await sleep(100);
  }
  running = false;
  const settle = Promise.all(workers);
  const timedOut = await Promise.race([settle.then(() => false), sleep(15_000).then(() => true)]);
  const ids = client.nextId - 1 - 1; // minus initialize
  let duplicated = 0;
  for (const [id, times] of client.answered) if (id !== 1 && times > 1) duplicated += times - 1;
  const answered = [...client.answered.keys()].filter((id) => id !== 1).length;
  await client.close();
  return {
    reloads: RELOADS,
    workers: WORKERS,
    sent: ids,
    answered,
    lost: ids - answered,
    duplicated,
    errors: Object.fromEntries(client.errors),
    timedOut,
    countedCalls: sent,
  };
}

async function main() {
  mkdirSync(WORK, { recursive: true });
  log(`bench:dev — ${SAVES} saves per variant, ${RELOADS} reloads under a stream of ${WORKERS} callers`);
  const warm = await measureSaves('warm', []);
  log(`  warm spare: p50 ${warm.p50.toFixed(0)} ms, p90 ${warm.p90.toFixed(0)} ms`);
  const cold = await measureSaves('no-warm', ['--no-warm']);
  log(`  no spare:   p50 ${cold.p50.toFixed(0)} ms, p90 ${cold.p90.toFixed(0)} ms`);
  const stream = await measureStream();
  const load = os.loadavg().map((value) => value.toFixed(2));
  const rows = [
    [
      'save → new code p50 (warm spare)',
      `${warm.p50.toFixed(0)} ms`,
      `≤ ${GOAL_P50_MS} ms`,
      warm.p50 <= GOAL_P50_MS ? 'yes' : 'no',
    ],
    ['save → new code p90 (warm spare)', `${warm.p90.toFixed(0)} ms`, '', ''],
    ['save → new code p50 (no spare)', `${cold.p50.toFixed(0)} ms`, '', ''],
    ['save → new code p90 (no spare)', `${cold.p90.toFixed(0)} ms`, '', ''],
    ['no spare / warm spare, p50', `${(cold.p50 / warm.p50).toFixed(2)}×`, '', ''],
    [`calls across ${stream.reloads} reloads`, String(stream.sent), '', ''],
    ['lost responses', String(stream.lost), '0', stream.lost === 0 ? 'yes' : 'no'],
    ['duplicated responses', String(stream.duplicated), '0', stream.duplicated === 0 ? 'yes' : 'no'],
    ['error responses', String(Object.values(stream.errors).reduce((a, b) => a + b, 0)), '', ''],
  ];
  const width = rows.reduce((max, row) => Math.max(max, row[0].length), 0);
  process.stdout.write(
    `${rows.map(([name, value, goal, met]) => `${name.padEnd(width)}  ${value.padStart(8)}  ${goal.padEnd(9)} ${met}`).join('\n')}\n` +
      `load average ${load.join(' ')} on ${os.cpus().length} CPUs\n`,
  );
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, 'dev-reload.json'),
    `${JSON.stringify({ date: new Date().toISOString(), quick: QUICK, warm, cold, stream, load }, null, 2)}\n`,
  );
  rmSync(WORK, { recursive: true, force: true });
}

main().catch((error) => {
  log(`bench:dev could not measure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
