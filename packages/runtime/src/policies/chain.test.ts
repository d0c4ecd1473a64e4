import { describe, expect, test } from 'vitest';

import type { AnyDefinition } from '../define.js';
import { composePolicies, withAppliesTo, type Call, type Outcome, type Policy } from './chain.js';

// composePolicies never looks inside the call; a bare object stands in for one.
const call = { name: 'echo', args: { n: 1 }, attributes: new Map() } as unknown as Call;
const ok: Outcome = { content: [{ type: 'text', text: 'ok' }] };

describe('composePolicies', () => {
  test('runs policies outermost first, then the terminal, and unwinds in reverse', async () => {
    const order: string[] = [];
    const trace =
      (name: string): Policy =>
      async (_call, next) => {
        order.push(`${name} in`);
        const outcome = await next();
        order.push(`${name} out`);
        return outcome;
      };
    const chain = composePolicies([trace('a'), trace('b'), trace('c')], async () => {
      order.push('terminal');
      return ok;
    });
    await expect(chain(call)).resolves.toBe(ok);
    expect(order).toEqual(['a in', 'b in', 'c in', 'terminal', 'c out', 'b out', 'a out']);
  });

  test('with no policies calls the terminal directly with the call', async () => {
    const seen: Call[] = [];
    const chain = composePolicies([], async (received) => {
      seen.push(received);
      return ok;
    });
    await chain(call);
    expect(seen).toEqual([call]);
  });

  test('a policy may answer without calling next()', async () => {
    let reached = false;
    const refused: Outcome = { content: [], isError: true };
    const chain = composePolicies([async () => refused], async () => {
      reached = true;
      return ok;
    });
    await expect(chain(call)).resolves.toBe(refused);
    expect(reached).toBe(false);
  });

  test('a policy may replace args and inner policies and the terminal see the new value', async () => {
    const seen: unknown[] = [];
    const chain = composePolicies(
      [
        async (current, next) => {
          current.args = { n: 2 };
          return next();
        },
        async (current, next) => {
          seen.push(current.args);
          return next();
        },
      ],
      async (current) => {
        seen.push(current.args);
        return ok;
      },
    );
    await chain({ ...call, args: { n: 1 } });
    expect(seen).toEqual([{ n: 2 }, { n: 2 }]);
  });

  test('calling next() twice rejects the second call and runs the rest of the chain once', async () => {
    let terminalRuns = 0;
    let second: unknown;
    const chain = composePolicies(
      [
        async (_call, next) => next(),
        async (_call, next) => {
          const outcome = await next();
          second = await next().catch((error: unknown) => error);
          return outcome;
        },
      ],
      async () => {
        terminalRuns += 1;
        return ok;
      },
    );
    await expect(chain(call)).resolves.toBe(ok);
    expect(terminalRuns).toBe(1);
    expect(second).toBeInstanceOf(Error);
    expect((second as Error).message).toBe('policy #1 called next() twice');
  });

  test('every call through the composed chain gets fresh next() guards', async () => {
    let runs = 0;
    const chain = composePolicies([async (_call, next) => next()], async () => {
      runs += 1;
      return ok;
    });
    await chain(call);
    await chain(call);
    expect(runs).toBe(2);
  });

  test('errors from the terminal propagate through the policies', async () => {
    const seen: unknown[] = [];
    const chain = composePolicies(
      [
        async (_call, next) => {
          try {
            return await next();
          } catch (error) {
            seen.push(error);
            throw error;
          }
        },
      ],
      async () => {
        throw new Error('handler failed');
      },
    );
    await expect(chain(call)).rejects.toThrow('handler failed');
    expect(seen).toHaveLength(1);
  });

  test('leaves out, for a definition, the policies whose appliesTo says they have nothing to do', async () => {
    const order: string[] = [];
    const onlyTools = withAppliesTo(
      async (_call, next) => {
        order.push('tools only');
        return next();
      },
      (definition) => definition.kind === 'tool',
    );
    const always: Policy = async (_call, next) => {
      order.push('always');
      return next();
    };
    const terminal = async (): Promise<Outcome> => ok;
    const prompt = { kind: 'prompt', name: 'p' } as unknown as AnyDefinition;
    const tool = { kind: 'tool', name: 't' } as unknown as AnyDefinition;
    await composePolicies([onlyTools, always], terminal, prompt)(call);
    expect(order).toEqual(['always']);
    order.length = 0;
    await composePolicies([onlyTools, always], terminal, tool)(call);
    expect(order).toEqual(['tools only', 'always']);
    order.length = 0;
    // Without a definition every policy runs.
    await composePolicies([onlyTools, always], terminal)(call);
    expect(order).toEqual(['tools only', 'always']);
  });
});
