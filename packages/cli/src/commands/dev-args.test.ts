import { describe, expect, it } from 'vitest';

import { CliError } from '../errors.js';
import { parseDevArgs } from './dev-args.js';

describe('parseDevArgs', () => {
  it('reads the project, options and a command after --', () => {
    expect(parseDevArgs(['my-server', '--entry', 'src/main.ts', '--grace=200', '--no-warm'])).toEqual({
      help: false,
      project: 'my-server',
      entry: 'src/main.ts',
      graceMs: 200,
      debounceMs: undefined,
      warm: false,
      command: undefined,
    });
    expect(parseDevArgs(['--', 'npx', 'tsx', '--watch=no', 'src/index.ts']).command).toEqual({
      command: 'npx',
      args: ['tsx', '--watch=no', 'src/index.ts'],
    });
  });

  it('refuses unknown options, bad numbers, a second folder and an empty command', () => {
    expect(() => parseDevArgs(['--port', '1'])).toThrow(CliError);
    expect(() => parseDevArgs(['--grace', 'soon'])).toThrow(/whole number of milliseconds/);
    expect(() => parseDevArgs(['a', 'b'])).toThrow(/one project folder/);
    expect(() => parseDevArgs(['--'])).toThrow(/must be followed by a command/);
    expect(() => parseDevArgs(['--entry'])).toThrow(/--entry needs a file/);
  });
});
