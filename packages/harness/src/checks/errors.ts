/**
 * Error-behaviour checks: unknown method, malformed JSON, invalid request, wrong params, a burst of
 * concurrent requests with interleaved ids, and cancellation of a slow call.
 *
 * @module
 */
import { initializeParams, type JsonRpcId, type Wire } from '../drivers/wire.js';
import { invalidArguments, generateValue } from '../schema/generate.js';
import { fail, pass, show, skip, warn, type Check, type CheckContext, type Finding } from './check.js';
import { describeReply, errorCode, expectCode } from './replies.js';

/** A fresh connection that completed the initialize handshake. */
export async function initializedWire(context: CheckContext): Promise<Wire> {
  const wire = await context.fresh();
  const reply = await wire.request('initialize', initializeParams('2025-11-25'), {
    timeoutMs: context.options.timeoutMs,
  });
  if (reply.kind !== 'message' || reply.message.error !== undefined) {
    await wire.close();
    throw new Error(`the server did not initialize: ${describeReply(reply)}`);
  }
  await wire.notify('notifications/initialized');
  return wire;
}

/** After a bad frame: the server must still be there and answer ping. */
async function survived(wire: Wire, context: CheckContext): Promise<string | undefined> {
  const reply = await wire.request('ping', undefined, { timeoutMs: context.options.timeoutMs });
  if (reply.kind === 'message') return undefined;
  return wire.alive()
    ? `and then no longer answered ping (${describeReply(reply)})`
    : 'and the server exited (crashed)';
}

/** Wait for answers to bad frames: servers that answer do so at once; the margin is for loaded machines. */
const BAD_FRAME_WAIT_MS = 5_000;

function badFrame(id: string, title: string, frame: string, frameId: JsonRpcId | null, expected: number): Check {
  return {
    id,
    title,
    group: 'errors',
    async run(context) {
      const wire = await initializedWire(context);
      try {
        const reply = await wire.sendRaw(
          frame,
          frameId,
          Math.min(BAD_FRAME_WAIT_MS, context.options.timeoutMs ?? BAD_FRAME_WAIT_MS),
        );
        const verdict = expectCode(reply, expected, `the frame ${show(frame, 80)}`);
        const after = await survived(wire, context);
        if (after !== undefined) return fail(`${verdict.reason}, ${after}`, verdict.evidence);
        return verdict;
      } finally {
        await wire.close();
      }
    },
  };
}

const unknownMethod: Check = {
  id: 'errors.unknown-method',
  title: 'an unknown method is answered -32601',
  group: 'errors',
  async run(context) {
    const { wire } = await context.session();
    const reply = await wire.request('harness/no-such-method', {}, { timeoutMs: context.options.timeoutMs });
    return expectCode(reply, -32601, 'an unknown method');
  },
};

const unknownTool: Check = {
  id: 'errors.unknown-tool',
  title: 'tools/call of an unknown tool is an error (-32602) or an isError result',
  group: 'errors',
  async run(context) {
    const { wire } = await context.session();
    const reply = await wire.request(
      'tools/call',
      { name: 'harness-no-such-tool', arguments: {} },
      { timeoutMs: context.options.timeoutMs },
    );
    return paramsVerdict(reply, 'an unknown tool');
  },
};

function paramsVerdict(reply: Awaited<ReturnType<Wire['request']>>, what: string): Finding {
  const code = errorCode(reply);
  if (code === -32602) return pass(`${what} answered -32602`);
  if (reply.kind === 'message' && (reply.message.result as { isError?: unknown } | undefined)?.isError === true) {
    return pass(`${what} answered an isError result`);
  }
  if (code !== undefined) return warn(`${what} answered ${code} where -32602 (or an isError result) is expected`);
  return fail(
    `${what} should be answered -32602 or isError; got ${describeReply(reply)}`,
    reply.kind === 'message' ? show(reply.message) : undefined,
  );
}

const wrongParams: Check = {
  id: 'errors.invalid-params',
  title: 'arguments that break a tool schema get -32602 or an isError result',
  group: 'errors',
  async run(context) {
    const tools = (await context.listing('tools')).items;
    const target = tools
      .map((tool) => ({ name: String(tool.name), args: invalidArguments(tool.inputSchema) }))
      .find((candidate) => candidate.args !== undefined);
    if (target === undefined) return skip('no tool has a schema that arguments can break');
    const { wire } = await context.session();
    const reply = await wire.request(
      'tools/call',
      { name: target.name, arguments: target.args },
      { timeoutMs: context.options.timeoutMs },
    );
    return paramsVerdict(reply, `${target.name} with ${show(target.args, 80)}`);
  },
};

