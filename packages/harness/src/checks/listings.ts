/**
 * Listing checks: tools/resources/prompts valid against the MCP schema page by page, pagination
 * followed, every `inputSchema` a compilable JSON Schema of type object, tool names ≤ 64
 * characters and unique, descriptions present, and the token size of the tools listing.
 *
 * @module
 */
import { compileSchema } from '../schema/compile.js';
import { countTokens } from '../tokens.js';
import { fail, pass, skip, warn, type Check, type ListingKind } from './check.js';
import { validateSpec } from './spec.js';

/** The longest tool name the spec allows. */
export const MAX_NAME_LENGTH = 64;

/** Default warning threshold of the tools listing, in cl100k tokens. */
export const DEFAULT_TOKEN_WARN = 10_000;

const SPEC_TYPES = {
  tools: 'ListToolsResult',
  resources: 'ListResourcesResult',
  prompts: 'ListPromptsResult',
} as const;

function listingCheck(kind: ListingKind): Check {
  return {
    id: `listings.${kind}`,
    title: `${kind}/list is valid against the MCP schema`,
    group: 'listings',
    async run(context) {
      const session = await context.session();
      if (kind !== 'tools' && session.capabilities[kind] === undefined) {
        return skip(`the server declares no ${kind} capability`);
      }
      const listing = await context.listing(kind);
      if (listing.problem !== undefined) return fail(listing.problem);
      const problems = listing.pages.flatMap((page, index) => {
        const problem = validateSpec(SPEC_TYPES[kind], page);
        return problem === undefined ? [] : [`page ${index + 1}: ${problem}`];
      });
      if (problems.length > 0) return fail(`${kind}/list does not match the schema: ${problems.join(' | ')}`);
      return pass(`${listing.items.length} ${kind} in ${listing.pages.length} page(s), all valid`);
    },
  };
}

const pagination: Check = {
  id: 'listings.pagination',
  title: 'pagination is followed to the end',
  group: 'listings',
  async run(context) {
    const session = await context.session();
    const kinds = (['tools', 'resources', 'prompts'] as const).filter(
      (kind) => kind === 'tools' || session.capabilities[kind] !== undefined,
    );
    const parts: string[] = [];
    for (const kind of kinds) {
      const listing = await context.listing(kind);
      if (listing.problem !== undefined) return fail(`${kind}: ${listing.problem}`);
      parts.push(`${kind} ${listing.pages.length} page(s)`);
    }
    return pass(parts.join(', '));
  },
};

const inputSchemas: Check = {
  id: 'listings.input-schemas',
  title: 'every inputSchema compiles (ajv) and is an object schema',
  group: 'listings',
  async run(context) {
    const listing = await context.listing('tools');
    if (listing.items.length === 0) return skip('the server lists no tools');
    const bad: string[] = [];
    for (const tool of listing.items) {
      const name = String(tool.name);
      const schema = tool.inputSchema;
      const compiled = compileSchema(schema);
      if (!compiled.ok) bad.push(`${name}: ${compiled.error} (${compiled.dialect})`);
      else if ((schema as { type?: unknown }).type !== 'object') bad.push(`${name}: type is not "object"`);
      const output = tool.outputSchema;
      if (output !== undefined) {
        const compiledOutput = compileSchema(output);
        if (!compiledOutput.ok) bad.push(`${name} outputSchema: ${compiledOutput.error}`);
      }
    }
    if (bad.length > 0) return fail(`${bad.length} tool schema(s) invalid: ${bad.join('; ')}`);
    return pass(`${listing.items.length} input schemas compile`);
  },
};

const names: Check = {
  id: 'listings.tool-names',
  title: `tool names are at most ${MAX_NAME_LENGTH} characters and unique`,
  group: 'listings',
  async run(context) {
    const listing = await context.listing('tools');
    if (listing.items.length === 0) return skip('the server lists no tools');
    const all = listing.items.map((tool) => String(tool.name));
    const long = all.filter((name) => name.length > MAX_NAME_LENGTH);
    const duplicates = [...new Set(all.filter((name, index) => all.indexOf(name) !== index))];
    const problems = [
      ...long.map((name) => `"${name}" is ${name.length} characters (max ${MAX_NAME_LENGTH})`),
      ...duplicates.map((name) => `"${name}" is listed more than once`),
    ];
    if (problems.length > 0) return fail(problems.join('; '));
    const odd = all.filter((name) => !/^[A-Za-z0-9_.-]+$/.test(name));
    if (odd.length > 0) return warn(`names outside [A-Za-z0-9_.-]: ${odd.join(', ')}`);
    return pass(`${all.length} names, unique, longest ${Math.max(...all.map((name) => name.length))}`);
  },
};

const descriptions: Check = {
  id: 'listings.descriptions',
  title: 'tools and prompts have descriptions',
  group: 'listings',
  async run(context) {
    const session = await context.session();
    const missing: string[] = [];
    for (const kind of ['tools', 'prompts'] as const) {
      if (kind === 'prompts' && session.capabilities.prompts === undefined) continue;
      const listing = await context.listing(kind);
      for (const item of listing.items) {
        if (typeof item.description !== 'string' || item.description.trim() === '') {
          missing.push(`${kind === 'tools' ? 'tool' : 'prompt'} ${String(item.name)}`);
        }
      }
    }
    if (missing.length > 0) return warn(`no description: ${missing.join(', ')}`);
    return pass('every tool and prompt has a description');
  },
};

const tokenSize: Check = {
  id: 'listings.tools-tokens',
  title: 'token size of the tools listing (cl100k)',
  group: 'listings',
  async run(context) {
    const listing = await context.listing('tools');
    const tokens = countTokens({ tools: listing.items });
    const threshold = context.options.tokenWarnThreshold ?? DEFAULT_TOKEN_WARN;
    const largest = [...listing.items]
      .map((tool) => ({ name: String(tool.name), tokens: countTokens(tool) }))
      .sort((a, b) => b.tokens - a.tokens)
      .slice(0, 3)
      .map((tool) => `${tool.name} ${tool.tokens}`)
      .join(', ');
    const detail = `${tokens} tokens for ${listing.items.length} tools${largest === '' ? '' : ` (largest: ${largest})`}`;
    return tokens > threshold ? warn(`${detail}, above the ${threshold} warning threshold`) : pass(detail);
  },
};

/** Checks of the listings group. */
export const LISTING_CHECKS: readonly Check[] = [
  listingCheck('tools'),
  listingCheck('resources'),
  listingCheck('prompts'),
  pagination,
  inputSchemas,
  names,
  descriptions,
  tokenSize,
];
