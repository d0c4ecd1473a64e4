import { describe, expect, test } from 'vitest';

import {
  LOOPBACK_HOSTNAMES,
  allowedHostnames,
  batchAllowed,
  checkHost,
  checkOrigin,
  hostnameOfHostHeader,
  jsonNestsDeeper,
  normalizeHostname,
} from './http-guards.js';

describe('normalizeHostname', () => {
  test('lower-cases names and brackets bare IPv6 addresses', () => {
    expect(normalizeHostname(' Example.COM ')).toBe('example.com');
    expect(normalizeHostname('::1')).toBe('[::1]');
    expect(normalizeHostname('[::1]')).toBe('[::1]');
  });
});

describe('hostnameOfHostHeader', () => {
  test.each([
    ['localhost:3000', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]:8080', '[::1]'],
    ['[::1]', '[::1]'],
    ['API.Example.com:443', 'api.example.com'],
  ])('%s → %s', (header, hostname) => {
    expect(hostnameOfHostHeader(header)).toBe(hostname);
  });

  test.each([
    '',
    '   ',
    '[::1',
    'evil.com/path',
    'a b',
    'user@host',
    'localhost:39721@evil.com',
    '127.0.0.1:99999',
    '127.0.0.1:0',
    '127.0.0.1:abc',
    'localhost:',
    '[::1]x',
    '[::1]:80:80',
    '[evil.com]',
  ])('%j is not a hostname', (header) => {
    expect(hostnameOfHostHeader(header)).toBeUndefined();
  });
});

describe('allowedHostnames', () => {
  test('always holds the loopback names', () => {
    expect([...allowedHostnames('0.0.0.0')].sort()).toEqual([...LOOPBACK_HOSTNAMES].sort());
  });

  test('adds a specific bind address but not a wildcard one', () => {
    expect(allowedHostnames('10.1.2.3').has('10.1.2.3')).toBe(true);
    expect(allowedHostnames('::').has('[::]')).toBe(false);
    expect(allowedHostnames('[::]').has('[::]')).toBe(false);
    expect(allowedHostnames('fe80::1').has('[fe80::1]')).toBe(true);
  });

  test('adds extra names, normalized', () => {
    const allowed = allowedHostnames('127.0.0.1', ['MCP.Example.com', '::2']);
    expect(allowed.has('mcp.example.com')).toBe(true);
    expect(allowed.has('[::2]')).toBe(true);
  });
});

describe('checkHost', () => {
  const allowed = allowedHostnames('127.0.0.1', ['mcp.example.com']);

  test.each(['localhost', 'localhost:3000', '127.0.0.1:1', '[::1]:3000', 'mcp.example.com', 'MCP.example.com:443'])(
    'accepts %s',
    (host) => {
      expect(checkHost(host, allowed)).toBeUndefined();
    },
  );

  test('refuses another hostname and says how to allow it (DNS rebinding)', () => {
    const verdict = checkHost('evil.com:3000', allowed);
    expect(verdict).toContain('Host "evil.com" is not allowed (DNS-rebinding protection)');
    expect(verdict).toContain('--allowed-hosts');
  });

  test("ends with the front's own hint when it has one", () => {
    expect(checkHost('evil.com', allowed, 'this front answers loopback names only')).toMatch(
      /; this front answers loopback names only\.$/,
    );
  });

  test('refuses a missing or unparseable Host', () => {
    expect(checkHost(undefined, allowed)).toBe('Missing Host header.');
    expect(checkHost('', allowed)).toBe('Missing Host header.');
    expect(checkHost('evil.com/x', allowed)).toMatch(/^Invalid Host header/);
  });

  test('quotes at most 100 characters of a bad Host', () => {
    expect(checkHost('x/'.repeat(200), allowed)!.length).toBeLessThan(200);
  });
});

describe('checkOrigin', () => {
  const allowed = allowedHostnames('127.0.0.1', ['app.example.com']);

  test('accepts a missing Origin (non-browser clients send none)', () => {
    expect(checkOrigin(undefined, allowed)).toBeUndefined();
  });

  test.each(['http://localhost:5173', 'https://127.0.0.1', 'http://[::1]:3000', 'https://app.example.com'])(
    'accepts %s',
    (origin) => {
      expect(checkOrigin(origin, allowed)).toBeUndefined();
    },
  );

  test('refuses a foreign origin, naming the option that allows it', () => {
    const verdict = checkOrigin('https://evil.com', allowed);
    expect(verdict).toContain('Origin "https://evil.com" is not allowed');
    expect(verdict).toContain('--allowed-origins');
  });

  test('accepts a desktop shell on an allowed host (tauri://localhost), not a file: page', () => {
    expect(checkOrigin('tauri://localhost', allowed)).toBeUndefined();
    expect(checkOrigin('file://localhost/x.html', allowed)).toContain('is not allowed');
    expect(checkOrigin('chrome-extension://abcdefgh', allowed)).toContain('is not allowed');
  });

  test('accepts an exact (CORS) origin only as listed: scheme, host and port', () => {
    const exact = new Set(['https://app.cors.example']);
    expect(checkOrigin('https://app.cors.example', allowed, exact)).toBeUndefined();
    expect(checkOrigin('https://app.cors.example:443', allowed, exact)).toBeUndefined();
    expect(checkOrigin('http://app.cors.example', allowed, exact)).toContain('is not allowed');
    expect(checkOrigin('https://app.cors.example:8443', allowed, exact)).toContain('is not allowed');
  });

  test('refuses the null origin and garbage', () => {
    expect(checkOrigin('null', allowed)).toMatch(/is not a valid origin/);
    expect(checkOrigin('not a url', allowed)).toMatch(/is not a valid origin/);
  });
});

describe('batchAllowed', () => {
  test('allows batches up to 2025-03-26, which is assumed when the header is absent', () => {
    expect(batchAllowed(undefined)).toBe(true);
    expect(batchAllowed('2025-03-26')).toBe(true);
    expect(batchAllowed('2024-11-05')).toBe(true);
  });

  test('refuses batches from 2025-06-18 on and for unknown revisions', () => {
    expect(batchAllowed('2025-06-18')).toBe(false);
    expect(batchAllowed('2025-11-25')).toBe(false);
    expect(batchAllowed('2026-07-28')).toBe(false);
    expect(batchAllowed('garbage')).toBe(false);
  });
});

describe('jsonNestsDeeper', () => {
  const bytes = (text: string): Buffer => Buffer.from(text);
  const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);

  test('counts arrays and objects alike, up to the limit and beyond it', () => {
    expect(jsonNestsDeeper(bytes(nested(10)), 10)).toBe(false);
    expect(jsonNestsDeeper(bytes(nested(11)), 10)).toBe(true);
    expect(jsonNestsDeeper(bytes(`{"a":${'{"b":'.repeat(10)}1${'}'.repeat(10)}}`), 10)).toBe(true);
  });

  test('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ text: `\\"${'['.repeat(50)}`, more: '{{{{{{{{{{{{' });
    expect(jsonNestsDeeper(bytes(text), 3)).toBe(false);
  });

  test('a long flat body is not deep; the default limit is 1000 levels', () => {
    expect(jsonNestsDeeper(bytes(JSON.stringify({ items: Array.from({ length: 5000 }, (_, i) => [i]) })))).toBe(false);
    expect(jsonNestsDeeper(bytes(nested(1000)))).toBe(false);
    expect(jsonNestsDeeper(bytes(nested(1001)))).toBe(true);
  });
});
