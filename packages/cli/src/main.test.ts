import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { makeTemplatesRoot } from '../../scaffold/src/__fixtures__/templates.js';
import type { Io } from './io.js';
import { main } from './main.js';
import type { Prompter } from './prompter.js';

let cwd: string;
let templatesRoot: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'cli-test-'));
  templatesRoot = await makeTemplatesRoot();
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
  await rm(templatesRoot, { recursive: true, force: true });
});

function harness(options: { interactive?: boolean; answers?: string[] } = {}) {
  let out = '';
  let err = '';
  const asked: string[] = [];
  const answers = [...(options.answers ?? [])];
  const io: Io = {
    out: (text) => (out += text),
    err: (text) => (err += text),
    interactive: options.interactive ?? false,
    cwd,
    env: {},
  };
  const next = (message: string): string => {
    asked.push(message);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected question: ${message}`);
    return answer;
  };
  const prompter: Prompter = {
    intro: () => undefined,
    outro: () => undefined,
    text: async ({ message, validate }) => {
      const answer = next(message);
      const problem = validate?.(answer);
      if (problem !== undefined) throw new Error(`validation refused ${answer}: ${problem}`);
      return answer;
    },
    select: async ({ message, options: choices }) => {
      const answer = next(message);
      if (!choices.some((choice) => choice.value === answer)) throw new Error(`${answer} is not offered`);
      return answer;
    },
  };
  const run = (...argv: string[]) => main(argv, { io, prompter, templatesRoot });
  return { run, io, prompter, out: () => out, err: () => err, asked };
}

describe('mcp-factory', () => {
  it('prints help and exits 0; with no command, help and 2', async () => {
    const h = harness();
    expect(await h.run('--help')).toBe(0);
    expect(h.out()).toMatch(/Usage: mcp-factory <command>/);
    expect(await harness().run()).toBe(2);
  });

  it('templates takes no arguments but --help', async () => {
    const h = harness();
    expect(await h.run('templates', '--bogus')).toBe(2);
    expect(h.err()).toMatch(/templates takes no arguments, got --bogus/);
    expect(await h.run('templates', '--help')).toBe(0);
    expect(h.out()).toMatch(/^Usage: mcp-factory templates\n/);
  });

  it('rejects an unknown command with usage (exit 2)', async () => {
    const h = harness();
    expect(await h.run('frobnicate')).toBe(2);
    expect(h.err()).toMatch(/Unknown command "frobnicate"/);
  });

  it('lists templates with their options', async () => {
    const h = harness();
    expect(await h.run('templates')).toBe(0);
    expect(h.out()).toMatch(/demo\s+1\.2\.3\s+A demo template/);
    expect(h.out()).toMatch(/--provider base \(default\): The base/);
  });
});

describe('mcp-factory new', () => {
  it('creates a project from flags with --yes and prints the next steps', async () => {
    const h = harness();
    expect(await h.run('new', 'weather', '--template', 'demo', '--provider', 'alt', '--yes')).toBe(0);
    expect(h.out()).toMatch(/Created weather from template demo@1\.2\.3 \(provider: alt\) in weather/);
    expect(h.out()).toMatch(/cd weather\n {2}npm install/);
    const record = JSON.parse(await readFile(join(cwd, 'weather', '.mcp-factory.json'), 'utf8'));
    expect(record.answers).toEqual({ name: 'weather', provider: 'alt' });
  });

  it('asks for what is missing in a terminal', async () => {
    const h = harness({ interactive: true, answers: ['my-server', 'alt', 'Does things'] });
    expect(await h.run('new', '--template', 'demo')).toBe(0);
    expect(h.asked).toEqual([
      'Project name (npm package and server name)',
      'Which?',
      'One-line description (optional)',
    ]);
    const pkg = JSON.parse(await readFile(join(cwd, 'my-server', 'package.json'), 'utf8'));
    expect(pkg.description).toBe('Does things');
  });

  it('refuses to guess a name without a terminal', async () => {
    const h = harness();
    expect(await h.run('new', '--template', 'demo')).toBe(2);
    expect(h.err()).toMatch(/Missing project name/);
  });

  it.each([['../escape'], ['Upper'], ['a/b'], ['..']])(
    'refuses the name %j with exit 2 and writes nothing',
    async (name) => {
      const h = harness();
      expect(await h.run('new', name, '--template', 'demo', '--yes')).toBe(2);
      expect(h.err()).toMatch(/Invalid project name/);
      expect(await import('node:fs/promises').then((fs) => fs.readdir(cwd))).toEqual([]);
    },
  );

  it('refuses an unknown template or provider with the valid choices', async () => {
    const h = harness();
    expect(await h.run('new', 'x', '--template', 'nope', '--yes')).toBe(2);
    expect(h.err()).toMatch(/Unknown template "nope"\. Available: demo/);
    expect(await h.run('new', 'x', '--template', 'demo', '--provider', 'zzz', '--yes')).toBe(2);
    expect(h.err()).toMatch(/Choose one of: base, alt/);
  });

  it('refuses a non-empty target without --force and keeps its files', async () => {
    await mkdir(join(cwd, 'taken'));
    await writeFile(join(cwd, 'taken', 'keep.txt'), 'precious');
    const h = harness();
    expect(await h.run('new', 'taken', '--template', 'demo', '--yes')).toBe(1);
    expect(h.err()).toMatch(/taken is not empty \(keep\.txt\).*--force/);
    expect(await readFile(join(cwd, 'taken', 'keep.txt'), 'utf8')).toBe('precious');
    expect(await h.run('new', 'taken', '--template', 'demo', '--yes', '--force')).toBe(0);
    expect(await readFile(join(cwd, 'taken', 'keep.txt'), 'utf8')).toBe('precious');
  });

  it('honours --dir', async () => {
    const h = harness();
    expect(await h.run('new', 'named', '--template', 'demo', '--dir', 'elsewhere/here', '--yes')).toBe(0);
    expect(JSON.parse(await readFile(join(cwd, 'elsewhere', 'here', 'package.json'), 'utf8')).name).toBe('named');
  });

  it('a --dir under a file gets one line naming the path, not a stack trace', async () => {
    await writeFile(join(cwd, 'afile'), 'x');
    const h = harness();
    expect(await h.run('new', 'x', '--template', 'demo', '--dir', 'afile/sub', '--yes')).toBe(1);
    expect(h.err()).toMatch(/^mcp-factory: cannot \w+ .*afile.*\((EEXIST|ENOTDIR)\)\.\n$/);
    expect(h.err()).not.toMatch(/unexpected failure|\n\s+at /);
    expect(await readFile(join(cwd, 'afile'), 'utf8')).toBe('x');
  });

  it.each([
    [['new', 'a', 'b', '--yes'], /Too many arguments/],
    [['new', 'a', '--bogus'], /Unknown option '--bogus'/],
    [['new', 'a', '--set', 'novalue'], /--set expects option=value/],
  ])('reports bad usage %j with exit 2', async (argv, message) => {
    const h = harness();
    expect(await h.run(...argv)).toBe(2);
    expect(h.err()).toMatch(message);
  });
});

describe('mcp-factory demo: usage checked before anything is made', () => {
  const realTemplates = join(import.meta.dirname, '..', '..', '..', 'templates');
  /** `main` over the real templates (the demo always uses `api`). */
  const demo = (h: ReturnType<typeof harness>, argv: string[]) =>
    main(argv, { io: h.io, prompter: h.prompter, templatesRoot: realTemplates });

  it('refuses an unknown provider (exit 2) naming the choices', async () => {
    const h = harness();
    const code = await demo(h, ['demo', '--provider', 'nope']);
    expect(code).toBe(2);
    expect(h.err()).toMatch(/demo: unknown provider "nope"; choose one of rest, .*openai/);
    expect(h.out()).toBe('');
  });

  it('refuses a --dir that is not empty, and leaves it as it was', async () => {
    await mkdir(join(cwd, 'used'));
    await writeFile(join(cwd, 'used', 'keep.txt'), 'precious');
    const h = harness();
    const code = await demo(h, ['demo', '--dir', 'used']);
    expect(code).toBe(2);
    expect(h.err()).toMatch(/demo: --dir used is not empty; give a new or empty folder\./);
    expect(await readFile(join(cwd, 'used', 'keep.txt'), 'utf8')).toBe('precious');
  });
});
