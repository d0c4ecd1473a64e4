import { describe, expect, it } from 'vitest';

import { baseForms, thesaurusFromLists, wordNetThesaurus } from './search-thesaurus.js';

describe('search thesaurus', () => {
  it('relates head words and synonyms both ways, not synonyms of one head to each other', () => {
    const thesaurus = thesaurusFromLists([['make', ['create', 'build', 'make-up', 'do']]]);
    expect([...thesaurus.related('make')].sort()).toEqual(['build', 'create']);
    expect(thesaurus.related('create')).toEqual(['make']);
    expect(thesaurus.related('unknown')).toEqual([]);
  });

  it('looks words up by their base forms', () => {
    expect(baseForms('meetings')).toContain('meeting');
    expect(baseForms('invited')).toContain('invite');
    expect(baseForms('running')).toContain('run');
    expect(baseForms('queries')).toContain('query');
    const thesaurus = thesaurusFromLists([['invoice', ['bill']]]);
    expect(thesaurus.related('invoices')).toEqual(['bill']);
    expect(thesaurus.related('bills')).toEqual(['invoice']);
  });

  it('ships a WordNet-derived list with everyday synonyms', () => {
    const thesaurus = wordNetThesaurus();
    expect(thesaurus.related('bill')).toContain('invoice');
    expect(thesaurus.related('invoice')).toContain('bill');
    expect(thesaurus.related('delete')).toContain('cancel');
    expect(thesaurus.related('refund')).toContain('repay');
  });
});
