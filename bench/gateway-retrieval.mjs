// `node bench/gateway-retrieval.mjs [--split dev|held-out|all] [--misses]`: the retrieval figures of
// search_tools on their own, in seconds. The catalog is the one of `bench:gateway` (server-everything,
// memory and filesystem from npm, asked for their tools/list directly, plus the 14 generated
// domains of ./gateway/domains.mjs); the index is the gateway's own ToolIndex (packages/gateway/dist),
// so the scores are the ones search_tools gives (bench/gateway.mjs measures them through a real
// gateway and prints the same split).
//
// The queries of ./gateway/queries.mjs are split by position: even positions (0, 2, …) are the
// dev half, odd positions the held-out half. Work on the search looks at the dev half only (the
// default here); the held-out half is scored at the end (`--split all`) to see whether a change
// generalises or only fits the queries it was looked at against.
//
// Also measured, in process: the word vectors' load time and memory (read once, on the first search),
// the index build time for the catalog, the first query after a build (it embeds the tools), and
// the per-query time (p50/p99), with the dense re-ranking and without it (words only) in the same run.
// A benchmark, not a test: exits 0 whether the goal holds or not, 1 only when it could not measure.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { domainTools, DOMAINS } from './gateway/domains.mjs';
import { QUERIES } from './gateway/queries.mjs';
import { RpcChild } from './rpc-client.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** `dev` for even positions of the query list, `heldOut` for odd ones. */
export function splitOf(index) {
  return index % 2 === 0 ? 'dev' : 'heldOut';
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(rows) {
  const n = rows.length;
  const sum = (f) => rows.reduce((total, row) => total + f(row), 0);
  return {
    queries: n,
    recallAt1: n === 0 ? 0 : sum((row) => (row.rank === 0 ? 1 : 0)) / n,
    recallAt5: n === 0 ? 0 : sum((row) => (row.rank >= 0 && row.rank < 5 ? 1 : 0)) / n,
    mrr: n === 0 ? 0 : sum((row) => (row.rank >= 0 && row.rank < 5 ? 1 / (row.rank + 1) : 0)) / n,
  };
}

/**
 * Scores `rank(query)` (a promise of `server/tool` names, best first, at most 5 looked at) over
 * the queries whose split is in `splits`: the full set, the dev half and the held-out half, plus
 * the misses (queries whose expected tool is not in the first 5) with their split.
 */
export async function scoreRetrieval(rank, { splits = ['dev', 'heldOut'] } = {}) {
  const rows = [];
  for (const [index, [query, expected]] of QUERIES.entries()) {
    const split = splitOf(index);
    if (!splits.includes(split)) continue;
    const ranked = (await rank(query)).slice(0, 5);
    rows.push({ split, query, expected, ranked, rank: ranked.findIndex((name) => expected.includes(name)) });
  }
  const bySplit = (split) => rows.filter((row) => row.split === split);
  return {
    ...summary(rows),
    dev: summary(bySplit('dev')),
    heldOut: summary(bySplit('heldOut')),
    misses: rows
      .filter((row) => row.rank < 0)
      .map(({ split, query, expected, ranked }) => ({ split, query, expected, got: ranked.slice(0, 3) })),
  };
}

/** One line per split: `dev 0.867 / 0.947 / 0.893 (75)`. */
export function formatRetrieval(r) {
  const line = (name, s) =>
    `${name.padEnd(8)} recall@1 ${s.recallAt1.toFixed(3)}  recall@5 ${s.recallAt5.toFixed(3)}  MRR ${s.mrr.toFixed(3)}  (${s.queries} queries)`;
  return [
    ...(r.dev.queries > 0 ? [line('dev', r.dev)] : []),
    ...(r.heldOut.queries > 0 ? [line('held-out', r.heldOut)] : []),
    ...(r.dev.queries > 0 && r.heldOut.queries > 0 ? [line('all', r)] : []),
  ].join('\n');
}

function bin(pkg, name) {
  const manifest = require.resolve(`${pkg}/package.json`, { paths: [join(ROOT, 'test')] });
  const json = JSON.parse(readFileSync(manifest, 'utf8'));
  return join(dirname(manifest), typeof json.bin === 'string' ? json.bin : json.bin[name]);
}

/** The bench catalog's tools as `{ server, name, description, inputSchema }`, the npm servers asked directly. */
export async function catalogTools(work) {
  mkdirSync(join(work, 'fsroot'), { recursive: true });
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.NODE_EXTRA_CA_CERTS;
  const servers = {
    everything: [bin('@modelcontextprotocol/server-everything', 'mcp-server-everything'), 'stdio'],
    memory: [bin('@modelcontextprotocol/server-memory', 'mcp-server-memory')],
    filesystem: [bin('@modelcontextprotocol/server-filesystem', 'mcp-server-filesystem'), join(work, 'fsroot')],
  };
  const lists = await Promise.all(
    Object.entries(servers).map(async ([server, args]) => {
      const child = new RpcChild(server, process.execPath, args, {
        env: { ...env, MEMORY_FILE_PATH: join(work, 'memory.json') },
        cwd: work,
      });
      try {
        await child.initialize();
        const { result } = await child.request('tools/list', {});
        return result.tools.map((tool) => ({ server, ...tool }));
      } finally {
        await child.kill();
      }
    }),
  );
  const generated = Object.keys(DOMAINS).flatMap((domain) =>
    domainTools(domain).map((tool) => ({ server: domain, ...tool })),
  );
  return [...lists.flat(), ...generated];
}

/**
 * Index build time and the first query after it (p50 over `builds`), and per-query time (p50/p99
 * over `rounds` passes of the queries); `options` go to the ToolIndex.
 */
export function measureSpeed(ToolIndex, tools, { builds = 30, rounds = 20, options = {} } = {}) {
  const buildMs = [];
  const firstQueryMs = [];
  let index;
  for (let i = 0; i < builds; i += 1) {
    let started = performance.now();
    index = new ToolIndex(tools, options);
    buildMs.push(performance.now() - started);
    started = performance.now();
    index.query(QUERIES[i % QUERIES.length][0], 5);
    firstQueryMs.push(performance.now() - started);
  }
  const queryUs = [];
  for (let round = 0; round < rounds; round += 1)
    for (const [query] of QUERIES) {
      const started = performance.now();
      index.query(query, 5);
      queryUs.push((performance.now() - started) * 1000);
    }
  buildMs.sort((a, b) => a - b);
  firstQueryMs.sort((a, b) => a - b);
  queryUs.sort((a, b) => a - b);
  return {
    tools: index.size,
    buildMsP50: Number(percentile(buildMs, 50).toFixed(2)),
    firstQueryMsP50: Number(percentile(firstQueryMs, 50).toFixed(2)),
    queryUsP50: Math.round(percentile(queryUs, 50)),
    queryUsP99: Math.round(percentile(queryUs, 99)),
  };
}

async function main() {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--split');
  const split = at >= 0 ? argv[at + 1] : 'dev';
  const splits = { dev: ['dev'], 'held-out': ['heldOut'], all: ['dev', 'heldOut'] }[split];
  if (splits === undefined) throw new Error(`--split takes dev, held-out or all, got ${split}`);
  const work = join(ROOT, '.tmp/bench-retrieval');
  rmSync(work, { recursive: true, force: true });
  const { ToolIndex, defaultWordVectors } = await import(
    pathToFileURL(join(ROOT, 'packages/gateway/dist/index.js')).href
  );
  const tools = await catalogTools(work);
  // The word vectors, read once per process (the gateway does it on its first search).
  globalThis.gc?.();
  const before = process.memoryUsage();
  let started = performance.now();
  const vectors = defaultWordVectors();
  const vectorsLoadMs = performance.now() - started;
  globalThis.gc?.();
  const after = process.memoryUsage();
  const mib = (bytes) => Number((bytes / 2 ** 20).toFixed(1));
  const vectorsMemory = {
    words: vectors?.size ?? 0,
    loadMs: Number(vectorsLoadMs.toFixed(1)),
    rssMiB: mib(after.rss - before.rss),
    heapMiB: mib(after.heapUsed - before.heapUsed),
    arrayBuffersMiB: mib(after.arrayBuffers - before.arrayBuffers),
  };
  // Cold figures: the first index of the process, and its first query (which reads the thesaurus).
  started = performance.now();
  const index = new ToolIndex(tools);
  const firstBuildMs = performance.now() - started;
  started = performance.now();
  index.query(QUERIES[0][0], 5);
  const firstQueryMs = performance.now() - started;
  const retrieval = await scoreRetrieval(async (query) => index.query(query, 5).map((m) => `${m.server}/${m.tool}`), {
    splits,
  });
  const speed = {
    ...measureSpeed(ToolIndex, tools),
    coldBuildMs: Number(firstBuildMs.toFixed(1)),
    coldFirstQueryMs: Number(firstQueryMs.toFixed(1)),
  };
  // The same index without the dense re-ranking, in the same run: what the vectors cost per query.
  const wordsOnly = measureSpeed(ToolIndex, tools, { options: { vectors: null } });
  const load = os.loadavg();
  const results = {
    split,
    retrieval,
    speed,
    wordsOnlySpeed: wordsOnly,
    vectors: vectorsMemory,
    machine: { cpus: os.cpus().length, load },
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/gateway-retrieval.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (argv.includes('--misses'))
    for (const miss of retrieval.misses)
      console.log(
        `  miss [${miss.split}] ${miss.query} → want ${miss.expected.join(' | ')}; got ${miss.got.join(' ')}`,
      );
  console.log(formatRetrieval(retrieval));
  console.log(
    `word vectors: ${vectorsMemory.words} words read in ${vectorsMemory.loadMs} ms, +${vectorsMemory.rssMiB} MiB RSS (+${vectorsMemory.heapMiB} MiB heap, +${vectorsMemory.arrayBuffersMiB} MiB array buffers)`,
  );
  console.log(
    `index: ${speed.tools} tools, build ${speed.coldBuildMs} ms cold, p50 ${speed.buildMsP50} ms warm; first query ${speed.coldFirstQueryMs} ms cold (reads the thesaurus), p50 ${speed.firstQueryMsP50} ms after a rebuild (embeds the tools); query p50 ${speed.queryUsP50} µs, p99 ${speed.queryUsP99} µs`,
  );
  console.log(
    `words only (no vectors), same run: build p50 ${wordsOnly.buildMsP50} ms, first query p50 ${wordsOnly.firstQueryMsP50} ms, query p50 ${wordsOnly.queryUsP50} µs, p99 ${wordsOnly.queryUsP99} µs; load average ${load.map((x) => x.toFixed(2)).join(' ')}`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
