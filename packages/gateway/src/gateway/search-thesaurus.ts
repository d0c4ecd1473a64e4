/**
 * Query expansion for the tool search: a general English synonym list, so that "bill the customer"
 * also looks for "invoice" and "erase" for "delete". The default list is WordNet-derived (the
 * `synonyms` package, MIT, ~12k head words), read once on first use and made symmetric (a word is
 * related to the head words whose lists hold it). Only single words are kept; lookups also try the
 * word's base forms ("meetings" → "meeting", "invited" → "invite").
 *
 * @module
 */
import { createRequire } from 'node:module';

/** Words related in meaning to a word (never the word itself), lowercase. */
export interface Thesaurus {
  related(word: string): readonly string[];
}

const SINGLE_WORD = /^[a-z]{3,}$/;

/**
 * A thesaurus from head words and their synonyms, made symmetric: each synonym is related to its
 * head word and the head word to it (not the synonyms of one head to each other: a head's list
 * mixes its senses). Words that are not single lowercase words of three letters or more (phrases,
 * abbreviations) are left out.
 */
export function thesaurusFromLists(lists: Iterable<readonly [string, readonly string[]]>): Thesaurus {
  const graph = new Map<string, Set<string>>();
  const link = (from: string, to: string): void => {
    let set = graph.get(from);
    if (set === undefined) graph.set(from, (set = new Set()));
    set.add(to);
  };
  for (const [head, synonyms] of lists) {
    const from = head.toLowerCase();
    if (!SINGLE_WORD.test(from)) continue;
    for (const synonym of synonyms) {
      const to = synonym.toLowerCase();
      if (to === from || !SINGLE_WORD.test(to)) continue;
      link(from, to);
      link(to, from);
    }
  }
  return {
    related(word) {
      const found = new Set<string>();
      for (const form of baseForms(word)) for (const other of graph.get(form) ?? []) found.add(other);
      found.delete(word);
      return [...found];
    },
  };
}

/**
 * `word` and the base forms it may be an inflection of (regular English plural, -ing, -ed), most
 * likely first. Over-generates on purpose: only forms that are in the thesaurus are used.
 */
export function baseForms(word: string): string[] {
  const forms = [word];
  const add = (form: string): void => {
    if (form.length >= 3 && !forms.includes(form)) forms.push(form);
  };
  if (word.endsWith('ies')) add(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) add(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) add(word.slice(0, -1));
  for (const suffix of ['ing', 'ed']) {
    if (!word.endsWith(suffix)) continue;
    const base = word.slice(0, -suffix.length);
    add(base);
    add(`${base}e`);
    if (/([^aeiou])\1$/.test(base)) add(base.slice(0, -1));
    if (suffix === 'ed' && base.endsWith('i')) add(`${base.slice(0, -1)}y`);
  }
  return forms;
}

let wordNet: Thesaurus | undefined;

/** Whether {@link wordNetThesaurus} has been loaded in this process. */
export function wordNetLoaded(): boolean {
  return wordNet !== undefined;
}

/** The WordNet-derived thesaurus (loaded on first call, then shared). */
export function wordNetThesaurus(): Thesaurus {
  if (wordNet === undefined) {
    const require = createRequire(import.meta.url);
    const dictionary = require('synonyms/dictionary.js') as Record<string, Record<string, string[]>>;
    wordNet = thesaurusFromLists(
      Object.entries(dictionary).flatMap(([head, byPart]) =>
        Object.values(byPart).map((list): [string, string[]] => [head, list]),
      ),
    );
  }
  return wordNet;
}
