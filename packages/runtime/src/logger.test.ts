import { spawnSync } from 'node:child_process';

import { afterAll, beforeAll, afterEach, describe, expect, test, vi } from 'vitest';

import { bundleFixture } from './__fixtures__/process.js';
import { LOG_LEVELS, createLogger, isLogLevel } from './logger.js';

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    ...options,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createLogger', () => {
  test('writes JSON lines with a level label, ISO time, pid and base bindings', () => {
    const { logger, lines } = capture({ base: { server: 'demo' } });
    logger.info({ a: 1 }, 'hello');
    expect(lines).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        pid: process.pid,
        server: 'demo',
        a: 1,
        msg: 'hello',
      },
    ]);
  });

  test('defaults to info, filters lower levels, and the level is assignable', () => {
    vi.stubEnv('LOG_LEVEL', '');
    const { logger, lines } = capture();
    expect(logger.level).toBe('info');
    logger.debug('hidden');
    logger.level = 'debug';
    logger.debug('shown');
    expect(lines.map((line) => line.msg)).toEqual(['shown']);
  });

  test('takes its default level from LOG_LEVEL when valid', () => {
    vi.stubEnv('LOG_LEVEL', 'warn');
    expect(capture().logger.level).toBe('warn');
    vi.stubEnv('LOG_LEVEL', 'chatty');
    expect(capture().logger.level).toBe('info');
  });

  test('child loggers carry their bindings', () => {
    const { logger, lines } = capture({ level: 'info' });
    logger.child({ requestId: 'r1' }).warn('careful');
    expect(lines[0]).toMatchObject({ level: 'warn', requestId: 'r1', msg: 'careful' });
  });

  test('always redacts well-known secret fields at the top level and inside args, headers, req, request, body, params, config', () => {
    const { logger, lines } = capture({ level: 'info', redact: ['custom.path'] });
    logger.info({
      authorization: 'Bearer x1',
      token: 'x2',
      headers: { Authorization: 'Bearer x3', apiKey: 'x4' },
      req: { password: 'x5', secret: 'x6', api_key: 'x7' },
      custom: { path: 'x8', other: 'visible' },
    });
    const text = JSON.stringify(lines);
    for (const secret of ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8']) expect(text).not.toContain(`"${secret}"`);
    expect(text).toContain('visible');
    // Other nesting is not covered (wildcards cost ~10 µs per line): log secrets under known names only.
    logger.info({ elsewhere: { token: 'shown' } });
    expect(JSON.stringify(lines)).toContain('shown');
    expect(lines[0]!.token).toBe('[redacted]');
  });
});

describe('isLogLevel', () => {
  test('accepts exactly the listed levels', () => {
    for (const level of LOG_LEVELS) expect(isLogLevel(level)).toBe(true);
    expect(isLogLevel('verbose')).toBe(false);
    expect(isLogLevel('INFO')).toBe(false);
  });
});

describe('the default stderr logger (buffered)', () => {
  let fixture: Awaited<ReturnType<typeof bundleFixture>>;
  beforeAll(async () => {
    fixture = await bundleFixture('buffered-logger.mjs');
  });
  afterAll(async () => {
    await fixture.remove();
  });

  test.each(['return', 'exit', 'throw'])(
    'loses no line when the process ends by %s with less than a batch buffered, and writes none to stdout',
    (how) => {
      const run = spawnSync(process.execPath, [fixture.file, '25', how], { encoding: 'utf8', timeout: 15_000 });
      expect(run.stdout).toBe('');
      const lines = run.stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => line.index)).toEqual(Array.from({ length: 25 }, (_, index) => index));
      expect(lines[0]).toMatchObject({ level: 'info', server: 'fixture', msg: 'line' });
      if (how === 'throw') expect(run.status).not.toBe(0);
      else expect(run.status).toBe(0);
    },
  );

  test('writes lines beyond one batch in order, none lost or repeated', () => {
    const run = spawnSync(process.execPath, [fixture.file, '2000', 'return'], { encoding: 'utf8', timeout: 15_000 });
    const indexes = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { index: number }).index);
    expect(indexes).toEqual(Array.from({ length: 2000 }, (_, index) => index));
  });
});
