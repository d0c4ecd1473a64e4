import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { GatewayErrorCode, isGatewayError } from './errors.js';
import {
  commonComponent,
  cosine,
  defaultWordVectors,
  encodeWordVectors,
  loadWordVectors,
  parseWordVectors,
  removeComponent,
  SentenceEmbedder,
} from './search-vectors.js';

const TABLE: Array<readonly [string, number[]]> = [
  ['folder', [1, 0, 0]],
  ['directory', [0.9, 0.3, 0]],
  ['invoice', [0, 0, 1]],
];

describe('word vectors', () => {
  it('reads back what it wrote, each component within its int8 step', () => {
    const vectors = parseWordVectors(encodeWordVectors(TABLE, 3));
    expect([vectors.size, vectors.dimensions]).toEqual([3, 3]);
    expect(vectors.indexOf('directory')).toBe(1);
    expect(vectors.indexOf('absent')).toBe(-1);
    const sum = new Float32Array(3);
    vectors.addTo(sum, 1, 2);
    expect(sum[0]).toBeCloseTo(1.8, 2);
    expect(sum[1]).toBeCloseTo(0.6, 2);
    expect(sum[2]).toBe(0);
  });

  it('refuses a damaged file with a typed error', () => {
    const bytes = encodeWordVectors(TABLE, 3);
    const expectInvalid = (broken: Uint8Array): void => {
      try {
        parseWordVectors(broken);
        expect.unreachable('parsed a damaged file');
      } catch (error) {
        expect(isGatewayError(error, GatewayErrorCode.WordVectorsInvalid)).toBe(true);
      }
    };
    expectInvalid(bytes.subarray(0, 20));
    expectInvalid(new TextEncoder().encode('not vectors at all'));
    const extraWord = new Uint8Array([...bytes, ...new TextEncoder().encode('\nextra')]);
    expectInvalid(extraWord);
  });

  it('degrades to nothing, with one warning, when the file is missing or damaged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'word-vectors-'));
    try {
      const warnings: string[] = [];
      expect(loadWordVectors(join(dir, 'missing.bin'), (line) => warnings.push(line))).toBeNull();
      writeFileSync(join(dir, 'broken.bin'), 'WVEC');
      expect(loadWordVectors(join(dir, 'broken.bin'), (line) => warnings.push(line))).toBeNull();
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/word vectors unavailable.*ranks by words only/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('embeds weighted words as a unit vector, frequent words counting less', () => {
    const embedder = new SentenceEmbedder(parseWordVectors(encodeWordVectors(TABLE, 3)), 1e-2);
    const vector = embedder.embed([
      ['folder', 1],
      ['unknown', 5],
    ]);
    expect(vector).not.toBeNull();
    expect(cosine(vector!, vector!)).toBeCloseTo(1, 5);
    expect(embedder.embed([['unknown', 1]])).toBeNull();
    expect(embedder.sifWeight(0)).toBeLessThan(embedder.sifWeight(2));
  });

  it('removes the component texts share, keeping what tells them apart', () => {
    const a = Float32Array.from([1, 0.1, 0]);
    const b = Float32Array.from([1, 0, 0.1]);
    const common = commonComponent([a, b].map((v) => Float32Array.from(v)));
    expect(common).not.toBeNull();
    expect(cosine(a, b)).toBeGreaterThan(0.9);
    const [ra, rb] = [removeComponent(Float32Array.from(a), common!), removeComponent(Float32Array.from(b), common!)];
    expect(cosine(ra, rb)).toBeLessThan(0);
    expect(commonComponent([])).toBeNull();
  });

  it('ships English vectors in which related words are closer than unrelated ones', () => {
    const vectors = defaultWordVectors();
    expect(vectors).not.toBeNull();
    const embedder = new SentenceEmbedder(vectors!);
    const of = (word: string) => embedder.embed([[word, 1]])!;
    expect(cosine(of('folder'), of('directory'))).toBeGreaterThan(cosine(of('folder'), of('invoice')));
    expect(cosine(of('sick'), of('leave'))).toBeGreaterThan(cosine(of('sick'), of('bucket')));
    expect(cosine(of('meeting'), of('event'))).toBeGreaterThan(cosine(of('meeting'), of('shipment')));
  });
});
