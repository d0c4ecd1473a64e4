import { describe, expect, it } from 'vitest';

import { describeChanges, diffLists, hasChanges, stableJson } from './list-diff.js';

describe('diffLists', () => {
  it('finds added, removed and changed items by name, and resources by URI', () => {
    const before = {
      tools: [
        { name: 'a', description: 'A' },
        { name: 'b', description: 'B' },
      ],
      resources: [{ uri: 'x://1', name: 'one' }],
    };
    const after = {
      tools: [
        { description: 'A', name: 'a' },
        { name: 'b', description: 'B, edited' },
        { name: 'c', description: 'C' },
      ],
      resources: [{ uri: 'x://2', name: 'one' }],
    };
    const changes = diffLists(before, after);
    expect(changes.tools).toEqual({ added: ['c'], removed: [], changed: ['b'] });
    expect(changes.resources).toEqual({ added: ['x://2'], removed: ['x://1'], changed: [] });
    expect(changes.prompts).toBeUndefined();
    expect(describeChanges(changes)).toBe('tools: added c; changed b\nresources: added x://2; removed x://1');
  });

  it('sees no change when only key order differs', () => {
    const changes = diffLists(
      { tools: [{ name: 'a', inputSchema: { type: 'object', properties: {} } }] },
      {
        tools: [{ inputSchema: { properties: {}, type: 'object' }, name: 'a' }],
      },
    );
    expect(hasChanges(changes.tools)).toBe(false);
    expect(describeChanges(changes)).toBe('tools: unchanged');
    expect(stableJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
  });

  it('counts everything as added when there is nothing to compare with', () => {
    expect(diffLists(undefined, { prompts: [{ name: 'p' }] }).prompts).toEqual({
      added: ['p'],
      removed: [],
      changed: [],
    });
  });
});
