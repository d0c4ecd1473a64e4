import { describe, expect, it } from 'vitest';

import { compileAccessLists } from './access-lists.js';

describe('allow/deny lists', () => {
  it('allows everything when empty', () => {
    const policy = compileAccessLists();
    expect(policy.serverAllowed('x')).toBe(true);
    expect(policy.toolAllowed('x', 'y')).toBe(true);
  });

  it('lets deny win over allow, with * wildcards, for servers and tools', () => {
    const policy = compileAccessLists({
      allowServers: ['git*', 'fs'],
      denyServers: ['gitlab'],
      denyTools: ['fs/write_*', 'github/delete_repo'],
    });
    expect(policy.serverAllowed('github')).toBe(true);
    expect(policy.serverAllowed('gitlab')).toBe(false);
    expect(policy.serverAllowed('memory')).toBe(false);
    expect(policy.toolAllowed('fs', 'read_file')).toBe(true);
    expect(policy.toolAllowed('fs', 'write_file')).toBe(false);
    expect(policy.toolAllowed('github', 'delete_repo')).toBe(false);
    expect(policy.toolAllowed('memory', 'read_graph')).toBe(false);
  });

  it('treats regex characters in patterns literally', () => {
    const policy = compileAccessLists({ allowTools: ['a.b/c+d'] });
    expect(policy.toolAllowed('a.b', 'c+d')).toBe(true);
    expect(policy.toolAllowed('aXb', 'ccd')).toBe(false);
  });
});
