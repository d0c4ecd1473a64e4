/**
 * The search index behind `search_tools`: BM25 (MiniSearch's BM25+ scoring) over each tool's
 * name (split into words), description, and parameter names and descriptions, with a light
 * English stemmer and stop words so that "deleting files" finds `delete_file`.
 *
 * @module
 */
import MiniSearch from 'minisearch';

/** A tool as the index sees it. */
export interface IndexedTool {
  readonly server: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly inputSchema?: unknown;
}

/** One search hit. */
export interface ToolMatch {
  readonly server: string;
  readonly tool: string;
  readonly score: number;
}

const STOP_WORDS = new Set(
  'a an and are as at be by can do does for from give get has have how i in into is it its me my of on or please show some that the their them then there this to use using want was what when where which while who will with would you your'.split(
    ' ',
  ),
);

/** Splits `readFile`, `read_file`, `read-file` and `read.file` into words. */
export function splitIdentifier(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-.:/]+/g, ' ');
}

/**
 * A deliberately small suffix stripper, generic (not tuned to any query set): plurals first, then
 * -ing/-ed, then a final -e, so that "meetings", "meeting" and "meet", or "deleting", "deleted" and
 * "delete", meet on one stem.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3).replace(/([^aeiouls])\1$/, '$1');
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2).replace(/([^aeiouls])\1$/, '$1');
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  if (STOP_WORDS.has(lower)) return null;
  return stem(lower);
}

function parameterText(schema: unknown): string {
  const properties = (schema as { properties?: Record<string, { description?: unknown }> } | undefined)?.properties;
  if (properties === undefined || typeof properties !== 'object') return '';
  return Object.entries(properties)
    .map(([key, value]) => `${splitIdentifier(key)} ${typeof value?.description === 'string' ? value.description : ''}`)
    .join(' ');
}

interface Document {
  id: string;
  server: string;
  tool: string;
  name: string;
  description: string;
  params: string;
}

/** A BM25 index over tools; rebuilt (cheaply) when catalogs change. */
export class ToolIndex {
  private search: MiniSearch<Document>;

  constructor(tools: readonly IndexedTool[] = []) {
    this.search = ToolIndex.build(tools);
  }

  private static build(tools: readonly IndexedTool[]): MiniSearch<Document> {
    const search = new MiniSearch<Document>({
      fields: ['name', 'description', 'params', 'server'],
      storeFields: ['server', 'tool'],
      tokenize: (text) =>
        splitIdentifier(text)
          .split(/[^\p{L}\p{N}]+/u)
          .filter(Boolean),
      processTerm,
      searchOptions: {
        boost: { name: 3, description: 1.5, params: 0.7, server: 0.5 },
        prefix: (term) => term.length >= 4,
        fuzzy: (term) => (term.length >= 6 ? 0.15 : false),
        combineWith: 'OR',
      },
    });
    const seen = new Set<string>();
    for (const tool of tools) {
      const id = `${tool.server}\u0000${tool.name}`;
      if (seen.has(id)) continue;
      seen.add(id);
      search.add({
        id,
        server: tool.server,
        tool: tool.name,
        name: tool.name,
        description: tool.description ?? '',
        params: parameterText(tool.inputSchema),
      });
    }
    return search;
  }

  /** Replaces the indexed tools. */
  reset(tools: readonly IndexedTool[]): void {
    this.search = ToolIndex.build(tools);
  }

  get size(): number {
    return this.search.documentCount;
  }

  /** The best `limit` matches for `query`, best first. */
  query(query: string, limit = 5): ToolMatch[] {
    return this.search
      .search(query)
      .slice(0, limit)
      .map((hit) => ({ server: hit.server as string, tool: hit.tool as string, score: hit.score }));
  }
}
