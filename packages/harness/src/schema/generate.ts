/**
 * Arguments from a tool's `inputSchema`: a small schema-driven generator that builds a plausible,
 * valid value (enum/const/default first, bounds respected, small sizes so smoke calls stay fast),
 * and a deliberately invalid one for the wrong-params check.
 *
 * @module
 */

type Schema = Record<string, unknown>;

const asSchema = (value: unknown): Schema | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : undefined;

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((item) => item !== 'null') as string | undefined;
  if (schema.properties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function stringFor(schema: Schema): string {
  switch (schema.format) {
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'email':
      return 'test@example.com';
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'date':
      return '2026-01-01';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    default:
      break;
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 16;
  const base = 'test'.padEnd(Math.max(min, 4), 'x');
  return base.slice(0, Math.max(min, Math.min(max, base.length)));
}

function numberFor(schema: Schema, integer: boolean): number {
  const min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + 1
        : undefined;
  const max =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number'
        ? schema.exclusiveMaximum - 1
        : undefined;
  // Small values: a "duration" or "count" of 1 keeps a smoke call short.
  let value = min ?? (max !== undefined && max < 1 ? max : 1);
  if (max !== undefined && value > max) value = max;
  return integer ? Math.ceil(value) : value;
}

/** How {@link generateValue} fills objects. */
export interface GenerateOptions {
  /**
   * Fill every declared property, not only the required ones, and prefer small numbers to
   * defaults (smoke calls: a `duration` defaulting to 10 s becomes 1).
   */
  readonly allProperties?: boolean;
}

/** A value valid against `schema` as far as the generator understands it. */
export function generateValue(input: unknown, options: GenerateOptions = {}, depth = 0): unknown {
  const schema = asSchema(input);
  if (schema === undefined) return {};
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const numeric = typeOf(schema) === 'number' || typeOf(schema) === 'integer';
  if (schema.default !== undefined && !(numeric && options.allProperties === true)) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const choices = schema[key];
    if (Array.isArray(choices) && choices.length > 0) {
      const first: unknown = choices.find((option) => asSchema(option)?.type !== 'null') ?? choices[0];
      return generateValue(key === 'allOf' ? Object.assign({}, ...(choices as object[])) : first, options, depth);
    }
  }
  switch (typeOf(schema)) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      return depth > 4 ? [] : Array.from({ length: min }, () => generateValue(schema.items, options, depth + 1));
    }
    case 'object': {
      const properties = asSchema(schema.properties) ?? {};
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      const value: Record<string, unknown> = {};
      const keys = options.allProperties === true && depth < 4 ? Object.keys(properties) : required;
      for (const key of keys) value[key] = generateValue(properties[key], options, depth + 1);
      return value;
    }
    default:
      return 'test';
  }
}

/**
 * Arguments that break `schema`: a required property left out when there is one, else a property
 * given the wrong type, else an unexpected value where an object is expected. Undefined when the
 * schema accepts anything.
 */
export function invalidArguments(input: unknown): Record<string, unknown> | undefined {
  const schema = asSchema(input) ?? {};
  const properties = asSchema(schema.properties) ?? {};
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  if (required.length > 0) {
    const valid = generateValue(schema) as Record<string, unknown>;
    const { [required[0] as string]: _dropped, ...rest } = valid;
    return rest;
  }
  for (const [key, property] of Object.entries(properties)) {
    const type = typeOf(asSchema(property) ?? {});
    if (type === 'string') return { [key]: { not: 'a string' } };
    if (type === 'number' || type === 'integer' || type === 'boolean' || type === 'array' || type === 'object') {
      return { [key]: 'not-the-right-type' };
    }
  }
  return undefined;
}
