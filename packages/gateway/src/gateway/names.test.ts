import { describe, expect, it } from 'vitest';

import { assignNames, MAX_NAME, namespacedName } from './names.js';

describe('namespaced names', () => {
  it('joins server and tool with a double underscore when it fits', () => {
    expect(namespacedName('github', 'create_issue')).toBe('github__create_issue');
  });

  it('shortens a name over 64 characters deterministically, with a hash of the full pair', () => {
    const long = namespacedName('s'.repeat(40), 't'.repeat(40));
    expect(long).toHaveLength(MAX_NAME);
    expect(long).toMatch(/_[0-9a-f]{8}$/);
    expect(namespacedName('s'.repeat(40), 't'.repeat(40))).toBe(long);
    expect(namespacedName('s'.repeat(40), `${'t'.repeat(39)}u`)).not.toBe(long);
  });

  it('replaces characters outside the tool-name alphabet and marks the name as altered', () => {
    expect(namespacedName('my server', 'do it')).toMatch(/^my_server__do_it_[0-9a-f]{8}$/);
  });

  it('resolves collisions the same way whatever order the items come in', () => {
    const items = [
      { server: 'a', name: 'b__echo' },
      { server: 'a__b', name: 'echo' },
    ];
    const forward = assignNames(items);
    const backward = assignNames([...items].reverse());
    expect([...forward.keys()].sort()).toEqual([...backward.keys()].sort());
    expect(forward.get('a__b__echo')).toEqual({ server: 'a', name: 'b__echo' });
    expect(forward.size).toBe(2);
  });
});
