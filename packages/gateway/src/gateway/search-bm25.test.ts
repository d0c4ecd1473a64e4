import { describe, expect, it } from 'vitest';

import { averageLengths, Bm25, fieldFrequencies, pairKey } from './search-bm25.js';

const WEIGHTS = { name: { weight: 3, b: 0 }, body: { weight: 1, b: 0.75 } };

describe('BM25F', () => {
  it('weighs a term by the field it occurs in', () => {
    const docs = [
      { name: ['invoice'], body: ['bill'] },
      { name: ['bill'], body: ['invoice'] },
    ];
    const averages = averageLengths(docs, ['name', 'body'] as const);
    const bm25 = new Bm25(
      docs.map((doc) => fieldFrequencies(doc, averages, WEIGHTS)),
      1.2,
    );
    expect(bm25.score('invoice', 0)).toBeGreaterThan(bm25.score('invoice', 1));
    expect(bm25.score('absent', 0)).toBe(0);
  });

  it('prefers rare terms and shorter fields, and counts adjacent pairs', () => {
    const docs = [
      { name: ['list'], body: ['bug', 'report', 'common'] },
      { name: ['list'], body: ['report', 'bug', 'common', 'filler', 'filler', 'filler'] },
      { name: ['list'], body: ['common'] },
    ];
    const averages = averageLengths(docs, ['name', 'body'] as const);
    const bm25 = new Bm25(
      docs.map((doc) => fieldFrequencies(doc, averages, WEIGHTS)),
      1.2,
    );
    expect(bm25.idf('bug')).toBeGreaterThan(bm25.idf('common'));
    expect(bm25.score('bug', 0)).toBeGreaterThan(bm25.score('bug', 1));
    expect(bm25.score(pairKey('bug', 'report'), 0)).toBeGreaterThan(0);
    expect(bm25.score(pairKey('bug', 'report'), 1)).toBe(0);
  });
});
