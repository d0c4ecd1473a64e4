import { describe, expect, it } from 'vitest';

import { splitIdentifier, stem, ToolIndex } from './tool-index.js';

const TOOLS = [
  { server: 'fs', name: 'delete_file', description: 'Remove a file from disk' },
  { server: 'fs', name: 'readFile', description: 'Read the contents of a file' },
  {
    server: 'cal',
    name: 'create_event',
    description: 'Schedule a meeting',
    inputSchema: { properties: { attendees: { description: 'People to invite' } } },
  },
];

describe('tool search', () => {
  it('splits identifiers and stems words', () => {
    expect(splitIdentifier('readFile_now-ok')).toBe('read File now ok');
    expect(['files', 'deleting', 'deleted', 'delete', 'queries', 'meetings', 'meeting'].map(stem)).toEqual([
      'file',
      'delet',
      'delet',
      'delet',
      'query',
      'meet',
      'meet',
    ]);
  });

  it('finds tools by the words of a task, including parameter descriptions', () => {
    const index = new ToolIndex(TOOLS);
    expect(index.query('deleting files')[0]).toMatchObject({ server: 'fs', tool: 'delete_file' });
    expect(index.query('read a file')[0]).toMatchObject({ tool: 'readFile' });
    expect(index.query('invite people')[0]).toMatchObject({ server: 'cal', tool: 'create_event' });
  });

  it('honours the limit and answers nothing for unrelated words', () => {
    const index = new ToolIndex(TOOLS);
    expect(index.query('file', 1)).toHaveLength(1);
    expect(index.query('zebra')).toEqual([]);
  });
});
