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

  it('throws on invalid JSON, naming the line', () => {
    expect(() => parseJsonc('{\n"a": }')).toThrow(SyntaxError);
    expect(() => parseJsonc('{\n"a": }')).toThrow(/at line 2/);
  });

  it('skips a byte-order mark', () => {
    expect(parseJsonc('\uFEFF{"a": 1}')).toEqual({ a: 1 });
  });

  it('refuses a key given twice in one object, which would drop a server without a word', () => {
    expect(() => parseJsonc('{"mcpServers": {\n"a": {"command": "x"},\n"a": {"command": "y"}}}')).toThrow(
      'the key "a" appears twice in one object (line 3)',
    );
    expect(parseJsonc('{"a": {"x": 1}, "b": {"x": 2}}')).toEqual({ a: { x: 1 }, b: { x: 2 } });
  });
});
