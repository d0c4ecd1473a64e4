import { describe, expect, test } from 'vitest';

import { ErrorCode, ToolError } from './errors.js';
import { ERROR_META_KEY, toPromptResult, toResourceResult, toToolResult, toolErrorResult } from './results.js';

describe('toToolResult', () => {
  test('turns nothing into an empty result', () => {
    expect(toToolResult(undefined, false)).toEqual({ content: [] });
  });

  test('turns a string into one text block', () => {
    expect(toToolResult('hi', false)).toEqual({ content: [{ type: 'text', text: 'hi' }] });
  });

  test('takes an array as content blocks', () => {
    const blocks = [{ type: 'image' as const, data: 'AA==', mimeType: 'image/png' }];
    expect(toToolResult(blocks, false)).toEqual({ content: blocks });
  });

  test('passes a full CallToolResult through', () => {
    const result = { content: [{ type: 'text' as const, text: 'x' }], isError: true };
    expect(toToolResult(result, false)).toBe(result);
  });

  test('adds empty content to a result that only has structuredContent', () => {
    expect(toToolResult({ structuredContent: { a: 1 } }, true)).toEqual({ structuredContent: { a: 1 }, content: [] });
  });

  test('passes an input_required result through', () => {
    const inputRequired = { resultType: 'input_required', inputRequests: {} };
    expect(toToolResult(inputRequired as never, false)).toBe(inputRequired);
  });

  test('serializes another object as JSON text, and as structuredContent with an output schema', () => {
    expect(toToolResult({ a: 1 }, false)).toEqual({ content: [{ type: 'text', text: '{\n  "a": 1\n}' }] });
    expect(toToolResult({ a: 1 }, true)).toEqual({
      content: [{ type: 'text', text: '{\n  "a": 1\n}' }],
      structuredContent: { a: 1 },
    });
  });
});

describe('toolErrorResult', () => {
  test('puts the message in the content and the code and request id in _meta', () => {
    expect(toolErrorResult(new ToolError('Try again'), 'req-1')).toEqual({
      content: [{ type: 'text', text: 'Try again' }],
      isError: true,
      _meta: { [ERROR_META_KEY]: { code: ErrorCode.ToolFailed, requestId: 'req-1' } },
    });
    expect(ERROR_META_KEY).toBe('dev.mcp-factory/error');
  });
});

describe('toResourceResult', () => {
  test('turns a string into text contents with the mime type when known', () => {
    expect(toResourceResult('x', 'a://b', 'text/plain')).toEqual({
      contents: [{ uri: 'a://b', text: 'x', mimeType: 'text/plain' }],
    });
    expect(toResourceResult('x', 'a://b', undefined)).toEqual({ contents: [{ uri: 'a://b', text: 'x' }] });
  });

  test('turns bytes into a base64 blob', () => {
    expect(toResourceResult(Buffer.from('hello'), 'a://b', undefined)).toEqual({
      contents: [{ uri: 'a://b', blob: 'aGVsbG8=' }],
    });
  });

  test('passes a full result through', () => {
    const result = { contents: [{ uri: 'a://c', text: 'y' }] };
    expect(toResourceResult(result, 'a://b', 'text/plain')).toBe(result);
  });
});

describe('toPromptResult', () => {
  test('turns a string into one user message, with the description when known', () => {
    expect(toPromptResult('Go', 'desc')).toEqual({
      description: 'desc',
      messages: [{ role: 'user', content: { type: 'text', text: 'Go' } }],
    });
    expect(toPromptResult('Go', undefined)).not.toHaveProperty('description');
  });

  test('takes an array as the messages and passes a full result through', () => {
    const messages = [{ role: 'assistant' as const, content: { type: 'text' as const, text: 'ok' } }];
    expect(toPromptResult(messages, undefined)).toEqual({ messages });
    const full = { messages, description: 'own' };
    expect(toPromptResult(full, 'other')).toBe(full);
  });
});
