import { describe, expect, it } from 'vitest';

import { RegistryErrorCode } from './errors.js';
import { nameProblem, toServerName, validateName } from './names.js';

describe('server names', () => {
  it('accepts plain and scoped npm-like names', () => {
    expect(validateName('memory')).toBe('memory');
    expect(validateName('@modelcontextprotocol/server-everything')).toBe('@modelcontextprotocol/server-everything');
    expect(nameProblem('a.b_c-1')).toBeUndefined();
  });

  it.each(['', '../etc', 'a/b', '.hidden', '-flag', 'UPPER', 'a..b', 'x'.repeat(65), 'a b', '@scope/../x', 'a\\b'])(
    'refuses %j with INVALID_NAME',
    (name) => {
      expect(() => validateName(name)).toThrow(expect.objectContaining({ code: RegistryErrorCode.InvalidName }));
    },
  );

  it('derives valid names from config keys and registry names', () => {
    expect(toServerName('My Server')).toBe('my-server');
    expect(toServerName('io.github.org/weather-tool')).toBe('weather-tool');
    expect(toServerName('@Scope/Pkg')).toBe('@scope/pkg');
    expect(toServerName('../../etc')).toBe('etc');
    expect(toServerName('///')).toBeUndefined();
  });
});
