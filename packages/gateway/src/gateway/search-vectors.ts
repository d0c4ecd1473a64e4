/**
 * Word vectors for the tool search's dense re-ranking: a text is embedded as the SIF-weighted
 * average of its words' vectors (smooth inverse frequency, Arora et al. 2017: a word of
 * probability p counts a / (a + p), so frequent words say little), and texts are compared by
 * cosine. This bridges words that share no stem and that no thesaurus lists together ("folder"
 * and "directory", "sick" and "leave").
 *
 * The vectors are 100-dimensional GloVe vectors of the 100k most frequent plain English words,
 * int8 with a scale per word, in `data/word-vectors.bin` (format: {@link encodeWordVectors};
 * provenance, licences and how to regenerate it: the package's `data/README.md`). The file is read once, on first use; a
 * missing or damaged file makes the search lexical only, with one warning on stderr.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { GatewayError, GatewayErrorCode } from './errors.js';

/** A table of word vectors, most frequent word first. */
export interface WordVectors {
  /** Components per vector. */
  readonly dimensions: number;
  /** How many words. */
  readonly size: number;
  /** The word's position (0 = most frequent), or -1 when it has no vector. */
  indexOf(word: string): number;
  /** Adds `weight` × the vector of the word at `index` to `target`. */
  addTo(target: Float32Array, index: number, weight: number): void;
}

/** Where the gateway's own word vectors are (beside `dist/` and `src/` in the package). */
export const DEFAULT_VECTORS_PATH = fileURLToPath(new URL('../../data/word-vectors.bin', import.meta.url));

const MAGIC = 'WVEC';
const HEADER_BYTES = 16;

const invalid = (message: string): GatewayError => new GatewayError(GatewayErrorCode.WordVectorsInvalid, message);

/**
 * The bytes of a word-vectors file holding `entries` in the order given (most frequent first):
 *
 * - bytes 0–3: `WVEC`; bytes 4–15: uint32 LE format version (1), word count N, dimensions D;
 * - N float32 LE scales, then N × D int8 components (component ≈ int8 × scale, the scale being
 *   the vector's largest |component| / 127);
 * - the N words, UTF-8, `\n`-separated.
 *
 * Deterministic: the same entries give the same bytes. Words must not contain `\n`.
 */
export function encodeWordVectors(
  entries: ReadonlyArray<readonly [string, ArrayLike<number>]>,
  dimensions: number,
): Uint8Array {
  const componentsAt = HEADER_BYTES + entries.length * 4;
  const words = new TextEncoder().encode(entries.map(([word]) => word).join('\n'));
  const bytes = new Uint8Array(componentsAt + entries.length * dimensions + words.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) view.setUint8(i, MAGIC.charCodeAt(i));
  view.setUint32(4, 1, true);
  view.setUint32(8, entries.length, true);
  view.setUint32(12, dimensions, true);
  entries.forEach(([word, vector], i) => {
    if (word.includes('\n') || vector.length < dimensions) throw invalid(`bad entry for ${word}`);
    let largest = 0;
    for (let d = 0; d < dimensions; d++) largest = Math.max(largest, Math.abs(vector[d] as number));
    const scale = largest === 0 ? 1 : largest / 127;
    view.setFloat32(HEADER_BYTES + i * 4, scale, true);
    for (let d = 0; d < dimensions; d++)
      view.setInt8(componentsAt + i * dimensions + d, Math.round((vector[d] as number) / scale));
  });
  bytes.set(words, componentsAt + entries.length * dimensions);
  return bytes;
}

/** Reads the bytes of a word-vectors file (see {@link encodeWordVectors}). */
export function parseWordVectors(bytes: Uint8Array): WordVectors {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.byteLength < HEADER_BYTES || magic !== MAGIC) throw invalid('not a word-vectors file');
  const version = view.getUint32(4, true);
  if (version !== 1) throw invalid(`unsupported word-vectors format ${version}`);
  const size = view.getUint32(8, true);
  const dimensions = view.getUint32(12, true);
  const componentsAt = HEADER_BYTES + size * 4;
  const wordsAt = componentsAt + size * dimensions;
  if (dimensions === 0 || wordsAt > bytes.byteLength) throw invalid('word-vectors file is truncated');
  const scales = new Float32Array(size);
  for (let i = 0; i < size; i++) scales[i] = view.getFloat32(HEADER_BYTES + i * 4, true);
  const components = new Int8Array(bytes.buffer, bytes.byteOffset + componentsAt, size * dimensions);
  const list = new TextDecoder().decode(bytes.subarray(wordsAt)).split('\n');
  if (list.length !== size) throw invalid(`word-vectors file lists ${list.length} words, not ${size}`);
  const positions = new Map<string, number>();
  list.forEach((word, i) => positions.set(word, i));
  return {
    dimensions,
    size,
    indexOf: (word) => positions.get(word) ?? -1,
    addTo(target, index, weight) {
      const scale = (scales[index] as number) * weight;
      const start = index * dimensions;
      for (let d = 0; d < dimensions; d++)
        target[d] = (target[d] as number) + scale * (components[start + d] as number);
    },
  };
}

/**
 * The word vectors in `path`, or `null` (after one line on `warn`) when the file is missing or
 * damaged: the search then ranks by words alone.
 */
