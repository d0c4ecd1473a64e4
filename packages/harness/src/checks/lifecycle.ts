/**
 * Lifecycle checks: initialize and version negotiation, 2026-07-28 `server/discover`, ping, exit on
 * stdin EOF and on SIGTERM, and stdout purity (stdio).
 *
 * @module
 */
import { HttpWire } from '../drivers/http-wire.js';
import { initializeParams, type Wire } from '../drivers/wire.js';
import { fail, pass, show, skip, warn, type Check, type CheckContext, type Finding } from './check.js';
import { describeReply } from './replies.js';
import { validateSpec } from './spec.js';

/** Revisions the harness negotiates one by one. */
export const NEGOTIATED_VERSIONS = ['2025-06-18', '2025-11-25'] as const;

/** The stateless revision whose `server/discover` the harness probes. */
export const DISCOVER_VERSION = '2026-07-28';

const initialize: Check = {
  id: 'lifecycle.initialize',
  title: 'initialize answers a valid InitializeResult',
  group: 'lifecycle',
  async run(context) {
    const session = await context.session();
    const problem = validateSpec('InitializeResult', session.initialize.result);
    if (problem !== undefined) return fail(`the initialize result is not valid: ${problem}`, show(session.initialize));
    const info = (session.initialize.result as { serverInfo?: { name?: unknown; version?: unknown } }).serverInfo;
    return pass(
      `${String(info?.name)} ${String(info?.version)} negotiated ${session.protocolVersion}`,
      show(session.initialize.result),
    );
  },
};

async function negotiate(wire: Wire, version: string, context: CheckContext): Promise<Finding> {
  const reply = await wire.request('initialize', initializeParams(version), { timeoutMs: context.options.timeoutMs });
  if (reply.kind !== 'message' || reply.message.error !== undefined) {
    return fail(`initialize with ${version} got ${describeReply(reply)}`);
  }
  const answered = (reply.message.result as { protocolVersion?: unknown } | undefined)?.protocolVersion;
  if (answered === version) return pass(`the server speaks ${version}`);
  if (typeof answered === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(answered)) {
    return warn(`asked for ${version}, the server offered ${answered} instead (it does not support ${version})`);
  }
  return fail(`initialize with ${version} answered an invalid protocolVersion ${show(answered)}`);
}

const versions: Check[] = NEGOTIATED_VERSIONS.map((version) => ({
  id: `lifecycle.version-${version}`,
  title: `version negotiation: ${version}`,
  group: 'lifecycle',
  async run(context) {
    const wire = await context.fresh();
    try {
      return await negotiate(wire, version, context);
    } finally {
      await wire.close();
    }
  },
}));

const discover: Check = {
  id: 'lifecycle.server-discover',
  title: `${DISCOVER_VERSION} server/discover`,
  group: 'lifecycle',
  async run(context) {
    const wire = await context.fresh();
    // Over HTTP the revision also rides the MCP-Protocol-Version header.
    if (wire instanceof HttpWire) wire.protocolVersion = DISCOVER_VERSION;
    try {
      const reply = await wire.request(
        'server/discover',
        {
          // The 2026-07-28 per-request envelope: version, client info and capabilities.
          _meta: {
            'io.modelcontextprotocol/protocolVersion': DISCOVER_VERSION,
            'io.modelcontextprotocol/clientInfo': { name: 'mcp-factory-harness', version: '0.1.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
        { timeoutMs: context.options.timeoutMs },
      );
      if (reply.kind === 'message' && reply.message.error === undefined) {
        const problem = validateSpec('DiscoverResult', reply.message.result);
        if (problem !== undefined) return fail(`server/discover answered an invalid result: ${problem}`);
        const supported = (reply.message.result as { supportedVersions: string[] }).supportedVersions;
        return pass(`server/discover lists ${supported.join(', ')}`);
      }
      return skip(`the server does not implement ${DISCOVER_VERSION} (server/discover got ${describeReply(reply)})`);
    } finally {
      await wire.close();
    }
  },
};

const ping: Check = {
  id: 'lifecycle.ping',
  title: 'ping answers an empty result',
  group: 'lifecycle',
  async run(context) {
    const { wire } = await context.session();
    const reply = await wire.request('ping', undefined, { timeoutMs: context.options.timeoutMs });
    if (reply.kind === 'message' && reply.message.error === undefined && typeof reply.message.result === 'object') {
      return pass('ping answered');
    }
    return fail(`ping got ${describeReply(reply)}`);
  },
};

function exitCheck(id: string, title: string, how: 'eof' | 'sigterm'): Check {
  return {
    id,
    title,
    group: 'lifecycle',
    transports: ['stdio'],
    async run(context) {
      const wire = await context.freshStdio();
      const bound = context.options.exitBoundMs ?? 5_000;
      const reply = await wire.request('initialize', initializeParams('2025-11-25'), {
        timeoutMs: context.options.timeoutMs,
      });
      if (reply.kind !== 'message') return fail(`the server did not initialize: ${describeReply(reply)}`);
      await wire.notify('notifications/initialized');
      if (how === 'eof') wire.closeStdin();
      else wire.kill('SIGTERM');
      const status = await wire.waitExit(bound);
      if (status === undefined) {
        await wire.close();
        return fail(`still running ${bound} ms after ${how === 'eof' ? 'stdin closed' : 'SIGTERM'}`);
      }
      const how2 = status.signal === null ? `exit code ${String(status.code)}` : `signal ${status.signal}`;
      if (how === 'eof' && status.code !== 0) return warn(`exited on stdin EOF, but with ${how2}`);
      return pass(`exited within ${bound} ms (${how2})`);
    },
  };
}

/** Checks of the lifecycle group, in order (stdout purity runs last: see {@link STDOUT_PURITY}). */
export const LIFECYCLE_CHECKS: readonly Check[] = [
  initialize,
  ...versions,
  discover,
  ping,
  exitCheck('lifecycle.exit-on-eof', 'exits when stdin closes', 'eof'),
  exitCheck('lifecycle.exit-on-sigterm', 'exits on SIGTERM', 'sigterm'),
];
