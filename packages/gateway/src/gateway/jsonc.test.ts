import { describe, expect, it } from 'vitest';

import { parseJsonc } from './jsonc.js';

describe('parseJsonc', () => {
  it('ignores line and block comments and trailing commas', () => {
    expect(parseJsonc('{\n // a\n "a": [1, 2,], /* b */ "b": {"c": 1,},\n}')).toEqual({ a: [1, 2], b: { c: 1 } });
  });

  it('keeps comment-like text and ",}" inside strings', () => {
    expect(parseJsonc('{"url": "http://x/y", "s": "a,}", "q": "say \\"//\\""}')).toEqual({
      url: 'http://x/y',
      s: 'a,}',
      q: 'say "//"',
    });
  });

  it('throws on invalid JSON', () => {
    expect(() => parseJsonc('{"a": }')).toThrow(SyntaxError);
  });
});
