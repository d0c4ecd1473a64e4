/**
 * `node:util`'s `parseArgs` as the commands built on it use it: strict, its errors turned into
 * usage errors that point at the command's help, and an option that is not `multiple` refused when
 * given twice (the parser would keep the last value without a word).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { CliError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseStrict} returns: the option values typed by `O`, and the positionals. */
export interface StrictArgs<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values'];
  positionals: string[];
}

/** Parses `argv` for `command` by `options`; see the module's doc. */
export function parseStrict<O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
  allowPositionals = true,
): StrictArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals, options, tokens: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}. See "mcp-factory ${command} --help".`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || options[token.name]?.multiple === true) continue;
    if (seen.has(token.name))
      throw new CliError(`--${token.name} was given twice; give it once. See "mcp-factory ${command} --help".`);
    seen.add(token.name);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}
