/**
 * The factory over MCP: `create_server(template, provider, name)` generates a project from one of
 * the factory's templates, installs and builds it (argv only, no shell) and adds it to the running
 * gateway; `test_server(name)` runs the black-box harness against a configured server. An agent can
 * create a server, test it and call it without restarting its client.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { effectiveStatus, runHarness, totals, type Group, type Target } from '@mcp-factory/harness';
import { defineTool, z, type ToolDefinition } from '@mcp-factory/runtime';
import {
  findTemplate,
  nameProblems,
  renderProject,
  runCommand,
  ScaffoldError,
  type CommandResult,
} from '@mcp-factory/scaffold';

import { GatewayError, GatewayErrorCode } from './errors.js';
import type { Gateway } from './gateway.js';
import { guarded } from './meta-tools.js';
import type { ServerSpec, StdioServerSpec } from './server-source.js';

/** Where and how `create_server` makes projects. */
export interface FactoryToolsOptions {
  /** Projects are created in `<projectsDir>/<name>`. */
  readonly projectsDir: string;
  /** Recorded in each project's `.mcp-factory.json`. */
  readonly factoryVersion: string;
  /** Templates folder; default the factory's own. */
  readonly templatesRoot?: string;
  /** Where a created server's declared variables (its `.env.example` names) take their values. */
  readonly env?: NodeJS.ProcessEnv;
  /** Runs npm; default {@link runCommand} (tests may inject). */
  readonly run?: typeof runCommand;
}

/** Groups `test_server` runs: everything that needs no extra input and finishes in seconds. */
const TEST_GROUPS: readonly Group[] = ['lifecycle', 'listings', 'errors'];

function failed(step: string, result: CommandResult): GatewayError {
  const tail = `${result.stderr}${result.stdout}`.trim().split('\n').slice(-8).join('\n');
  return new GatewayError(
    GatewayErrorCode.StartFailed,
    `create_server: ${step} failed (${result.timedOut ? 'timed out' : `exit ${String(result.code)}`}):\n${tail}`,
  );
}

/** The variable names a generated project documents in its `.env.example`. */
async function declaredNames(dir: string): Promise<string[]> {
  const file = join(dir, '.env.example');
  if (!existsSync(file)) return [];
  const names = (await readFile(file, 'utf8'))
    .split('\n')
    .map((line) => /^\s*#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(names)];
}

/** Generates, installs and builds a project; resolves with the spec that runs it. */
export async function createProject(
  input: { template: string; provider?: string | undefined; name: string },
  options: FactoryToolsOptions,
): Promise<StdioServerSpec> {
  const problems = nameProblems(input.name);
  if (problems.length > 0) {
    throw new GatewayError(GatewayErrorCode.Usage, `create_server: invalid name: ${problems.join('; ')}`);
  }
  const dir = join(options.projectsDir, input.name);
  if (existsSync(dir)) {
    throw new GatewayError(
      GatewayErrorCode.Usage,
      `create_server: ${input.name} already exists (${dir}); pick another name or use load_server.`,
    );
  }
  try {
    const template = await findTemplate(input.template, options.templatesRoot);
    await renderProject({
      template,
      name: input.name,
      targetDir: dir,
      answers: input.provider === undefined ? {} : { provider: input.provider },
      factoryVersion: options.factoryVersion,
    });
  } catch (error) {
    if (error instanceof ScaffoldError)
      throw new GatewayError(GatewayErrorCode.Usage, `create_server: ${error.message}`);
    throw error;
  }
  const run = options.run ?? runCommand;
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    timeoutMs: 600_000,
  });
  if (install.code !== 0) throw failed('npm install', install);
  const build = await run('npm', ['run', 'build'], { cwd: dir, timeoutMs: 300_000 });
  if (build.code !== 0) throw failed('npm run build', build);
  const env = options.env ?? process.env;
  const declared: Record<string, string> = {};
  for (const name of await declaredNames(dir)) {
    const value = env[name];
    if (value !== undefined) declared[name] = value;
  }
  return {
    name: input.name,
    kind: 'stdio',
    command: process.execPath,
    args: [join(dir, 'dist', 'index.cjs')],
    env: declared,
    cwd: dir,
  };
}

/** The harness target of a configured server. */
export function targetOf(spec: ServerSpec): Target {
  return spec.kind === 'http'
    ? { kind: 'http', url: spec.url, headers: { ...spec.headers } }
    : {
        kind: 'stdio',
        command: spec.command,
        args: [...spec.args],
        env: { ...spec.env },
        ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
      };
}

/** `create_server` and `test_server` over `gateway`. */
export function factoryTools(gateway: Gateway, options: FactoryToolsOptions): ToolDefinition[] {
  return [
    defineTool({
      name: 'create_server',
      description: 'Generate, install and build a new server from a factory template; then test_server, call_tool.',
      input: z.object({
        template: z.string().min(1).max(64).describe('Template: api or everything'),
        provider: z.string().min(1).max(64).optional().describe('api template provider, e.g. rest, openai'),
        name: z.string().min(1).max(64).describe('New server name'),
      }),
      timeoutMs: 900_000,
      async run({ template, provider, name }) {
        const spec = await guarded(() => createProject({ template, provider, name }, options));
        gateway.addServer(spec);
        return JSON.stringify({
          server: name,
          dir: spec.cwd,
          template,
          ...(provider === undefined ? {} : { provider }),
        });
      },
    }),
    defineTool({
      name: 'test_server',
      description: 'Black-box test a server (lifecycle, listings, error codes); returns failures.',
      input: z.object({ name: z.string().min(1).describe('Server name') }),
      timeoutMs: 300_000,
      async run({ name }) {
        const spec = await guarded(async () => gateway.downstream(name).spec);
        const report = await runHarness(targetOf(spec), { only: TEST_GROUPS });
        const counts = totals(report);
        const problems = report.results
          .filter((result) => effectiveStatus(result) === 'fail' || effectiveStatus(result) === 'warn')
          .map((result) => ({ check: result.id, status: effectiveStatus(result), reason: result.reason }));
        return JSON.stringify({ server: name, passed: counts.fail === 0, totals: counts, problems });
      },
    }),
  ];
}
