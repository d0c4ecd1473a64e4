import { describe, expect, test } from 'vitest';

import { ConfigError } from '../errors.js';
import { defaultJournalDir, factoryStateHome, journalFolderName } from './default-dir.js';

describe('the default journal directory', () => {
  test('lives in the state home: MCP_FACTORY_STATE_HOME, else an absolute XDG_STATE_HOME, else ~/.local/state', () => {
    expect(factoryStateHome({ MCP_FACTORY_STATE_HOME: '/s', XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/s');
    expect(factoryStateHome({ XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/x/mcp-factory');
    expect(factoryStateHome({ XDG_STATE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/state/mcp-factory');
    expect(factoryStateHome({}, '/home/u')).toBe('/home/u/.local/state/mcp-factory');
  });

  test('is one folder per server, scoped names flattened', () => {
    expect(defaultJournalDir('weather', {}, '/home/u')).toBe('/home/u/.local/state/mcp-factory/journals/weather');
    expect(defaultJournalDir('@acme/weather', { MCP_FACTORY_STATE_HOME: '/s' })).toBe('/s/journals/acme__weather');
  });

  test.each(['../etc', 'a/../../b', '/abs', '', '.hidden', 'a b'])('refuses a name that could escape: %j', (name) => {
    expect(() => journalFolderName(name)).toThrow(ConfigError);
  });
});
