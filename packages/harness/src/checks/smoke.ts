/**
 * `--call` smoke: every tool called once with arguments generated from its schema; the answer must
 * be a well-formed CallToolResult (an `isError` result is fine) or a JSON-RPC error, never a
 * crash or silence.
 *
 * @module
 */
import { compileSchema } from '../schema/compile.js';
import { generateValue } from '../schema/generate.js';
import { fail, pass, show, skip, warn, type Check, type Finding } from './check.js';
import { describeReply } from './replies.js';
import { validateSpec } from './spec.js';

const smoke: Check = {
  id: 'smoke.call',
  title: 'each tool answers a well-formed result to generated arguments',
  group: 'smoke',
  async run(context) {
    if (context.options.call !== true) return skip('not requested (use --call)');
    const tools = (await context.listing('tools')).items;
    if (tools.length === 0) return skip('the server lists no tools');
    const { wire } = await context.session();
    const findings: Finding[] = [];
    for (const tool of tools) {
      const name = String(tool.name);
      const args = generateValue(tool.inputSchema, { allProperties: true });
      const compiled = compileSchema(tool.inputSchema);
      const generatedValid = compiled.ok ? compiled.validate(args) : false;
      const reply = await wire.request(
        'tools/call',
        { name, arguments: args },
        { timeoutMs: context.options.timeoutMs },
      );
      const base = { suffix: name, title: `call ${name}` };
      const withArgs = `with ${show(args, 120)}${generatedValid ? '' : ' (the generator could not satisfy the schema)'}`;
      if (reply.kind !== 'message') {
        const after = wire.alive() ? '' : '; the server exited';
        findings.push({ ...base, ...fail(`${withArgs}: ${describeReply(reply)}${after}`) });
        if (!wire.alive()) break;
        continue;
      }
      if (reply.message.error !== undefined) {
        findings.push({ ...base, ...warn(`${withArgs}: ${describeReply(reply)}`) });
        continue;
      }
      const problem = validateSpec('CallToolResult', reply.message.result);
      if (problem !== undefined) {
        findings.push({
          ...base,
          ...fail(`${withArgs}: malformed CallToolResult: ${problem}`, show(reply.message.result)),
        });
        continue;
      }
      const isError = (reply.message.result as { isError?: unknown }).isError === true;
      findings.push({ ...base, ...pass(`${withArgs}: ${isError ? 'an isError result' : 'a result'}`) });
    }
    return findings;
  },
};

/** Checks of the smoke group. */
export const SMOKE_CHECKS: readonly Check[] = [smoke];
