// Templates are real projects: each one builds and passes its own tests where it stands.
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { REPO, runCommand, tail } from '../helpers/index.js';

describe('templates in place', () => {
  it.each(['api', 'everything'])('templates/%s passes its npm test', async (template) => {
    const result = await runCommand('npm', ['test'], {
      cwd: join(REPO, 'templates', template),
      env: { ...process.env, CI: '1' },
    });
    expect(result.code, tail(result.stdout + result.stderr, 80)).toBe(0);
  });
});
