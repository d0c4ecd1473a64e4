// Declarations for the two untyped CommonJS packages the tool search uses.

declare module 'wink-porter2-stemmer' {
  /** The Porter2 (Snowball English) stem of a lowercase word. */
  const stem: (word: string) => string;
  export default stem;
}

declare module 'synonyms/dictionary.js' {
  /** WordNet-derived synonyms: word → part of speech (n, v, a, s, r) → words, the word itself first. */
  const dictionary: Record<string, Record<string, string[]>>;
  export = dictionary;
}
