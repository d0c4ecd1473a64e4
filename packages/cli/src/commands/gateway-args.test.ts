import { describe, expect, it } from 'vitest';

import { CliError } from '../errors.js';
import { parseGatewayArgs } from './gateway-args.js';

describe('gateway arguments', () => {
  it('separates gateway flags from the runtime options it forwards', () => {
    const args = parseGatewayArgs([
      '--config',
      'servers.json',
      '--expose=all',
      '--http',
      '--port',
      '0',
      '--stateful',
      '--deny-server',
      'x',
      '--allow-tool',
      'fs/read_*',
      '--idle-ms',
      '500',
    ]);
    expect(args).toMatchObject({
      config: 'servers.json',
      expose: 'all',
      denyServers: ['x'],
      allowTools: ['fs/read_*'],
      idleMs: 500,
      serveArgs: ['--transport', 'http', '--port', '0', '--stateful'],
    });
  });

  it.each([
    [['--expose', 'some'], /--expose must be meta, all or direct/],
    [['--deny-tool', 'notool'], /tool patterns are server\/tool/],
    [['--idle-ms', 'soon'], /--idle-ms needs a whole number/],
    [['--timeout-ms', '0'], /--timeout-ms must be between 1 and 2147483647 ms, got 0/],
    [['--timeout-ms', '2147483648'], /--timeout-ms must be between 1 and 2147483647 ms/],
    [['--idle-ms', '3000000000'], /--idle-ms must be between 0 and 2147483647 ms/],
    [['--allow-server', ''], /--allow-server needs a server name or pattern/],
    [['--config', 'a.json', '--config=b.json'], /--config was given twice; give it once/],
    [['--expose', 'all', '--factory'], /--factory .* needs --expose meta/],
    [['--config'], /--config needs a value/],
    [['stray'], /unexpected argument "stray"/],
  ])('refuses %j as a usage error', (argv, message) => {
    expect(() => parseGatewayArgs(argv)).toThrow(CliError);
    expect(() => parseGatewayArgs(argv)).toThrow(message);
  });
});
