import { describe, expect, it } from 'vitest';

import { firstSentence, leanSchema, searchAnswer } from './search-answer.js';

describe('search answer', () => {
  it('cuts a description to its first sentence', () => {
    expect(firstSentence('Read a file.  Then\nmore detail.')).toBe('Read a file.');
    expect(firstSentence('No full stop')).toBe('No full stop');
    expect(firstSentence('x'.repeat(300))).toHaveLength(200);
  });

  it('drops schema keywords that constrain nothing, at every level, and keeps the rest', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Where' },
        options: {
          type: 'object',
          properties: { mode: { enum: ['a', 'b'], default: 'a' } },
          required: [],
          additionalProperties: false,
        },
        tags: { type: 'array', items: { type: 'object', additionalProperties: {}, properties: { x: {} } } },
        meta: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'number' } },
        // A parameter may be called like a keyword: it is a parameter, kept.
        required: { type: 'boolean' },
      },
      required: ['path'],
      additionalProperties: false,
    };
    expect(leanSchema(schema)).toEqual({
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Where' },
        options: { type: 'object', properties: { mode: { enum: ['a', 'b'], default: 'a' } } },
        tags: { type: 'array', items: { type: 'object', properties: { x: {} } } },
        meta: { type: 'object', additionalProperties: { type: 'number' } },
        required: { type: 'boolean' },
      },
      required: ['path'],
    });
    expect(leanSchema(schema, { rootType: false })).not.toHaveProperty('type');
    expect(leanSchema({ type: 'object', properties: {} }, { rootType: false })).toEqual({});
    expect(leanSchema({ type: 'object', properties: {}, required: [] })).toEqual({ type: 'object', properties: {} });
  });

  it('groups consecutive matches of one server, best first, tools by name', () => {
    const answer = searchAnswer([
      { server: 'cal', tool: 'create_event', description: 'Create an event. Long detail.', inputSchema: {} },
      { server: 'cal', tool: 'list_events', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } },
      { server: 'mail', tool: 'send', description: 'Send mail.' },
      { server: 'cal', tool: '__proto__', description: 'An odd name.' },
    ]);
    expect(answer).toEqual({
      matches: [
        {
          server: 'cal',
          tools: {
            create_event: { description: 'Create an event.', inputSchema: {} },
            list_events: { inputSchema: { properties: { q: { type: 'string' } } } },
          },
        },
        { server: 'mail', tools: { send: { description: 'Send mail.', inputSchema: {} } } },
        { server: 'cal', tools: JSON.parse('{"__proto__":{"description":"An odd name.","inputSchema":{}}}') },
      ],
    });
    expect(Object.keys(answer.matches[0]?.tools ?? {})).toEqual(['create_event', 'list_events']);
    expect(JSON.stringify(answer.matches[2])).toContain('"__proto__"');
    expect(searchAnswer([], ['broken: failed'])).toEqual({ matches: [], unavailable: ['broken: failed'] });
  });
});
