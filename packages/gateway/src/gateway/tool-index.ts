/**
 * The search index behind `search_tools`: BM25F (./search-bm25.ts) over each tool's name, title,
 * description and parameters (names, descriptions, enum values), weighted in that order, on
 * Porter2 stems with English stop words dropped (./search-text.ts).
 *
 * A query (./search-query.ts: values such as file names and numbers count less, their kind is
 * added) is a list of words; each counts once, as the best of: its own stem; a related word from a
 * general thesaurus (./search-thesaurus.ts), down-weighted; or, for a word the catalog does not use
 * at all, catalog words sharing most of its character trigrams, down-weighted. On top of that:
 * - a word that is a word of the tool's name in the same grammatical number adds a little
 *   ("channels" for `list_channels`, "channel" for `get_channel`);
 * - two adjacent query words found next to each other in a field add a little ("bug report");
 * - the tool's server, scored as one document of all its tools plus its name, adds a share of its
 *   score, so that a request about a topic prefers the server that is about that topic.
 *
 * Then a dense re-ranking (./search-vectors.ts): the query and each tool (its name, title and
 * description) are embedded as SIF-weighted averages of word vectors, without the component all
 * tool vectors share, and a tool's score becomes its lexical score over the best one plus
 * `dense` × the cosine, over every tool (so a tool sharing no word with the request can still come
 * up: "folder" for a directory) or the best `denseCandidates` lexical matches. Without the word
 * vectors the ranking is lexical.
 *
 * @module
 */
import { averageLengths, Bm25, fieldFrequencies, pairKey, type FieldWeight } from './search-bm25.js';
import { queryTerms, type QueryTerm } from './search-query.js';
import { analyze, contentWords, dice, isPlural, stem, trigrams, words } from './search-text.js';
import { wordNetLoaded, wordNetThesaurus, type Thesaurus } from './search-thesaurus.js';
import { defaultWordVectors, SentenceEmbedder, TextVectors, type WordVectors } from './search-vectors.js';

/** A tool as the index sees it. */
export interface IndexedTool {
  readonly server: string;
  readonly name: string;
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly inputSchema?: unknown;
}

/** One search hit. */
export interface ToolMatch {
  readonly server: string;
  readonly tool: string;
  readonly score: number;
}

type ToolField = 'name' | 'title' | 'description' | 'params';
type ServerField = ToolField | 'server';
const TOOL_FIELDS: readonly ToolField[] = ['name', 'title', 'description', 'params'];
const SERVER_FIELDS: readonly ServerField[] = [...TOOL_FIELDS, 'server'];

/** The scoring constants (see {@link DEFAULT_WEIGHTS}). */
export interface SearchWeights {
  /** BM25F weight and length normalisation of each field of a tool. */
  readonly fields: Readonly<Record<ToolField, FieldWeight>>;
  /** BM25F weight of the server's name in the server's document (its tools' fields keep theirs). */
  readonly serverName: number;
  /** BM25 term-frequency saturation. */
  readonly k1: number;
  /** Weight of a thesaurus word relative to the word typed. */
  readonly related: number;
  /** Weight of a trigram neighbour (times its similarity) relative to the word typed. */
  readonly trigram: number;
  /** Least trigram similarity (Dice) for a neighbour. */
  readonly trigramMin: number;
  /** Added to a word's field-weighted frequency when it is a word of the tool's name in the same number. */
  readonly nameAgreement: number;
  /** Weight of two adjacent query words found next to each other in a field. */
  readonly pair: number;
  /** Share of the server's score added to each of its tools' scores. */
  readonly server: number;
  /** Weight of the cosine of query and tool vectors next to the lexical score scaled to the best one's. */
  readonly dense: number;
  /** How many of the best lexical matches the vectors re-rank (0: every tool, matched by words or not). */
  readonly denseCandidates: number;
  /** Weight of each field's words in a tool's vector. */
  readonly denseFields: Readonly<Record<ToolField, number>>;
  /** SIF smoothing `a` of the vectors' word weights a / (a + p). */
  readonly sif: number;
  /** Whether the catalog's common component is removed from tool and query vectors. */
  readonly denseCommon: boolean;
}

/** The defaults: chosen on the dev half of the bench's query set (see bench/gateway-retrieval.mjs). */
export const DEFAULT_WEIGHTS: SearchWeights = {
  fields: {
    name: { weight: 3, b: 0.3 },
    title: { weight: 2, b: 0.3 },
    description: { weight: 1, b: 0.75 },
    params: { weight: 0.4, b: 0.75 },
  },
  serverName: 1,
  k1: 0.9,
  related: 0.45,
  trigram: 0.5,
  trigramMin: 0.5,
  nameAgreement: 1,
  pair: 0.3,
  server: 0.5,
  dense: 0.8,
  denseCandidates: 0,
  denseFields: { name: 2, title: 1, description: 1, params: 0 },
  sif: 1e-4,
  denseCommon: true,
};

