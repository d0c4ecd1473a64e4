/**
 * Text analysis for the tool search: identifiers split into words (`readFile`, `read_file`,
 * `list-pull-requests`), lowercase words, English stop words dropped, and words reduced to their
 * Porter2 (Snowball English) stem so that "deleting files", "deleted file" and `delete_file` meet.
 *
 * @module
 */
import porter2 from 'wink-porter2-stemmer';

/**
 * English function words that say nothing about which tool is meant (articles, pronouns,
 * auxiliaries, prepositions, question words, politeness). A general list: no domain words.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both
  but by can could did do does doing down during each few for from further had has have having he her here hers
  herself him himself his i if in into is it its itself just let me might more most must my myself no nor not
  of off on once only or other our ours ourselves out over own please same shall she should so some such than
  that the their theirs them themselves then there these they this those through to too under until up very was
  we were while will with would you your yours yourself yourselves`.split(/\s+/),
);

/** Splits `readFile`, `read_file`, `read-file`, `HTTPServer` and `read.file` into space-separated words. */
export function splitIdentifier(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-.:/]+/g, ' ');
}

/**
 * The lowercase words of `text` (identifiers split, anything but letters and digits a separator).
 * A hyphenated compound also gives its joined form ("to-do" → to, do, todo; "e-mail" → e, mail,
 * email), so that either spelling finds the other.
 */
export function words(text: string): string[] {
  const found = splitIdentifier(text)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
  for (const compound of text.toLowerCase().match(/\p{L}+(?:-\p{L}+)+/gu) ?? []) found.push(compound.replace(/-/g, ''));
  return found;
}

const stems = new Map<string, string>();

/** The Porter2 stem of a lowercase word (memoised: the vocabulary of a catalog is small). */
export function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = /^\p{N}+$/u.test(word) ? word : porter2(word);
    if (stems.size < 100_000) stems.set(word, stemmed);
  }
  return stemmed;
}

/** The words of `text` that carry meaning: stop words dropped, order kept. */
export function contentWords(text: string): string[] {
  return words(text).filter((word) => !STOP_WORDS.has(word));
}

/** The stems of `text`'s content words, in order (repeats kept: term frequency counts them). */
export function analyze(text: string): string[] {
  return contentWords(text).map(stem);
}

/** Whether an English word is written as a regular plural ("events", "entries"; not "status", "class", "this"). */
export function isPlural(word: string): boolean {
  return word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word);
}

/** The character trigrams of `word`, with `^` and `$` marking its start and end. */
export function trigrams(word: string): Set<string> {
  const padded = `^${word}$`;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return grams;
}

/** Dice similarity of two sets (0 = nothing shared, 1 = the same). */
export function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size + b.size === 0) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return (2 * shared) / (a.size + b.size);
}
