// `npm start` at the root: the factory's main job end to end, as the README promises.
import { describe, expect, it } from 'vitest';

import { REPO, runCommand, tail } from '../helpers/index.js';

describe('npm start', () => {
  it('generates, installs, builds, tests, runs and calls a server, and prints the table', async () => {
    const result = await runCommand('npm', ['start', '--silent'], { cwd: REPO });
    const output = result.stdout + result.stderr;
    expect(result.code, tail(output)).toBe(0);
    for (const step of [
      'generate',
      'npm install',
      'type-check',
      'build',
      'tests',
      'start fake upstream',
      'start server + connect',
      'tools/list',
      'tools/call',
      'journal',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^ok\\s+${step.replace(/[+/]/g, '\\$&')}\\s`, 'm'));
    }
    expect(result.stdout).toMatch(/search_items\(\{"query":"red"\}\) → 2 item\(s\) match "red"/);
    expect(result.stdout).toMatch(/1 call\(s\) recorded; #1 search_items ok in [\d.]+ ms, 1 upstream request\(s\)/);
    expect(result.stdout).toMatch(/The factory made a working MCP server in \d/);
  });
});
