/**
 * JSON with comments and trailing commas (VS Code's `mcp.json`, hand-edited `.mcp.json`): strips
 * `//` and `/* *\/` comments outside strings and commas before `}` or `]`, then `JSON.parse`.
 *
 * @module
 */

/** Parses JSONC text; throws `SyntaxError` like `JSON.parse`. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let index = 0;
  const length = text.length;
  while (index < length) {
    const char = text.charAt(index);
    if (char === '"') {
      const start = index;
      index += 1;
      while (index < length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
      index += 1;
      out += text.slice(start, index);
    } else if (char === '/' && text[index + 1] === '/') {
      while (index < length && text[index] !== '\n') index += 1;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? length : end + 2;
    } else {
      // A closing bracket outside strings drops a trailing comma emitted before it.
      if (char === '}' || char === ']') out = out.replace(/,\s*$/, '');
      out += char;
      index += 1;
    }
  }
  return JSON.parse(out);
}