/** How the index finds and weighs things. */
export interface ToolIndexOptions {
  /** Related words for query expansion (default: the WordNet-derived list, read on first use; `null`: none). */
  thesaurus?: Thesaurus | null;
  /**
   * Word vectors for the dense re-ranking (default: the gateway's own, read on the first query;
   * `null`: words only).
   */
  vectors?: WordVectors | null;
  /** Scoring constants (default {@link DEFAULT_WEIGHTS}), for experiments. */
  weights?: Partial<SearchWeights>;
}

/** A word of the query and what may stand for it. */
interface Concept {
  readonly word: string;
  readonly stem: string;
  /** How much the word counts (values count less, see ./search-query.ts). */
  readonly weight: number;
  /** Other stems that may stand for the word, with their weights. */
  readonly alternatives: ReadonlyArray<readonly [string, number]>;
}

interface Entry {
  readonly server: string;
  readonly tool: string;
  /** The stems of the name's words, each with whether the word is written as a plural. */
  readonly nameNumbers: ReadonlyMap<string, boolean>;
  readonly serverIndex: number;
}

function parameterText(schema: unknown): string {
  const properties = (schema as { properties?: unknown } | null | undefined)?.properties;
  if (properties === null || typeof properties !== 'object') return '';
  return Object.entries(properties as Record<string, unknown>)
    .map(([key, value]) => {
      const spec = (value ?? {}) as { description?: unknown; enum?: unknown };
      const description = typeof spec.description === 'string' ? spec.description : '';
      const choices = Array.isArray(spec.enum) ? spec.enum.filter((item) => typeof item === 'string').join(' ') : '';
      return `${key} ${description} ${choices}`;
    })
    .join(' ');
}

/** A BM25F index over tools; rebuilt (cheaply) when catalogs change. */
export class ToolIndex {
  private entries: Entry[] = [];
  private byTool = new Bm25([], 1);
  /** Each server as one document: its name and the fields of all its tools. */
  private byServer = new Bm25([], 1);
  /** Catalog word → its stem (the trigram fallback's vocabulary). */
  private vocabulary = new Map<string, string>();
  /** The vocabulary's trigrams, computed on the first fallback. */
  private vocabularyTrigrams: Array<readonly [Set<string>, string]> | undefined;
  private readonly givenThesaurus: Thesaurus | null | undefined;
  private readonly givenVectors: WordVectors | null | undefined;
  /** Each tool's words (their field weights summed), for its vector. */
  private denseWords: Array<Map<string, number>> = [];
  /** The tools' vectors, made on the first query after a reset. */
  private toolVectors: TextVectors | undefined;
  private embedder: SentenceEmbedder | null | undefined;
  private readonly weights: SearchWeights;

  constructor(tools: readonly IndexedTool[] = [], options: ToolIndexOptions = {}) {
    this.givenThesaurus = options.thesaurus;
    this.givenVectors = options.vectors;
    this.weights = { ...DEFAULT_WEIGHTS, ...options.weights };
    this.reset(tools);
  }

