import { describe, expect, it } from 'vitest';

import { KIND_WEIGHT, queryTerms, VALUE_WEIGHT } from './search-query.js';

const weights = (query: string) => Object.fromEntries(queryTerms(query).map((term) => [term.word, term.weight]));

describe('search query terms', () => {
  it('keeps ordinary words at full weight and drops stop words', () => {
    expect(weights('delete the old invoices')).toEqual({ delete: 1, old: 1, invoices: 1 });
  });

  it('down-weights file names and asks for a file instead', () => {
    const terms = queryTerms('rename draft.md to final.md');
    expect(weights('rename draft.md to final.md')).toEqual({
      rename: 1,
      draft: VALUE_WEIGHT,
      md: VALUE_WEIGHT,
      final: VALUE_WEIGHT,
      file: KIND_WEIGHT,
    });
    expect(terms.find((term) => term.word === 'file')?.kind).toBe(true);
  });

  it('turns numbers, e-mail addresses and URLs into their kind', () => {
    expect(weights('add 17 and 25')).toEqual({ add: 1, '17': VALUE_WEIGHT, '25': VALUE_WEIGHT, number: KIND_WEIGHT });
    expect(weights('invite dana@example.com')).toMatchObject({ invite: 1, email: KIND_WEIGHT });
    expect(weights('fetch https://example.com/a')).toMatchObject({ fetch: 1, url: KIND_WEIGHT });
  });

  it('treats a named thing, a capitalised name and quoted text as values', () => {
    expect(weights('make a folder called reports')).toEqual({ make: 1, folder: 1, reports: VALUE_WEIGHT });
    expect(weights('remember that Alice works at Acme')).toEqual({
      remember: 1,
      alice: VALUE_WEIGHT,
      works: 1,
      acme: VALUE_WEIGHT,
    });
    expect(weights('Delete the "quarterly plan" page')).toEqual({
      delete: 1,
      quarterly: VALUE_WEIGHT,
      plan: VALUE_WEIGHT,
      page: 1,
    });
  });

  it('keeps acronyms and a typed kind word at full weight', () => {
    expect(weights('view this PNG file notes.txt')).toMatchObject({ view: 1, png: 1, file: 1 });
    expect(queryTerms('copy the file notes.txt').find((term) => term.word === 'file')?.kind).toBeUndefined();
  });
});
