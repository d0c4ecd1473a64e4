/**
 * What `search_tools` answers: every token of it is paid in the model's context, so the answer
 * keeps what a model needs to pick and call a tool (server, tool name, the description's first
 * sentence, the input schema's parameters, types, descriptions, enums, defaults and required
 * names) and drops what says nothing (JSON Schema boilerplate, the server name repeated per match).
 *
 * @module
 */

/** A search hit as the gateway returns it. */
export interface AnswerMatch {
  readonly server: string;
  readonly tool: string;
  readonly description?: string | undefined;
  readonly inputSchema?: unknown;
}

/** A tool in the answer: what it does and what it takes. */
export interface AnswerTool {
  description?: string;
  inputSchema: unknown;
}

/**
 * One run of consecutive matches of one server: `tools` maps each tool's name to what it does and
 * takes, best first (JSON objects keep their keys' order).
 */
export interface AnswerGroup {
  server: string;
  tools: Record<string, AnswerTool>;
}

/** A description cut to its first sentence (at most 200 characters): enough to pick a tool. */
export function firstSentence(description: string): string {
  const flat = description.replace(/\s+/g, ' ').trim();
  const end = flat.search(/[.!?](\s|$)/);
  const sentence = end === -1 ? flat : flat.slice(0, end + 1);
  return sentence.length <= 200 ? sentence : `${sentence.slice(0, 199)}…`;
}

/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is a schema or a list of schemas. */
const SCHEMA_VALUES = new Set([
  'items',
  'prefixItems',
  'additionalItems',
  'contains',
  'additionalProperties',
  'propertyNames',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const isEmptyObject = (value: unknown): boolean => isObject(value) && Object.keys(value).length === 0;

/** Whether `key: value` of a schema constrains nothing or is noise for a model. */
function says(key: string, value: unknown): boolean {
  if (key === '$schema') return false;
  // Extra keys are not sent by a model that follows the listed properties; "anything" is the default.
  if (key === 'additionalProperties' && (value === false || value === true || isEmptyObject(value))) return false;
  // JSON object keys are always strings.
  if (key === 'propertyNames' && isObject(value) && value.type === 'string' && Object.keys(value).length === 1)
    return false;
  if (key === 'required' && Array.isArray(value) && value.length === 0) return false;
  return true;
}

function lean(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lean);
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!says(key, value)) continue;
    if (SCHEMA_MAPS.has(key) && isObject(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, lean(sub)]));
    else out[key] = SCHEMA_VALUES.has(key) ? lean(value) : value;
  }
  return out;
}

/**
 * `schema` without what constrains nothing or is noise for a model: `$schema`,
 * `additionalProperties` false, true or `{}`, `propertyNames: {type: string}` and empty `required`
 * lists, at every level (values such as `enum`, `const`, `default` and `examples` are kept as they
 * are). With `rootType: false` (search answers) the root `type: "object"` goes too, and so do empty
 * root `properties`: an MCP input schema is always an object, and `{}` says "no arguments".
 */
export function leanSchema(schema: unknown, { rootType = true }: { rootType?: boolean } = {}): unknown {
  const out = lean(schema);
  if (rootType || !isObject(out)) return out;
  const { type, properties, ...rest } = out;
  return {
    ...(type === 'object' || type === undefined ? {} : { type }),
    ...(properties === undefined || isEmptyObject(properties) ? {} : { properties }),
    ...rest,
  };
}

/**
 * The search answer for `matches` (best first): consecutive matches of one server grouped, each
 * tool with its description's first sentence and its lean input schema; `unavailable` (servers
 * that could not be searched) only when there are some.
 */
export function searchAnswer(
  matches: readonly AnswerMatch[],
  unavailable: readonly string[] = [],
): { matches: AnswerGroup[]; unavailable?: string[] } {
  const groups: AnswerGroup[] = [];
  for (const match of matches) {
    let group = groups.at(-1);
    if (group === undefined || group.server !== match.server)
      groups.push((group = { server: match.server, tools: {} }));
    const tool: AnswerTool = {
      ...(match.description === undefined ? {} : { description: firstSentence(match.description) }),
      inputSchema: leanSchema(match.inputSchema ?? {}, { rootType: false }),
    };
    // A tool named like an Object.prototype key ("__proto__") is still an own, listed key.
    Object.defineProperty(group.tools, match.tool, {
      value: tool,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return unavailable.length === 0 ? { matches: groups } : { matches: groups, unavailable: [...unavailable] };
}
