import { describe, expect, it } from 'vitest';

import { ScaffoldError } from './errors.js';
import { assertValidName, nameProblems } from './name.js';

describe('nameProblems', () => {
  it.each(['weather', 'weather-server', 'my.server', 'a1', 'x_y'])('accepts %s', (name) => {
    expect(nameProblems(name)).toEqual([]);
  });

  it.each([
    ['', /empty/],
    ['Weather', /lowercase/],
    ['../evil', /path separator.*\.\./],
    ['a/b', /path separator/],
    ['a\\b', /path separator/],
    ['..', /"\.\."/],
    ['.hidden', /starts with "\."/],
    ['_private', /starts with/],
    ['with space', /lowercase letters|URL-friendly/],
    [' padded', /spaces/],
    ['node_modules', /node_modules/],
    ['x'.repeat(65), /longer than 64/],
  ])('refuses %j', (name, reason) => {
    const problems = nameProblems(name);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('; ')).toMatch(reason);
  });
});

describe('assertValidName', () => {
  it('throws INVALID_NAME with every problem', () => {
    try {
      assertValidName('../Evil');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScaffoldError);
      expect((error as ScaffoldError).code).toBe('INVALID_NAME');
      expect((error as ScaffoldError).details.problems).toEqual(
        expect.arrayContaining([expect.stringMatching(/path separator/)]),
      );
    }
  });
});
