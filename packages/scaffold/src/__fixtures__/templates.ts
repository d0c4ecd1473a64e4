// Builds small templates on disk for the scaffold's tests.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes `files` (relative path → content) under `root`. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** A templates root holding one template `demo` with a `provider` option and an `alt` preset. */
export async function makeTemplatesRoot(
  overrides: { manifest?: Record<string, unknown>; files?: Record<string, string> } = {},
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'scaffold-test-'));
  const manifest = {
    name: 'demo',
    version: '1.2.3',
    description: 'A demo template',
    token: 'tpl-demo',
    presetOption: 'provider',
    options: {
      provider: { message: 'Which?', default: 'base', choices: { base: 'The base', alt: 'The alternative' } },
    },
    rename: { _gitignore: '.gitignore' },
    exclude: ['node_modules', 'dist', 'presets', 'template.json'],
    ...overrides.manifest,
  };
  await writeTree(join(root, 'demo'), {
    'template.json': JSON.stringify(manifest),
    'package.json': JSON.stringify({
      name: 'tpl-demo',
      version: '9.9.9',
      private: true,
      bin: { 'tpl-demo': 'dist/index.cjs' },
      dependencies: { '@mcp-factory/runtime': '0.1.0' },
    }),
    'README.md': '# tpl-demo\n\nRun tpl-demo.\n',
    _gitignore: 'node_modules/\n',
    'src/index.ts': "export const name = 'tpl-demo';\n",
    'src/only-base.ts': 'export {};\n',
    'node_modules/junk/index.js': 'junk',
    'dist/index.cjs': 'built',
    'presets/alt/preset.json': JSON.stringify({
      remove: ['src/only-base.ts'],
      package: { description: 'The alt flavour' },
    }),
    'presets/alt/files/src/only-alt.ts': "export const flavour = 'alt';\n",
    'presets/alt/files/README.md': '# tpl-demo (alt)\n',
    ...overrides.files,
  });
  return root;
}
