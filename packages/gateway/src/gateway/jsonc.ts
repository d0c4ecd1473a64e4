/**
 * JSON with comments and trailing commas (VS Code's `mcp.json`, hand-edited `.mcp.json`), read
 * with `jsonc-parser`. A byte-order mark is skipped, and a key given twice in one object is an
 * error: `JSON.parse` would keep the last one and drop the first server without a word.
 *
 * @module
 */
import { parse, printParseErrorCode, visit, type ParseError } from 'jsonc-parser';

/** The 1-based line of `offset` in `text`. */
function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Parses JSONC text; throws `SyntaxError` naming the line of the first problem. */
export function parseJsonc(input: string): unknown {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  const first = errors[0];
  if (first !== undefined) {
    throw new SyntaxError(`${printParseErrorCode(first.error)} at line ${lineOf(text, first.offset)}`);
  }
  const objects: Set<string>[] = [];
  let duplicate: { key: string; offset: number } | undefined;
  visit(text, {
    onObjectBegin: () => void objects.push(new Set()),
    onObjectEnd: () => void objects.pop(),
    onObjectProperty: (key, offset) => {
      const keys = objects.at(-1);
      if (keys === undefined || duplicate !== undefined) return;
      if (keys.has(key)) duplicate = { key, offset };
      keys.add(key);
    },
  });
  if (duplicate !== undefined) {
    throw new SyntaxError(
      `the key ${JSON.stringify(duplicate.key)} appears twice in one object (line ${lineOf(text, duplicate.offset)})`,
    );
  }
  return value;
}
