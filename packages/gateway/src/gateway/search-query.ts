/**
 * Reading a search query the way a request is written: most words say what to do, some are values
 * for the tool's arguments ("rename draft.md to final.md", "add 17 and 25", "a folder called
 * reports", "works at Acme"). A value's own words say little about which tool is meant, so they
 * count less; what kind of value it is often says more, so a file name also asks for "file", a
 * number for "number", an address for "email" or "url".
 *
 * @module
 */
import { STOP_WORDS, words } from './search-text.js';

/** A word of the query (lowercase) and how much it counts (1 for an ordinary word). */
export interface QueryTerm {
  readonly word: string;
  readonly weight: number;
  /** The word names the kind of a value ("file" for `notes.txt`): not expanded with synonyms. */
  readonly kind?: boolean;
}

/** How much the words of a value count. */
export const VALUE_WEIGHT = 0.3;
/** How much the kind of a value counts ("file" for `notes.txt`). */
export const KIND_WEIGHT = 0.5;

/** Words after which the next word is a name given to something ("a folder called reports"); dropped. */
const NAMING = new Set(['called', 'named', 'titled']);

type Token = { text: string; kind?: string; value: boolean };

/** Classifies one whitespace-separated piece of the query (punctuation around it already trimmed). */
function classify(piece: string): Token {
  if (/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(piece)) return { text: piece, kind: 'email', value: true };
  if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(piece)) return { text: piece, kind: 'url', value: true };
  if (/^[\w-]+(\.[\w-]+)*\.[a-z][a-z0-9]{0,4}$/i.test(piece) && !/^\d/.test(piece))
    return { text: piece, kind: 'file', value: true };
  if (/^[-+]?\d[\d,]*(\.\d+)?%?$/.test(piece)) return { text: piece, kind: 'number', value: true };
  if (/^\d/.test(piece)) return { text: piece, value: true };
  return { text: piece, value: false };
}

/**
 * The terms of `query`: stop words dropped, values (quoted text, e-mail addresses, URLs, file
 * names, numbers, a capitalised name inside the sentence, the word after "called"/"named"/"titled")
 * down-weighted to {@link VALUE_WEIGHT}, and the kind of each typed value added at
 * {@link KIND_WEIGHT}. A word that occurs both as a value and as an ordinary word keeps the larger
 * weight.
 */
export function queryTerms(query: string): QueryTerm[] {
  const weights = new Map<string, number>();
  const kinds = new Set<string>();
  const add = (word: string, weight: number): void => {
    if (STOP_WORDS.has(word)) return;
    weights.set(word, Math.max(weights.get(word) ?? 0, weight));
  };
  // Quoted text is a value as a whole.
  const unquoted = query.replace(/"([^"]*)"|“([^”]*)”|`([^`]*)`/g, (_match, a, b, c) => {
    for (const word of words(String(a ?? b ?? c ?? ''))) add(word, VALUE_WEIGHT);
    return ' ';
  });
  const pieces = unquoted.split(/\s+/).filter(Boolean);
  let sentenceStart = true;
  let naming = false;
  for (const raw of pieces) {
    const piece = raw.replace(/^[("'[{]+|[)"'\]},;:!?]+$|\.+$/g, '');
    const token = classify(piece);
    const properName = !sentenceStart && /^\p{Lu}\p{Ll}+$/u.test(piece);
    const value = token.value || properName || naming;
    const marker = NAMING.has(piece.toLowerCase());
    if (!marker) for (const word of words(piece)) add(word, value ? VALUE_WEIGHT : 1);
    if (token.kind !== undefined && !weights.has(token.kind)) {
      add(token.kind, KIND_WEIGHT);
      kinds.add(token.kind);
    }
    naming = marker;
    sentenceStart = /[.!?]$/.test(raw);
  }
  return [...weights].map(([word, weight]) =>
    kinds.has(word) && weight === KIND_WEIGHT ? { word, weight, kind: true } : { word, weight },
  );
}
