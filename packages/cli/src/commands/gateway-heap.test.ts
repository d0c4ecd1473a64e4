import { describe, expect, it } from 'vitest';

import { GATEWAY_HEAP_GROWING_PERCENT, gatewayHeapFlag } from './gateway-heap.js';

describe('gatewayHeapFlag', () => {
  it('caps old-space growth by default', () => {
    expect(gatewayHeapFlag([], {})).toBe(`--heap-growing-percent=${GATEWAY_HEAP_GROWING_PERCENT}`);
  });

  it('takes the percentage from MCP_GATEWAY_HEAP_GROWING_PERCENT, 0 meaning V8 decides', () => {
    expect(gatewayHeapFlag([], { MCP_GATEWAY_HEAP_GROWING_PERCENT: '100' })).toBe('--heap-growing-percent=100');
    expect(gatewayHeapFlag([], { MCP_GATEWAY_HEAP_GROWING_PERCENT: '0' })).toBe('--heap-growing-percent=0');
    expect(gatewayHeapFlag([], { MCP_GATEWAY_HEAP_GROWING_PERCENT: '' })).toBe(
      `--heap-growing-percent=${GATEWAY_HEAP_GROWING_PERCENT}`,
    );
  });

  it('refuses an override that is not a whole number from 0 to 1000', () => {
    for (const bad of ['-5', '1.5', 'fifty', '1001', '--expose-gc'])
      expect(() => gatewayHeapFlag([], { MCP_GATEWAY_HEAP_GROWING_PERCENT: bad })).toThrow(RangeError);
  });

  it('leaves a flag given to node itself alone', () => {
    expect(gatewayHeapFlag(['--heap-growing-percent=20'], {})).toBeUndefined();
    expect(gatewayHeapFlag(['--heap_growing_percent=20'], { MCP_GATEWAY_HEAP_GROWING_PERCENT: '50' })).toBeUndefined();
  });
});
