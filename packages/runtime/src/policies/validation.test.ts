import { describe, expect, test } from 'vitest';
import * as z from 'zod';

import { defineTool } from '../define.js';
import { ErrorCode } from '../errors.js';
import { createLogger } from '../logger.js';
import { ERROR_META_KEY } from '../results.js';
import { createServer } from '../server.js';
import { connectInProcess, invokeTool } from '../testing/index.js';
import { formatIssues } from './validation.js';

const received: unknown[] = [];

const app = createServer({
  name: 'validation',
  version: '1.0.0',
  logger: createLogger({ level: 'silent' }),
  tools: [
    defineTool({
      name: 'order',
      description: 'Places an order',
      input: z.object({
        customer: z.object({ name: z.string().min(1), email: z.email() }),
        items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })).min(1),
        note: z.string().optional(),
      }),
      run: (args) => {
        received.push(args);
        return 'ok';
      },
    }),
    defineTool({
      name: 'search',
      description: 'Searches',
      input: z.object({
        query: z.string().trim(),
        limit: z.number().default(10),
        exact: z.boolean().default(false),
        since: z.string().transform((value) => new Date(value).getUTCFullYear()),
      }),
      run: (args) => {
        received.push(args);
        return { ...args };
      },
    }),
    defineTool({
      name: 'no_input',
      description: 'Takes no arguments',
      run: (args) => {
        received.push(args);
        return 'none';
      },
    }),
  ],
});

function text(result: { content: unknown[] }): string {
  return (result.content[0] as { text: string }).text;
}

describe('validation', () => {
  test('names every bad field by its dotted path', async () => {
    received.length = 0;
    const { result } = await invokeTool(app, 'order', {
      customer: { name: '', email: 'not-an-email' },
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: -2 },
      ],
    });
    expect(result.isError).toBe(true);
    expect(result._meta?.[ERROR_META_KEY]).toMatchObject({ code: ErrorCode.InvalidParams });
    const message = text(result);
    expect(message).toMatch(/^Invalid arguments for tool "order": /);
    expect(message).toContain('customer.name: Too small');
    expect(message).toContain('customer.email: Invalid email address');
    expect(message).toContain('items.1.qty: Too small');
    expect(received).toEqual([]);
  });

  test('reports a missing field and a wrong top-level type', async () => {
    expect(text((await invokeTool(app, 'order', { items: [] })).result)).toMatch(
      /customer: Invalid input: expected object, received undefined; items: Too small/,
    );
    expect(text((await invokeTool(app, 'search', 'a string')).result)).toContain(
      'Invalid input: expected object, received string',
    );
  });

  test('hands the parsed value to the handler: defaults, trims and transforms applied', async () => {
    received.length = 0;
    const { result } = await invokeTool(app, 'search', { query: '  mcp  ', since: '2024-05-01T00:00:00Z' });
    expect(result.isError).toBeUndefined();
    expect(received).toEqual([{ query: 'mcp', limit: 10, exact: false, since: 2024 }]);
  });

  test('treats missing arguments as an empty object', async () => {
    const { result } = await invokeTool(app, 'search', undefined);
    expect(text(result)).toContain('query: Invalid input: expected string, received undefined');
  });

  test('passes arguments through untouched for a tool without an input schema', async () => {
    received.length = 0;
    await invokeTool(app, 'no_input', { anything: 1 });
    expect(received).toEqual([{ anything: 1 }]);
  });

  test('runs inside the chain even though the SDK lists the real schema', async () => {
    const connection = await connectInProcess(app);
    try {
      received.length = 0;
      const result = await connection.client.callTool({ name: 'search', arguments: { query: 1 } });
      expect(result.isError).toBe(true);
      expect(result._meta?.[ERROR_META_KEY]).toMatchObject({ code: ErrorCode.InvalidParams });
      expect(text(result as { content: unknown[] })).toContain(
        'query: Invalid input: expected string, received number',
      );
      const ok = await connection.client.callTool({ name: 'search', arguments: { query: 'q', since: '2020-01-01' } });
      expect(ok.isError).toBeUndefined();
      expect(received).toEqual([{ query: 'q', limit: 10, exact: false, since: 2020 }]);
    } finally {
      await connection.close();
    }
  });
});

describe('formatIssues', () => {
  test('lists at most ten issues and counts the rest', () => {
    const schema = z.object(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, z.string()])));
    const parsed = schema.safeParse({});
    expect(parsed.success).toBe(false);
    const message = formatIssues(parsed.error!.issues);
    expect(message.split('; ')).toHaveLength(11);
    expect(message).toContain('f9: ');
    expect(message).not.toContain('f10: ');
    expect(message.endsWith('…and 2 more')).toBe(true);
  });

  test('omits the path for a root issue', () => {
    const parsed = z.string().safeParse(1);
    expect(formatIssues(parsed.error!.issues)).toBe('Invalid input: expected string, received number');
  });
});
