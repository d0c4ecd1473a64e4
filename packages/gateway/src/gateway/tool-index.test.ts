import { describe, expect, it } from 'vitest';

import { thesaurusFromLists } from './search-thesaurus.js';
import { encodeWordVectors, parseWordVectors } from './search-vectors.js';
import { ToolIndex, type IndexedTool } from './tool-index.js';

const TOOLS: IndexedTool[] = [
  { server: 'fs', name: 'delete_file', description: 'Remove a file from disk' },
  { server: 'fs', name: 'readFile', description: 'Read the contents of a file' },
  { server: 'fs', name: 'move_file', description: 'Move or rename a file or directory' },
  {
    server: 'cal',
    name: 'create_event',
    description: 'Schedule a meeting',
    inputSchema: { properties: { attendees: { description: 'People to invite' } } },
  },
  { server: 'cal', name: 'list_events', description: 'List meetings in the calendar' },
  { server: 'billing', name: 'create_invoice', description: 'Create an invoice for a customer' },
  { server: 'billing', name: 'list_invoices', description: 'List invoices, filtered by status' },
  { server: 'chat', name: 'list_channels', description: 'List channels of the workspace' },
  { server: 'chat', name: 'get_channel', description: 'Get one channel of the workspace by id' },
  { server: 'chat', name: 'create_channel', description: 'Create a channel in the workspace' },
];
const NO_EXPANSION = { thesaurus: null, vectors: null };
const names = (index: ToolIndex, query: string, limit = 5) =>
  index.query(query, limit).map((m) => `${m.server}/${m.tool}`);

