import { describe, expect, test } from 'vitest';

import { createRedactor, REDACTED } from './redact.js';

describe('redaction', () => {
  test('redacts secret-named fields at any depth, case-insensitively and by exact name', () => {
    const redactor = createRedactor(['ssn']);
    const value = {
      token: 't',
      tokens: 12,
      nested: { Authorization: 'Bearer x', list: [{ API_KEY: 'k', password: 'p', keep: 1 }], SSN: '123' },
      max_tokens: 5,
    };
    expect(JSON.parse(redactor.stringify(value))).toEqual({
      token: REDACTED,
      tokens: 12,
      nested: { Authorization: REDACTED, list: [{ API_KEY: REDACTED, password: REDACTED, keep: 1 }], SSN: REDACTED },
      max_tokens: 5,
    });
  });

  test('redacts inside text content that holds JSON, keeping its layout; leaves other text alone', () => {
    const redactor = createRedactor();
    const pretty = JSON.stringify({ user: 'ann', password: 'pw' }, null, 2);
    const value = {
      content: [
        { type: 'text', text: pretty },
        { type: 'text', text: '{"token":"t","n":1}' },
        { type: 'text', text: '{"n":1}' },
        { type: 'text', text: '{ not json' },
        { type: 'text', text: 'my password is hunter2' },
      ],
    };
    const redacted = JSON.parse(redactor.stringify(value)) as { content: { text: string }[] };
    expect(redacted.content.map((block) => block.text)).toEqual([
      JSON.stringify({ user: 'ann', password: REDACTED }, null, 2),
      '{"token":"[redacted]","n":1}',
      '{"n":1}',
      '{ not json',
      'my password is hunter2',
    ]);
  });

  test('redacts secret query values and user info in URLs; relative URLs stay relative', () => {
    const redactor = createRedactor(['session']);
    expect(redactor.url('https://user:pw@api.example.com/v1/x?q=cats&api_key=sk-1&session=abc')).toBe(
      'https://api.example.com/v1/x?q=cats&api_key=%5Bredacted%5D&session=%5Bredacted%5D',
    );
    expect(redactor.url('https://api.example.com/v1/x?q=a+b')).toBe('https://api.example.com/v1/x?q=a+b');
    expect(redactor.url('/v1/x?token=t&q=1')).toBe('/v1/x?token=%5Bredacted%5D&q=1');
  });

  test('drops response bodies unless asked to keep them, and redacts kept JSON bodies', () => {
    const redactor = createRedactor();
    const exchange = {
      upstream: 'Acme',
      method: 'GET',
      url: 'https://api.example.com/v1/me?key=secret-key',
      status: 200,
      attempt: 1,
      startedAt: 0,
      durationMs: 3,
      response: { headers: { 'content-type': 'application/json' }, body: '{ "user": "ann", "access_token": "at-1" }' },
    };
    expect(redactor.exchange(exchange, false)).toEqual({
      upstream: 'Acme',
      method: 'GET',
      url: 'https://api.example.com/v1/me?key=%5Bredacted%5D',
      status: 200,
      attempt: 1,
      startedAt: 0,
      durationMs: 3,
    });
    expect(redactor.exchange(exchange, true).response).toEqual({
      headers: { 'content-type': 'application/json' },
      body: '{"user":"ann","access_token":"[redacted]"}',
    });
    const clean = { ...exchange, response: { body: '{ "user": "ann" }' } };
    expect(redactor.exchange(clean, true).response?.body).toBe('{ "user": "ann" }');
    const text = { ...exchange, response: { body: 'plain text' } };
    expect(redactor.exchange(text, true).response?.body).toBe('plain text');
  });
});