export function loadWordVectors(
  path: string = DEFAULT_VECTORS_PATH,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): WordVectors | null {
  try {
    return parseWordVectors(readFileSync(path));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warn(`mcp-factory gateway: word vectors unavailable (${reason}); search_tools ranks by words only`);
    return null;
  }
}

let shared: WordVectors | null | undefined;

/** The gateway's own word vectors, read on the first call and then shared (`null` if unavailable). */
export function defaultWordVectors(): WordVectors | null {
  if (shared === undefined) shared = loadWordVectors();
  return shared;
}

/** Default SIF smoothing: a word of probability ≥ 10 × a counts less than a tenth. */
export const SIF_SMOOTHING = 1e-4;

/**
 * Embeds weighted words as one unit vector: each word's vector times its weight times its SIF
 * weight a / (a + p), p estimated from the word's frequency rank r (Zipf: p ≈ 1 / ((r + 1) H),
 * H the harmonic number of the table's size).
 */
export class SentenceEmbedder {
  private readonly harmonic: number;

  constructor(
    readonly vectors: WordVectors,
    private readonly smoothing: number = SIF_SMOOTHING,
  ) {
    this.harmonic = Math.log(vectors.size) + 0.5772;
  }

  /** The SIF weight of the word at `index`. */
  sifWeight(index: number): number {
    const probability = 1 / ((index + 1) * this.harmonic);
    return this.smoothing / (this.smoothing + probability);
  }

  /** The unit vector of `words` (word → weight), or `null` when none of them has a vector. */
  embed(words: Iterable<readonly [string, number]>): Float32Array | null {
    const sum = new Float32Array(this.vectors.dimensions);
    let found = false;
    for (const [word, weight] of words) {
      const index = this.vectors.indexOf(word);
      if (index < 0 || weight <= 0) continue;
      this.vectors.addTo(sum, index, weight * this.sifWeight(index));
      found = true;
    }
    return found ? normalize(sum) : null;
  }
}

/**
 * The first principal direction of `vectors` (unit length; uncentred, by power iteration), the
 * component all averaged word vectors share; removing it leaves what tells texts apart. That
 * component dominates, so a few iterations converge (3 already agree with 100 on the bench catalog).
 */
export function commonComponent(vectors: readonly Float32Array[], iterations = 10): Float32Array | null {
  const first = vectors[0];
  if (first === undefined) return null;
  let direction = normalize(Float32Array.from(first));
  for (let round = 0; round < iterations; round++) {
    const next = new Float32Array(direction.length);
    for (const vector of vectors) {
      const projection = cosine(vector, direction);
      for (let d = 0; d < next.length; d++) next[d] = (next[d] as number) + projection * (vector[d] as number);
    }
    direction = normalize(next);
  }
  return direction;
}

/** `vector` without its component along the unit vector `direction`, scaled to length 1 (in place). */
export function removeComponent(vector: Float32Array, direction: Float32Array): Float32Array {
  const projection = cosine(vector, direction);
  for (let d = 0; d < vector.length; d++) vector[d] = (vector[d] as number) - projection * (direction[d] as number);
  return normalize(vector);
}

/**
 * The unit vectors of a set of texts (one row each, in one array), optionally without the
 * component they share ({@link commonComponent}), compared with a query in one pass.
 */
export class TextVectors {
  private readonly rows: Float32Array;
  /** 1 for a text that has a vector (at least one of its words has one), else 0. */
  private readonly present: Uint8Array;
  private readonly common: Float32Array | null;

  constructor(
    private readonly embedder: SentenceEmbedder,
    texts: ReadonlyArray<Iterable<readonly [string, number]>>,
    removeCommon: boolean,
  ) {
    const dimensions = embedder.vectors.dimensions;
    const vectors = texts.map((words) => embedder.embed(words));
    const found = vectors.filter((vector) => vector !== null);
    this.common = removeCommon ? commonComponent(found) : null;
    this.rows = new Float32Array(texts.length * dimensions);
    this.present = new Uint8Array(texts.length);
    vectors.forEach((vector, i) => {
      if (vector === null) return;
      this.rows.set(this.common === null ? vector : removeComponent(vector, this.common), i * dimensions);
      this.present[i] = 1;
    });
  }

  /** The cosine of each text with `words` (0 for a text without a vector), or `null` when `words` have none. */
  similarities(words: Iterable<readonly [string, number]>): Float64Array | null {
    let query = this.embedder.embed(words);
    if (query === null) return null;
    if (this.common !== null) query = removeComponent(query, this.common);
    const dimensions = query.length;
    const result = new Float64Array(this.present.length);
    for (let i = 0; i < result.length; i++) {
      if (this.present[i] === 0) continue;
      let dot = 0;
      for (let d = 0, at = i * dimensions; d < dimensions; d++, at++)
        dot += (query[d] as number) * (this.rows[at] as number);
      result[i] = dot;
    }
    return result;
  }
}

/** `vector` scaled to length 1 (a zero vector stays zero). */
export function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < vector.length; d++) vector[d] = (vector[d] as number) / norm;
  return vector;
}

/** The cosine of two unit vectors (their dot product). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let d = 0; d < a.length; d++) dot += (a[d] as number) * (b[d] as number);
  return dot;
}