describe('tool search', () => {
  it('finds tools by the words of a task, in any inflection, including parameter descriptions', () => {
    const index = new ToolIndex(TOOLS, NO_EXPANSION);
    expect(names(index, 'deleting files')[0]).toBe('fs/delete_file');
    expect(names(index, 'read a file')[0]).toBe('fs/readFile');
    expect(names(index, 'invite people')[0]).toBe('cal/create_event');
  });

  it('ranks a match in the name above the same word in a description', () => {
    const index = new ToolIndex(
      [
        { server: 'a', name: 'archive_note', description: 'Put a note away' },
        { server: 'a', name: 'put_note', description: 'Store a note; archive it later' },
      ],
      NO_EXPANSION,
    );
    expect(names(index, 'archive')).toEqual(['a/archive_note', 'a/put_note']);
  });

  it('expands a query with related words, below the words typed', () => {
    const thesaurus = thesaurusFromLists([['bill', ['invoice']]]);
    expect(new ToolIndex(TOOLS, NO_EXPANSION).query('bill the customer')).toHaveLength(1);
    const index = new ToolIndex(TOOLS, { thesaurus, vectors: null });
    expect(names(index, 'bill someone')).toEqual(['billing/create_invoice', 'billing/list_invoices']);
    const both = new ToolIndex(
      [
        { server: 's', name: 'send_bill', description: 'Send a bill' },
        { server: 's', name: 'send_invoice', description: 'Send an invoice' },
      ],
      { thesaurus, vectors: null },
    );
    expect(names(both, 'send a bill')).toEqual(['s/send_bill', 's/send_invoice']);
  });

  it('prefers the tool whose name agrees in number with the words typed', () => {
    const index = new ToolIndex(TOOLS, NO_EXPANSION);
    expect(names(index, 'which channels exist')[0]).toBe('chat/list_channels');
    expect(names(index, 'the channel with id 7')[0]).toBe('chat/get_channel');
  });

  it('counts values in the query less, and their kind', () => {
    const index = new ToolIndex(TOOLS, NO_EXPANSION);
    // "invoice" is only the name of the file: the request is about files.
    expect(names(index, 'rename invoice.pdf to march.pdf')[0]).toBe('fs/move_file');
  });

  it('falls back to similar spellings for words the catalog does not use', () => {
    const index = new ToolIndex(TOOLS, NO_EXPANSION);
    expect(names(index, 'calender meetings')[0]).toMatch(/^cal\//);
    expect(names(index, 'invoise')).toContain('billing/create_invoice');
  });

  it('prefers the server that is about the topic when tools tie', () => {
    const index = new ToolIndex(
      [
        { server: 'wiki', name: 'create_item', description: 'Create an item' },
        { server: 'wiki', name: 'create_page', description: 'Create a page' },
        { server: 'zshop', name: 'create_item', description: 'Create an item' },
        { server: 'zshop', name: 'refund_order', description: 'Refund the payment of an order' },
      ],
      NO_EXPANSION,
    );
    const ranked = names(index, 'create an item for the order');
    expect(ranked.indexOf('zshop/create_item')).toBeLessThan(ranked.indexOf('wiki/create_item'));
    expect(names(index, 'create an item')).toEqual(['wiki/create_item', 'zshop/create_item', 'wiki/create_page']);
  });

  it('honours the limit, orders ties by name, and answers nothing for unrelated words', () => {
    const index = new ToolIndex(TOOLS, NO_EXPANSION);
    expect(index.query('file', 1)).toHaveLength(1);
    expect(index.query('zebra')).toEqual([]);
    expect(index.query('the of and')).toEqual([]);
    const ties = new ToolIndex(
      [
        { server: 'b', name: 'b_tool', description: 'same words' },
        { server: 'a', name: 'a_tool', description: 'same words' },
      ],
      NO_EXPANSION,
    );
    expect(names(ties, 'same words')).toEqual(['a/a_tool', 'b/b_tool']);
  });

  it('indexes a tool listed twice once, and starts over on reset', () => {
    const index = new ToolIndex([...TOOLS, TOOLS[0] as IndexedTool], NO_EXPANSION);
    expect(index.size).toBe(TOOLS.length);
    index.reset([{ server: 'x', name: 'ping' }]);
    expect(index.size).toBe(1);
    expect(names(index, 'ping')).toEqual(['x/ping']);
    expect(index.query('file')).toEqual([]);
  });

  it('uses the WordNet-derived thesaurus by default', () => {
    const index = new ToolIndex(TOOLS);
    expect(names(index, 'bill the customer')[0]).toBe('billing/create_invoice');
  });

  describe('dense re-ranking', () => {
    // Hand-made vectors: "folder" and "directory" point the same way, "paper" and "note" too.
    const vectors = parseWordVectors(
      encodeWordVectors(
        [
          ['folder', [1, 0, 0, 0]],
          ['directory', [0.95, 0.3, 0, 0]],
          ['paper', [0, 0, 1, 0]],
          ['note', [0, 0, 0.9, 0.4]],
          ['label', [0, 0.2, 0, 1]],
        ],
        4,
      ),
    );
    const tools: IndexedTool[] = [
      { server: 'x', name: 'folder_label', description: 'Put a label on a folder' },
      { server: 'x', name: 'folder_note', description: 'Write a note about a folder' },
      { server: 'x', name: 'make_directory', description: 'Make a directory' },
    ];
    // sif 1000: every word counts about the same in these tiny tables; no common component.
    const options = (weights: object) => ({
      thesaurus: null,
      vectors,
      weights: { sif: 1000, denseCommon: false, ...weights },
    });

    it('warm() loads the embedder ahead of the first query, which then ranks the same', async () => {
      const index = new ToolIndex(tools, options({ denseCandidates: 2 }));
      expect(index.warmed).toBe(false);
      await index.warm();
      expect(index.warmed).toBe(true);
      expect(names(index, 'folder paper')).toEqual(['x/folder_note', 'x/folder_label']);
    });

    it('warm() loads the shared thesaurus and word vectors when none are given', async () => {
      const index = new ToolIndex(tools);
      await index.warm();
      expect(index.warmed).toBe(true);
    });

    it('reorders matches by meaning: the note about a folder for "folder paper"', () => {
      expect(names(new ToolIndex(tools, NO_EXPANSION), 'folder paper')).toEqual(['x/folder_label', 'x/folder_note']);
      expect(names(new ToolIndex(tools, options({ denseCandidates: 2 })), 'folder paper')).toEqual([
        'x/folder_note',
        'x/folder_label',
      ]);
    });

    it('with a candidate count, changes the order of the words-matched tools only', () => {
      const index = new ToolIndex(tools, options({ denseCandidates: 2 }));
      // make_directory is closest to "folder" in meaning, but no word of it matched.
      expect(names(index, 'folder').sort()).toEqual(['x/folder_label', 'x/folder_note']);
      expect(names(index, 'folder', 1)).toHaveLength(1);
    });

    it('over every tool, finds one that shares no word with the request', () => {
      const index = new ToolIndex(tools, options({ denseCandidates: 0 }));
      expect(names(new ToolIndex(tools, NO_EXPANSION), 'directory')).toEqual(['x/make_directory']);
      expect(names(index, 'folder')).toContain('x/make_directory');
      expect(names(index, 'zebra')).toEqual([]);
    });

    it('ranks by words alone when the vectors are missing', () => {
      const index = new ToolIndex(tools, { thesaurus: null, vectors: null });
      expect(names(index, 'folder paper')).toEqual(['x/folder_label', 'x/folder_note']);
    });
  });
});
