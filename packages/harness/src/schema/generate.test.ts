import { describe, expect, it } from 'vitest';

import { compileSchema } from './compile.js';
import { generateValue, invalidArguments } from './generate.js';

const SCHEMAS = [
  { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  {
    type: 'object',
    properties: {
      count: { type: 'integer', minimum: 3, maximum: 9 },
      ratio: { type: 'number', exclusiveMaximum: 1 },
      mode: { enum: ['fast', 'slow'] },
      tags: { type: 'array', items: { type: 'string', minLength: 5 }, minItems: 2 },
      when: { type: 'string', format: 'date-time' },
      nested: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] },
      either: { anyOf: [{ type: 'null' }, { type: 'boolean' }] },
    },
    required: ['count', 'ratio', 'mode', 'tags', 'when', 'nested', 'either'],
  },
  { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { type: 'number' } } },
];

describe('generateValue', () => {
  it.each(SCHEMAS.map((schema, index) => [index, schema] as const))(
    'generates valid arguments for schema %i',
    (_, schema) => {
      const compiled = compileSchema(schema);
      if (!compiled.ok) throw new Error(compiled.error);
      for (const options of [{}, { allProperties: true }]) {
        const value = generateValue(schema, options);
        expect(compiled.validate(value), JSON.stringify({ value, errors: compiled.validate.errors })).toBe(true);
      }
    },
  );

  it('with allProperties fills optional properties and prefers small numbers to defaults', () => {
    const schema = {
      type: 'object',
      properties: { duration: { type: 'number', default: 10 }, label: { type: 'string', default: 'x' } },
    };
    expect(generateValue(schema)).toEqual({});
    expect(generateValue(schema, { allProperties: true })).toEqual({ duration: 1, label: 'x' });
  });
});

describe('invalidArguments', () => {
  it('drops a required property, else breaks a type, else gives up', () => {
    const [first, second] = SCHEMAS;
    const missing = invalidArguments(first);
    expect(missing).toEqual({});
    const compiled = compileSchema(second);
    if (!compiled.ok) throw new Error(compiled.error);
    expect(compiled.validate(invalidArguments(second))).toBe(false);
    expect(invalidArguments({ type: 'object', properties: { n: { type: 'number' } } })).toEqual({
      n: 'not-the-right-type',
    });
    expect(invalidArguments({ type: 'object' })).toBeUndefined();
  });
});

describe('compileSchema', () => {
  it('compiles draft 2020-12 by default and draft-07 when declared; reports invalid schemas', () => {
    expect(
      compileSchema({ type: 'object', properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }] } } }),
    ).toMatchObject({ ok: true, dialect: 'draft-2020-12' });
    expect(compileSchema({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' })).toMatchObject({
      ok: true,
      dialect: 'draft-07',
    });
    const bad = compileSchema({ type: 'object', properties: { n: { type: 'strng' } } });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toMatch(/schema is invalid/);
    expect(compileSchema('nope')).toMatchObject({ ok: false, error: 'the schema is not an object' });
  });
});
