import { describe, expect, it } from 'vitest';

import { childCommand } from './child-command.js';

describe('childCommand', () => {
  it('starts the warm loader with the vendor bundle as its argument, serving stdio', () => {
    const command = childCommand(
      { kind: 'bundle', loader: '/tmp/x/loader.cjs', vendor: '/tmp/x/vendor-1.cjs' },
      { PATH: '/bin', MCP_TRANSPORT: 'http' },
      '/usr/bin/node',
    );
    expect(command).toEqual({
      command: '/usr/bin/node',
      args: ['/tmp/x/loader.cjs', '/tmp/x/vendor-1.cjs'],
      extraFds: 1,
      env: { PATH: '/bin', MCP_TRANSPORT: 'stdio', MCP_FACTORY_DEV: '1' },
    });
  });

  it('runs a user command as an argv array, unquoted, with no control channel', () => {
    const command = childCommand({ kind: 'command', command: 'npx', args: ['tsx', 'src/my server.ts'] }, {});
    expect(command).toEqual({
      command: 'npx',
      args: ['tsx', 'src/my server.ts'],
      extraFds: 0,
      env: { MCP_TRANSPORT: 'stdio', MCP_FACTORY_DEV: '1' },
    });
  });
});
