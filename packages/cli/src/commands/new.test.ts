import { describe, expect, it } from 'vitest';

import { parseNewArgs } from './new.js';

describe('parseNewArgs', () => {
  it('collects the name, template, provider, --set answers and switches', () => {
    expect(
      parseNewArgs([
        'weather',
        '-t',
        'api',
        '-p',
        'openai',
        '--set',
        'region=eu',
        '--yes',
        '--force',
        '--install',
        '--dir',
        'x',
      ]),
    ).toEqual({
      name: 'weather',
      template: 'api',
      answers: { region: 'eu', provider: 'openai' },
      description: undefined,
      dir: 'x',
      force: true,
      install: true,
      yes: true,
      help: false,
    });
  });

  it('refuses an option given twice instead of keeping the last', () => {
    expect(() => parseNewArgs(['x', '--template', 'api', '-t', 'everything'])).toThrow(
      '--template was given twice; give it once. See "mcp-factory new --help".',
    );
    expect(parseNewArgs(['x', '--set', 'a=1', '--set', 'b=2']).answers).toEqual({ a: '1', b: '2' });
    expect(() => parseNewArgs(['x', '--provider', 'rest', '--set', 'provider=openai'])).toThrow(
      '--provider rest and --set provider=openai disagree; give one.',
    );
  });

  it('leaves everything unset by default', () => {
    expect(parseNewArgs([])).toMatchObject({
      name: undefined,
      template: undefined,
      answers: {},
      yes: false,
      force: false,
    });
  });
});
