import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { isIgnored, watchSources } from './watcher.js';

describe('isIgnored', () => {
  it('ignores build output, dependencies and version control below the root, never the root itself', () => {
    const root = '/work/.tmp/project';
    expect(isIgnored(root, root)).toBe(false);
    expect(isIgnored(`${root}/src/tools/a.ts`, root)).toBe(false);
    expect(isIgnored(`${root}/node_modules/zod/index.js`, root)).toBe(true);
    expect(isIgnored(`${root}/dist/server.cjs`, root)).toBe(true);
    expect(isIgnored(`${root}/.git/HEAD`, root)).toBe(true);
    expect(isIgnored(`${root}/src/build/x.ts`, root)).toBe(true);
  });
});

describe('watchSources', () => {
  it('reports a burst of source changes once, and nothing for ignored folders', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mcp-factory-watch-'));
    await mkdir(join(root, 'src'));
    await mkdir(join(root, 'dist'));
    const bursts: string[][] = [];
    const watcher = watchSources({ root, debounceMs: 150, onChange: (paths) => bursts.push(paths) });
    try {
      await watcher.ready;
      await writeFile(join(root, 'dist', 'out.cjs'), 'ignored');
      await writeFile(join(root, 'src', 'a.ts'), 'export const a = 1;');
      await writeFile(join(root, 'src', 'b.ts'), 'export const b = 2;');
      for (let waited = 0; bursts.length === 0 && waited < 10_000; waited += 50)
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
      expect(bursts.length).toBeGreaterThanOrEqual(1);
      const paths = bursts.flat();
      expect(paths.some((path) => path.endsWith('a.ts'))).toBe(true);
      expect(paths.some((path) => path.includes('dist'))).toBe(false);
    } finally {
      await watcher.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