const burst: Check = {
  id: 'errors.concurrent-burst',
  title: 'a burst of concurrent requests with interleaved ids is answered id by id',
  group: 'errors',
  async run(context) {
    const { wire } = await context.session();
    const size = context.options.burst ?? 50;
    const requests = Array.from({ length: size }, (_, index) => {
      // Interleaved id kinds and orders: strings and numbers, descending numbers, a zero.
      const id: JsonRpcId = index % 2 === 0 ? `burst-${index}` : 100_000 - index;
      const method = index % 3 === 0 ? 'tools/list' : 'ping';
      return { id, method };
    });
    requests.push({ id: 0, method: 'ping' });
    const strayBefore = wire.strayResponses.length;
    const replies = await Promise.all(
      requests.map(({ id, method }) =>
        wire.request(method, method === 'ping' ? undefined : {}, { id, timeoutMs: context.options.timeoutMs }),
      ),
    );
    const problems: string[] = [];
    replies.forEach((reply, index) => {
      const { id, method } = requests[index] as { id: JsonRpcId; method: string };
      if (reply.kind !== 'message') problems.push(`${show(id)} (${method}): ${describeReply(reply)}`);
      else if (reply.message.error !== undefined) problems.push(`${show(id)} (${method}): ${describeReply(reply)}`);
      else if (method === 'tools/list' && !Array.isArray((reply.message.result as { tools?: unknown })?.tools)) {
        problems.push(`${show(id)} (tools/list) answered with the result of another request`);
      }
    });
    const stray = wire.strayResponses.slice(strayBefore);
    if (stray.length > 0)
      problems.push(`${stray.length} response(s) with ids nobody asked: ${show(stray.map((m) => m.id))}`);
    if (problems.length > 0)
      return fail(
        `${problems.length} of ${requests.length} requests not answered correctly`,
        problems.slice(0, 10).join('\n'),
      );
    return pass(`${requests.length} concurrent requests all answered with matching ids`);
  },
};

const SLOW = /long|slow|sleep|delay|wait/i;

const cancellation: Check = {
  id: 'errors.cancellation',
  title: 'cancelling a slow call is honoured',
  group: 'errors',
  async run(context) {
    const tools = (await context.listing('tools')).items;
    const slow = tools.find((tool) => SLOW.test(String(tool.name)));
    if (slow === undefined)
      return skip('no tool looks slow (name matching long|slow|sleep|delay|wait): nothing to cancel');
    const schema = slow.inputSchema as { properties?: Record<string, unknown> } | undefined;
    const args = generateValue(slow.inputSchema, { allProperties: true }) as Record<string, unknown>;
    // Ask for a long run where the schema has a duration-like number.
    for (const key of Object.keys(schema?.properties ?? {})) {
      if (/duration|seconds|ms|delay|time/i.test(key)) args[key] = 10;
    }
    const wire = await initializedWire(context);
    try {
      const id = 'cancel-me';
      const call = wire.request('tools/call', { name: slow.name, arguments: args }, { id, timeoutMs: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await wire.notify('notifications/cancelled', { requestId: id, reason: 'harness cancellation check' });
      const reply = await call;
      const after = await survived(wire, context);
      if (after !== undefined) return fail(`after cancelling ${String(slow.name)} ${show(args)}, ${after}`);
      if (reply.kind === 'none' && reply.reason === 'timeout') {
        return pass(`${String(slow.name)} ${show(args)} cancelled: no response followed, and the server still answers`);
      }
      if (reply.kind === 'message' && reply.message.error !== undefined) {
        return pass(`${String(slow.name)} cancelled: answered ${describeReply(reply)}`);
      }
      return warn(`${String(slow.name)} ${show(args)} answered ${describeReply(reply)} after it was cancelled`);
    } finally {
      await wire.close();
    }
  },
};

/** Checks of the error-behaviour group. */
export const ERROR_CHECKS: readonly Check[] = [
  unknownMethod,
  badFrame(
    'errors.parse-error',
    'malformed JSON is answered -32700',
    '{"jsonrpc":"2.0","id":"parse-1","method":"ping"',
    null,
    -32700,
  ),
  badFrame(
    'errors.invalid-request',
    'an invalid request is answered -32600',
    '{"jsonrpc":"2.0","id":"invalid-1","method":42,"params":"bar"}',
    'invalid-1',
    -32600,
  ),
  unknownTool,
  wrongParams,
  burst,
  cancellation,
];
