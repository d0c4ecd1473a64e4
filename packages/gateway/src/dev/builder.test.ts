import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Metafile } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createBuilder, packageImports, vendorEntrySource } from './builder.js';
import { DevError } from './errors.js';

describe('packageImports', () => {
  it('keeps bare package specifiers and drops Node built-ins', () => {
    const metafile = {
      inputs: {},
      outputs: {
        'server.cjs': {
          bytes: 1,
          inputs: {},
          exports: [],
          imports: [
            { path: 'zod', kind: 'require-call', external: true },
            { path: 'node:fs', kind: 'require-call', external: true },
            { path: 'path', kind: 'require-call', external: true },
            { path: '@mcp-factory/runtime', kind: 'require-call', external: true },
            { path: 'zod', kind: 'require-call', external: true },
          ],
        },
      },
    } as unknown as Metafile;
    expect(packageImports(metafile)).toEqual(['@mcp-factory/runtime', 'zod']);
  });

  it('writes a vendor entry keyed by specifier', () => {
    const source = vendorEntrySource(['zod']);
    expect(source).toContain('import * as m0 from "zod";');
    expect(source).toContain('"zod": esm(m0),');
  });
});

describe('createBuilder', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mcp-factory-builder-'));
    await mkdir(join(root, 'src'));
    await mkdir(join(root, 'out'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a project without its entry', async () => {
    await expect(createBuilder({ root, outDir: join(root, 'out') })).rejects.toMatchObject({ code: 'BAD_PROJECT' });
  });

  it('says to run npm install when packages cannot be found in a project without node_modules', async () => {
    await writeFile(join(root, 'src', 'index.ts'), "import { pad } from 'no-such-package-here';\nconsole.log(pad);\n");
    const builder = await createBuilder({ root, outDir: join(root, 'out') });
    try {
      const failure = (await builder.build().catch((error: unknown) => error)) as DevError;
      expect(failure.code).toBe('BUILD_FAILED');
      expect(failure.message).toContain('Could not resolve "no-such-package-here"');
      expect(failure.message).toContain(`${root} has no node_modules: run \`npm install\` there first.`);
    } finally {
      await builder.dispose();
    }
  });

  it('writes each build to a new numbered bundle and reports errors with their location', async () => {
    await writeFile(join(root, 'src', 'index.ts'), "import { answer } from './answer.js';\nconsole.log(answer);\n");
    await writeFile(join(root, 'src', 'answer.ts'), 'export const answer: number = 41;\n');
    const builder = await createBuilder({ root, outDir: join(root, 'out') });
    try {
      const first = await builder.build();
      expect(first.serial).toBe(1);
      expect(await readFile(first.file, 'utf8')).toContain('41');
      await writeFile(join(root, 'src', 'answer.ts'), 'export const answer: number = 42 +;\n');
      const failure = await builder.build().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DevError);
      expect((failure as DevError).code).toBe('BUILD_FAILED');
      expect((failure as DevError).message).toMatch(/answer\.ts:1:\d+: /);
      await writeFile(join(root, 'src', 'answer.ts'), 'export const answer: number = 42;\n');
      const second = await builder.build();
      expect(second.serial).toBe(2);
      expect(second.file).not.toBe(first.file);
      expect(await readFile(second.file, 'utf8')).toContain('42');
      expect(await readFile(first.file, 'utf8')).toContain('41');
      expect(second.hash).not.toBe(first.hash);
      await writeFile(join(root, 'src', 'answer.ts'), '// the answer\nexport const answer: number = 42;\n');
      expect((await builder.build()).hash).toBe(second.hash);
    } finally {
      await builder.dispose();
    }
  });
});
