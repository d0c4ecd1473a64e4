import { describe, expect, it } from 'vitest';

import { CliError } from '../errors.js';
import { parseArgs, toolArguments } from './registry-args.js';

describe('parseArgs', () => {
  it('separates positionals, flags, repeatable values and the command after --', () => {
    const parsed = parseArgs(
      ['svc', '--env', 'A', '--project', '--env=B', '--cwd', 'x', '--', 'node', '--inspect', 'server.js'],
      { booleans: ['project'], values: ['cwd'], lists: ['env'] },
      'add',
    );
    expect(parsed.positionals).toEqual(['svc']);
    expect([...parsed.booleans]).toEqual(['project']);
    expect(parsed.values.get('cwd')).toBe('x');
    expect(parsed.lists.get('env')).toEqual(['A', 'B']);
    expect(parsed.rest).toEqual(['node', '--inspect', 'server.js']);
  });

  it('refuses unknown flags and missing values as usage errors', () => {
    expect(() => parseArgs(['--nope'], {}, 'list')).toThrow(CliError);
    expect(() => parseArgs(['--port'], { values: ['port'] }, 'run')).toThrow(/--port needs a value/);
    expect(() => parseArgs(['--json=1'], { booleans: ['json'] }, 'list')).toThrow(/takes no value/);
    expect(() => parseArgs(['--to', 'cursor', '--to=vscode'], { values: ['to'] }, 'export')).toThrow(
      'export: --to was given twice; give it once.',
    );
    expect(parseArgs(['--arg', 'a=1', '--arg', 'b=2'], { lists: ['arg'] }, 'call').lists.get('arg')).toEqual([
      'a=1',
      'b=2',
    ]);
  });
});

describe('toolArguments: numbers', () => {
  it('refuses a number too large for a double instead of sending null', () => {
    expect(() => toolArguments(['a=1e999'], undefined, undefined)).toThrow(
      'call: --arg a=1e999 is too large a number to send.',
    );
    expect(toolArguments(['a=1e300', 'b=-2.5'], undefined, undefined)).toEqual({ a: 1e300, b: -2.5 });
  });
});

describe('toolArguments', () => {
  const schema = { type: 'object', properties: { text: { type: 'string' }, count: { type: 'integer' } } };

  it('types --arg values by the schema: strings stay strings, the rest parse as JSON', () => {
    expect(toolArguments(['text=42', 'count=3', 'flag=true', 'free=hello'], undefined, schema)).toEqual({
      text: '42',
      count: 3,
      flag: true,
      free: 'hello',
    });
  });

  it('starts from --json and applies --arg on top; refuses non-objects and bad pairs', () => {
    expect(toolArguments(['count=2'], '{"text":"a","count":1}', schema)).toEqual({ text: 'a', count: 2 });
    expect(() => toolArguments([], '[1]', schema)).toThrow(/JSON object/);
    expect(() => toolArguments(['novalue'], undefined, schema)).toThrow(/key=value/);
  });
});
