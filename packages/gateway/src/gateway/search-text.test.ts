import { describe, expect, it } from 'vitest';

import { analyze, contentWords, dice, isPlural, splitIdentifier, stem, trigrams, words } from './search-text.js';

describe('search text analysis', () => {
  it('splits camelCase, snake_case, kebab-case and dotted identifiers into words', () => {
    expect(splitIdentifier('readFile_now-ok')).toBe('read File now ok');
    expect(words('listPullRequests')).toEqual(['list', 'pull', 'requests']);
    expect(words('HTTPServer.get_file')).toEqual(['http', 'server', 'get', 'file']);
  });

  it('keeps the joined form of hyphenated compounds next to their parts', () => {
    expect(words('a to-do item')).toEqual(['a', 'to', 'do', 'item', 'todo']);
    expect(analyze('send an e-mail')).toContain(stem('email'));
  });

  it('reduces inflected forms of a word to one stem', () => {
    for (const group of [
      ['delete', 'deleted', 'deleting', 'deletes'],
      ['meeting', 'meetings'],
      ['query', 'queries'],
      ['deploy', 'deploys', 'deployed', 'deploying'],
      ['directory', 'directories'],
    ])
      expect(new Set(group.map(stem)).size, group.join(',')).toBe(1);
    expect(stem('file')).not.toBe(stem('filter'));
    expect(stem('2024')).toBe('2024');
  });

  it('drops stop words and keeps the words that say what is wanted', () => {
    expect(contentWords('please show me the files in my folder')).toEqual(['show', 'files', 'folder']);
    expect(analyze('Which of the invoices are overdue?')).toEqual([stem('which'), stem('invoices'), stem('overdue')]);
  });

  it('tells regular plurals from singulars ending in s', () => {
    expect(['events', 'entries', 'channels'].map(isPlural)).toEqual([true, true, true]);
    expect(['status', 'class', 'analysis', 'event', 'bus'].map(isPlural)).toEqual([false, false, false, false, false]);
  });

  it('measures spelling similarity with character trigrams', () => {
    expect(dice(trigrams('calender'), trigrams('calendar'))).toBeGreaterThan(0.5);
    expect(dice(trigrams('calendar'), trigrams('invoice'))).toBe(0);
    expect(dice(trigrams('same'), trigrams('same'))).toBe(1);
  });
});
