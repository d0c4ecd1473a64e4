/**
 * `mcp-factory add`: registers a server by hand — a stdio command after `--`, or a Streamable HTTP
 * URL with headers whose values come from variables. Only names are stored, never values.
 *
 * @module
 */
import { resolve as resolvePath } from 'node:path';

import { headerEnvName, validateName, type NewEntry } from '@mcp-factory/registry';
import { isSecretQueryKey } from '@mcp-factory/runtime';

import { CliError } from '../errors.js';
import { catalogOf, command, one } from './registry-shared.js';

/** The `add` command. */
export const add = command('add', {
  synopsis: 'add <name> (-- <command…> | --url <url>)',
  summary: 'register a server by hand (stdio command or Streamable HTTP URL)',
  usage: `Options:
  --url <url>           a Streamable HTTP server
  --header NAME[=VAR]   a header whose value comes from $VAR at connection time (default VAR: NAME
                        uppercased, e.g. X-Api-Key → X_API_KEY); repeatable
  --env NAME            an environment variable passed to a stdio server when set; repeatable
  --secret NAME         like --env, but required and secret; repeatable
  --cwd <dir>           working directory of a stdio server
  --description <text>
  --project             store in ./.mcp-factory/registry.json instead of the user registry
  --replace             replace an existing entry of that name
Values are never stored, only names.
`,
  flags: {
    booleans: ['project', 'replace'],
    values: ['url', 'cwd', 'description'],
    lists: ['header', 'env', 'secret'],
  },
  async run(args, { io }) {
    const name = validateName(one(args, 'name', 'add'));
    const url = args.values.get('url');
    const command = args.rest ?? [];
    if ((url === undefined) === (command.length === 0)) {
      throw new CliError('add: give either `-- <command> [args…]` or `--url <url>` (exactly one).');
    }
    if (command.length > 0 && (command[0] ?? '').trim() === '')
      throw new CliError('add: the command after `--` is empty; give the program to run, e.g. `-- node server.js`.');
    const envNames = [...(args.lists.get('env') ?? []), ...(args.lists.get('secret') ?? [])];
    for (const flag of ['env', 'secret'] as const) {
      for (const variable of args.lists.get(flag) ?? []) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
          throw new CliError(
            `add: --${flag} ${JSON.stringify(variable)} is not a variable name (values are never stored).`,
          );
      }
    }
    const secrets = new Set(args.lists.get('secret') ?? []);
    const config: NewEntry['config'] = envNames.map((variable) => ({
      name: variable,
      required: secrets.has(variable),
      secret: secrets.has(variable),
    }));
    let transport: NewEntry['transports'][number];
    if (url !== undefined) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new CliError(`add: --url ${JSON.stringify(url)} is not a URL.`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new CliError('add: --url must be http(s).');
      // The registry keeps names, never values: a credential in the URL would be stored, listed and exported.
      if (parsed.username !== '' || parsed.password !== '')
        throw new CliError(
          'add: --url carries credentials (user:password@); the registry stores no secrets. Pass them in a header instead: --header Authorization=VAR.',
        );
      const secretParams = [...parsed.searchParams.keys()].filter((key) => isSecretQueryKey(key));
      if (secretParams.length > 0)
        throw new CliError(
          `add: --url carries a credential in its query (${secretParams.join(', ')}); the registry stores no secrets. Pass it in a header instead: --header NAME=VAR.`,
        );
      const headers = (args.lists.get('header') ?? []).map((spec) => {
        const [header = '', variable = headerEnvName(header)] = spec.split('=', 2);
        if (!/^[A-Za-z0-9-]+$/.test(header) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
          throw new CliError(`add: --header expects NAME or NAME=VARIABLE, got ${JSON.stringify(spec)}.`);
        }
        return { name: header, env: variable };
      });
      for (const header of headers)
        config.push({
          name: header.env,
          description: `value of the ${header.name} header`,
          required: true,
          secret: true,
        });
      transport = { type: 'http', url, headers };
    } else {
      const [program = '', ...programArgs] = command;
      const cwd = args.values.get('cwd');
      transport = {
        type: 'stdio',
        command: program,
        args: programArgs,
        env: envNames,
        ...(cwd === undefined ? {} : { cwd: resolvePath(io.cwd, cwd) }),
      };
    }
    const description = args.values.get('description');
    const entry = await catalogOf(io).add(
      {
        name,
        ...(description === undefined ? {} : { description }),
        transports: [transport],
        origin: { source: 'manual' },
        config,
      },
      { scope: args.booleans.has('project') ? 'project' : 'user', replace: args.booleans.has('replace') },
    );
    io.out(`Added ${entry.name} to the ${entry.scope} registry. Next: mcp-factory inspect ${entry.name}\n`);
    return 0;
  },
});
