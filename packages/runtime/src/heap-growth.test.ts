import { describe, expect, it } from 'vitest';

import { ConfigError } from './errors.js';
import { capHeapGrowth, DEFAULT_HEAP_GROWING_PERCENT, heapGrowingFlag } from './heap-growth.js';

describe('heapGrowingFlag', () => {
  it('caps old-space growth by default', () => {
    expect(heapGrowingFlag([], {})).toBe(`--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`);
  });

  it('takes the percentage from MCP_HEAP_GROWING_PERCENT, 0 meaning V8 decides', () => {
    expect(heapGrowingFlag([], { MCP_HEAP_GROWING_PERCENT: '100' })).toBe('--heap-growing-percent=100');
    expect(heapGrowingFlag([], { MCP_HEAP_GROWING_PERCENT: '0' })).toBe('--heap-growing-percent=0');
    expect(heapGrowingFlag([], { MCP_HEAP_GROWING_PERCENT: '' })).toBe(
      `--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`,
    );
  });

  it('refuses an override that is not a whole number from 0 to 1000', () => {
    for (const bad of ['-5', '1.5', 'fifty', '1001', '--expose-gc'])
      expect(() => heapGrowingFlag([], { MCP_HEAP_GROWING_PERCENT: bad })).toThrow(ConfigError);
  });

  it('leaves a flag given to node itself alone', () => {
    expect(heapGrowingFlag(['--heap-growing-percent=20'], {})).toBeUndefined();
    expect(heapGrowingFlag(['--heap_growing_percent=20'], { MCP_HEAP_GROWING_PERCENT: '50' })).toBeUndefined();
  });

  it('reads the variable it is given (the gateway has its own) and names it in the error', () => {
    const env = { MCP_GATEWAY_HEAP_GROWING_PERCENT: '30', MCP_HEAP_GROWING_PERCENT: '70' };
    expect(heapGrowingFlag([], env, 'MCP_GATEWAY_HEAP_GROWING_PERCENT')).toBe('--heap-growing-percent=30');
    expect(() =>
      heapGrowingFlag([], { MCP_GATEWAY_HEAP_GROWING_PERCENT: 'x' }, 'MCP_GATEWAY_HEAP_GROWING_PERCENT'),
    ).toThrow('MCP_GATEWAY_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000, not "x".');
  });
});

describe('capHeapGrowth', () => {
  it('sets the flag and returns the percentage in force', () => {
    const set: string[] = [];
    expect(capHeapGrowth({ MCP_HEAP_GROWING_PERCENT: '25' }, undefined, (flag) => set.push(flag))).toBe(25);
    expect(capHeapGrowth({}, undefined, (flag) => set.push(flag))).toBe(DEFAULT_HEAP_GROWING_PERCENT);
    expect(set).toEqual(['--heap-growing-percent=25', `--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`]);
  });

  it('sets nothing on a bad value', () => {
    const set: string[] = [];
    expect(() => capHeapGrowth({ MCP_HEAP_GROWING_PERCENT: '-1' }, undefined, (flag) => set.push(flag))).toThrow(
      ConfigError,
    );
    expect(set).toEqual([]);
  });
});
