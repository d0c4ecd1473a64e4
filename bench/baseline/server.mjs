// Baseline "B" of the benchmark: the smallest honest MCP server written the way the SDK's docs show
// (McpServer + registerTool + serveStdio), run unbundled from node_modules. It implements the same
// `search_items` tool as the `api` template (same input and output schemas, same text and
// structured content) over the same fake upstream, with plain fetch and nothing else: no logging,
// no policy chain, no error mapping. That is the floor the generated server is measured against.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

const baseUrl = process.env.API_BASE_URL ?? 'https://api.example.com/v1';
const apiKey = process.env.API_KEY ?? '';

const Item = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  updatedAt: z.string(),
});

serveStdio(() => {
  const server = new McpServer({ name: 'baseline', version: '0.0.0' });
  server.registerTool(
    'search_items',
    {
      title: 'Search items',
      description:
        'Search the items of the API by free text (name, description, tags). Returns up to `limit` matches with their ids; use get_item for one item in full.',
      inputSchema: z.object({
        query: z.string().trim().min(1).max(200).describe('Words to look for, e.g. "red shoes"'),
        limit: z.number().int().min(1).max(50).default(10).describe('Most results to return (1-50)'),
      }),
      outputSchema: z.object({ total: z.number().int(), items: z.array(Item) }),
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async ({ query, limit }, ctx) => {
      const url = new URL(`${baseUrl}/items`);
      url.searchParams.set('q', query);
      url.searchParams.set('limit', String(limit));
      const response = await fetch(url, {
        headers: { accept: 'application/json', authorization: `Bearer ${apiKey}` },
        signal: ctx.mcpReq.signal,
      });
      if (!response.ok) throw new Error(`upstream answered HTTP ${response.status}`);
      const body = await response.json();
      const items = body.data.map((item) => ({
        id: item.id,
        name: item.name,
        description: item.description ?? '',
        tags: item.tags ?? [],
        updatedAt: item.updated_at,
      }));
      const lines = items.map(
        (item) => `- ${item.id}: ${item.name}${item.description === '' ? '' : ` — ${item.description}`}`,
      );
      const text =
        items.length === 0
          ? `No items match "${query}". Try fewer or different words.`
          : `${body.total} item(s) match "${query}"; showing ${items.length}:\n${lines.join('\n')}`;
      return { content: [{ type: 'text', text }], structuredContent: { total: body.total, items } };
    },
  );
  return server;
});