  /** Replaces the indexed tools (a tool listed twice under one server counts once). */
  reset(tools: readonly IndexedTool[]): void {
    const seen = new Set<string>();
    const docs: Array<{ tool: IndexedTool; fields: Record<ToolField, string[]> }> = [];
    const vocabulary = new Map<string, string>();
    for (const tool of tools) {
      const id = `${tool.server}\u0000${tool.name}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const texts: Record<ToolField, string> = {
        name: tool.name,
        title: tool.title ?? '',
        description: tool.description ?? '',
        params: parameterText(tool.inputSchema),
      };
      const fields = {} as Record<ToolField, string[]>;
      for (const field of TOOL_FIELDS) {
        fields[field] = analyze(texts[field]);
        for (const word of contentWords(texts[field])) vocabulary.set(word, stem(word));
      }
      docs.push({ tool, fields });
    }
    const servers = new Map<string, Record<ServerField, string[]>>();
    for (const { tool, fields } of docs) {
      let merged = servers.get(tool.server);
      if (merged === undefined) {
        merged = { name: [], title: [], description: [], params: [], server: analyze(tool.server) };
        servers.set(tool.server, merged);
      }
      for (const field of TOOL_FIELDS) merged[field].push(...fields[field]);
    }
    const { k1, fields: toolWeights, serverName } = this.weights;
    const toolAverages = averageLengths(
      docs.map((doc) => doc.fields),
      TOOL_FIELDS,
    );
    this.byTool = new Bm25(
      docs.map(({ fields }) => fieldFrequencies(fields, toolAverages, toolWeights)),
      k1,
    );
    const serverDocs = [...servers.values()];
    const serverAverages = averageLengths(serverDocs, SERVER_FIELDS);
    const serverWeights = { ...toolWeights, server: { weight: serverName, b: 0 } };
    this.byServer = new Bm25(
      serverDocs.map((fields) => fieldFrequencies(fields, serverAverages, serverWeights)),
      k1,
    );
    const serverNames = [...servers.keys()];
    this.entries = docs.map(({ tool }) => ({
      server: tool.server,
      tool: tool.name,
      nameNumbers: new Map(words(tool.name).map((word) => [stem(word), isPlural(word)])),
      serverIndex: serverNames.indexOf(tool.server),
    }));
    this.denseWords = docs.map(({ tool }) => {
      const weighted = new Map<string, number>();
      const texts: Record<ToolField, string> = {
        name: tool.name,
        title: tool.title ?? '',
        description: tool.description ?? '',
        params: parameterText(tool.inputSchema),
      };
      for (const field of TOOL_FIELDS)
        for (const word of contentWords(texts[field]))
          weighted.set(word, (weighted.get(word) ?? 0) + this.weights.denseFields[field]);
      return weighted;
    });
    this.toolVectors = undefined;
    this.vocabulary = vocabulary;
    this.vocabularyTrigrams = undefined;
  }

  /** How many tools are indexed. */
  get size(): number {
    return this.entries.length;
  }

  private thesaurus(): Thesaurus | null {
    return this.givenThesaurus === undefined ? wordNetThesaurus() : this.givenThesaurus;
  }

  /**
   * Loads ahead what the first query would otherwise load on its caller's time: the thesaurus and
   * the word vectors (read once per process and shared; about 120 and 40 ms here), one per turn of
   * the event loop. A query meanwhile finds what is ready and loads the rest itself.
   */
  async warm(): Promise<void> {
    const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await nextTurn();
    this.thesaurus();
    await nextTurn();
    if (this.weights.dense > 0) this.sentenceEmbedder();
  }

  /** Whether the thesaurus and the sentence embedder are loaded (see {@link warm}). */
  get warmed(): boolean {
    return (
      (this.givenThesaurus !== undefined || wordNetLoaded()) && (this.weights.dense <= 0 || this.embedder !== undefined)
    );
  }

  /** The sentence embedder over the word vectors, or `null` when there are none. */
  private sentenceEmbedder(): SentenceEmbedder | null {
    if (this.embedder === undefined) {
      const vectors = this.givenVectors === undefined ? defaultWordVectors() : this.givenVectors;
      this.embedder = vectors === null ? null : new SentenceEmbedder(vectors, this.weights.sif);
    }
    return this.embedder;
  }

  /** The query's words, each with the stems that may stand for it, then its adjacent pairs. */
  private concepts(terms: readonly QueryTerm[]): Concept[] {
    const known = this.byTool.postings;
    const typed = new Set(terms.map((term) => stem(term.word)));
    const concepts: Concept[] = [];
    const done = new Set<string>();
    for (const term of [...terms].sort((a, b) => b.weight - a.weight)) {
      const stemmed = stem(term.word);
      if (done.has(stemmed)) continue;
      done.add(stemmed);
      const alternatives = new Map<string, number>();
      const offer = (candidate: string, weight: number): void => {
        if (typed.has(candidate) || !known.has(candidate)) return;
        alternatives.set(candidate, Math.max(alternatives.get(candidate) ?? 0, weight));
      };
      // The kind of a value ("file" for notes.txt) is meant literally: no synonyms.
      if (term.kind !== true)
        for (const related of this.thesaurus()?.related(term.word) ?? []) offer(stem(related), this.weights.related);
      if (!known.has(stemmed) && term.word.length >= 4) {
        const grams = trigrams(term.word);
        this.vocabularyTrigrams ??= [...this.vocabulary].map(([word, wordStem]) => [trigrams(word), wordStem] as const);
        for (const [wordGrams, wordStem] of this.vocabularyTrigrams) {
          const similarity = dice(grams, wordGrams);
          if (similarity >= this.weights.trigramMin) offer(wordStem, this.weights.trigram * similarity);
        }
      }
      concepts.push({ word: term.word, stem: stemmed, weight: term.weight, alternatives: [...alternatives] });
    }
    const ordinary = terms.filter((term) => term.weight === 1).map((term) => stem(term.word));
    for (let i = 0; i + 1 < ordinary.length; i++) {
      const pair = pairKey(ordinary[i] as string, ordinary[i + 1] as string);
      if (known.has(pair)) concepts.push({ word: pair, stem: pair, weight: this.weights.pair, alternatives: [] });
    }
    return concepts;
  }

  /** A concept's score in one document: its own stem (plus `extra`), or its best alternative. */
  private conceptScore(bm25: Bm25, concept: Concept, index: number, extra = 0): number {
    let best = bm25.score(concept.stem, index, extra);
    for (const [term, weight] of concept.alternatives) best = Math.max(best, weight * bm25.score(term, index));
    return concept.weight * best;
  }

  /** The best `limit` matches for `query`, best first (ties by server, then tool name); none for unknown words. */
  query(query: string, limit = 5): ToolMatch[] {
    const terms = queryTerms(query);
    const concepts = this.concepts(terms);
    const candidates = new Set<number>();
    for (const concept of concepts)
      for (const term of [concept.stem, ...concept.alternatives.map(([alternative]) => alternative)])
        for (const index of this.byTool.postings.get(term) ?? []) candidates.add(index);
    const serverScores = new Map<number, number>();
    const serverScore = (serverIndex: number): number => {
      let score = serverScores.get(serverIndex);
      if (score === undefined) {
        score = concepts.reduce((sum, concept) => sum + this.conceptScore(this.byServer, concept, serverIndex), 0);
        serverScores.set(serverIndex, score);
      }
      return score;
    };
    const scores = new Float64Array(this.entries.length).fill(-Infinity);
    for (const index of candidates) {
      const entry = this.entries[index] as Entry;
      let score = 0;
      for (const concept of concepts) {
        const agrees = entry.nameNumbers.get(concept.stem) === isPlural(concept.word);
        score += this.conceptScore(this.byTool, concept, index, agrees ? this.weights.nameAgreement : 0);
      }
      if (score <= 0) continue;
      if (this.weights.server > 0) score += this.weights.server * serverScore(entry.serverIndex);
      scores[index] = score;
    }
    this.rerank(terms, scores, limit);
    // The best `limit` by insertion (a catalog has hundreds of tools, a limit is at most 20).
    const entries = this.entries;
    const before = (a: number, b: number): boolean => {
      const [x, y] = [entries[a] as Entry, entries[b] as Entry];
      const order =
        (scores[b] as number) - (scores[a] as number) ||
        x.server.localeCompare(y.server) ||
        x.tool.localeCompare(y.tool);
      return order < 0;
    };
    const top: number[] = [];
    for (let index = 0; index < scores.length; index++) {
      if (scores[index] === -Infinity) continue;
      if (top.length === limit && !before(index, top[limit - 1] as number)) continue;
      let at = Math.min(top.length, limit - 1);
      while (at > 0 && before(index, top[at - 1] as number)) at--;
      top.splice(at, 0, index);
      if (top.length > limit) top.pop();
    }
    return top.map((index) => {
      const { server, tool } = entries[index] as Entry;
      return { server, tool, score: scores[index] as number };
    });
  }

  /**
   * The dense re-ranking, in place over `scores` (-Infinity: not a match): a match's score becomes
   * its lexical score over the best one plus `dense` × the cosine of the query's and the tool's
   * vectors. With `denseCandidates` 0, tools no word matched join with their cosine alone (if
   * positive); else only the best `max(denseCandidates, limit)` matches are kept and re-ranked.
   * Without vectors, or when no word of the query has one, `scores` stay as they are.
   */
  private rerank(terms: readonly QueryTerm[], scores: Float64Array, limit: number): void {
    const { dense, denseCandidates } = this.weights;
    const embedder = dense > 0 ? this.sentenceEmbedder() : null;
    if (embedder === null) return;
    this.toolVectors ??= new TextVectors(embedder, this.denseWords, this.weights.denseCommon);
    const similarity = this.toolVectors.similarities(terms.map((term) => [term.word, term.weight] as const));
    if (similarity === null) return;
    let best = 0;
    for (const score of scores) best = Math.max(best, score);
    if (denseCandidates > 0) {
      const matched = [...scores.keys()].filter((index) => (scores[index] as number) > -Infinity);
      matched.sort((a, b) => (scores[b] as number) - (scores[a] as number));
      for (const index of matched.slice(Math.max(denseCandidates, limit))) scores[index] = -Infinity;
    }
    for (let index = 0; index < scores.length; index++) {
      const words = scores[index] as number;
      const meaning = dense * (similarity[index] as number);
      if (words > -Infinity) scores[index] = words / best + meaning;
      else if (denseCandidates === 0 && meaning > 0) scores[index] = meaning;
    }
  }
}
