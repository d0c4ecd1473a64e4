/**
 * `mcp-factory new [name]`: scaffolds a server project from a template. Asks for what is missing
 * when run in a terminal; with `--yes` (or without a terminal) uses flags and defaults only.
 *
 * @module
 */
import { relative, resolve } from 'node:path';

import {
  findTemplate,
  listTemplates,
  nameProblems,
  renderProject,
  runCommand,
  type CommandResult,
  type RenderResult,
  type RuntimeSource,
  type Template,
} from '@mcp-factory/scaffold';

import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import type { Prompter } from '../prompter.js';
import { parseStrict } from './strict-args.js';

export const NEW_USAGE = `Usage: mcp-factory new [name] [options]

Creates a new MCP server project from a template.

Options:
  -t, --template <name>      template (default: api; list them with "mcp-factory templates")
  -p, --provider <name>      the api template's provider: rest, openai, anthropic, perplexity, gemini
      --set <option=value>   answer any other template option (repeatable)
  -d, --description <text>   one-line description for package.json
      --dir <path>           folder to create (default: ./<name>)
      --force                write into a non-empty folder
      --install              run npm install in the new project
  -y, --yes                  ask nothing: use flags and defaults
  -h, --help                 show this help
`;

/** Parsed arguments of `new`. */
export interface NewArgs {
  name: string | undefined;
  template: string | undefined;
  answers: Record<string, string>;
  description: string | undefined;
  dir: string | undefined;
  force: boolean;
  install: boolean;
  yes: boolean;
  help: boolean;
}

/** Parses `new`'s argv (after the command name). Throws `CliError` on bad usage. */
export function parseNewArgs(argv: readonly string[]): NewArgs {
  const { values, positionals } = parseStrict('new', argv, {
    template: { type: 'string', short: 't' },
    provider: { type: 'string', short: 'p' },
    set: { type: 'string', multiple: true },
    description: { type: 'string', short: 'd' },
    dir: { type: 'string' },
    force: { type: 'boolean' },
    install: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    help: { type: 'boolean', short: 'h' },
  });
  if (positionals.length > 1) {
    throw new CliError(
      `Too many arguments (${positionals.join(' ')}): give one project name. See "mcp-factory new --help".`,
    );
  }
  const answers: Record<string, string> = {};
  for (const pair of values.set ?? []) {
    const separator = pair.indexOf('=');
    const key = pair.slice(0, separator);
    if (separator <= 0 || !/^[A-Za-z][\w-]*$/.test(key))
      throw new CliError(`--set expects option=value, got ${JSON.stringify(pair)}.`);
    answers[key] = pair.slice(separator + 1);
  }
  if (values.provider !== undefined) {
    if (answers.provider !== undefined && answers.provider !== values.provider)
      throw new CliError(
        `--provider ${values.provider} and --set provider=${answers.provider} disagree; give one. See "mcp-factory new --help".`,
      );
    answers.provider = values.provider;
  }
  return {
    name: positionals[0],
    template: values.template,
    answers,
    description: values.description,
    dir: values.dir,
    force: values.force === true,
    install: values.install === true,
    yes: values.yes === true,
    help: values.help === true,
  };
}

/** What `new` needs besides its arguments. */
export interface NewDeps {
  io: Io;
  prompter: Prompter;
  factoryVersion: string;
  /** Templates folder; default the factory's own. */
  templatesRoot?: string;
  runtime?: RuntimeSource;
}

/** What `new` did. */
export interface NewResult {
  readonly render: RenderResult;
  readonly template: Template;
  /** Path to show in "cd <path>", relative to the current folder when inside it. */
  readonly displayDir: string;
  readonly install: CommandResult | undefined;
}

async function choose(
  args: NewArgs,
  deps: NewDeps,
): Promise<{ name: string; template: Template; answers: Record<string, string>; description: string | undefined }> {
  const ask = deps.io.interactive && !args.yes;
  if (ask) deps.prompter.intro('mcp-factory new');

  let name = args.name;
  if (name === undefined) {
    if (!ask)
      throw new CliError('Missing project name: mcp-factory new <name> [--template api] [--provider rest] --yes');
    name = await deps.prompter.text({
      message: 'Project name (npm package and server name)',
      placeholder: 'weather-server',
      validate: (value) => {
        const problems = nameProblems(value);
        return problems.length === 0 ? undefined : problems.join('; ');
      },
    });
  }
  const problems = nameProblems(name);
  if (problems.length > 0) throw new CliError(`Invalid project name ${JSON.stringify(name)}: ${problems.join('; ')}.`);

  let templateName = args.template;
  if (templateName === undefined) {
    const templates = await listTemplates(deps.templatesRoot);
    templateName =
      ask && templates.length > 1
        ? await deps.prompter.select({
            message: 'Template',
            options: templates.map((template) => ({
              value: template.name,
              label: template.name,
              hint: template.description,
            })),
            initial: 'api',
          })
        : 'api';
  }
  const template = await findTemplate(templateName, deps.templatesRoot);

  const answers = { ...args.answers };
  if (ask) {
    for (const option of template.options) {
      if (answers[option.name] !== undefined) continue;
      answers[option.name] = await deps.prompter.select({
        message: option.message,
        options: Object.entries(option.choices).map(([value, hint]) => ({ value, label: value, hint })),
        initial: option.default,
      });
    }
  }
  let description = args.description;
  if (description === undefined && ask) {
    const typed = await deps.prompter.text({
      message: 'One-line description (optional)',
      placeholder: template.description,
    });
    description = typed.trim() === '' ? undefined : typed.trim();
  }
  return { name, template, answers, description };
}

/** Runs `new`: collects answers, renders the project, optionally installs it. */
export async function runNew(args: NewArgs, deps: NewDeps): Promise<NewResult> {
  const { name, template, answers, description } = await choose(args, deps);
  const targetDir = args.dir ?? name;
  const render = await renderProject({
    template,
    name,
    targetDir: resolve(deps.io.cwd, targetDir),
    answers,
    ...(description === undefined ? {} : { description }),
    force: args.force,
    factoryVersion: deps.factoryVersion,
    ...(deps.runtime === undefined ? {} : { runtime: deps.runtime }),
  });
  const shown = relative(deps.io.cwd, render.targetDir);
  const displayDir = shown === '' ? '.' : shown.startsWith('..') ? render.targetDir : shown;
  let install: CommandResult | undefined;
  if (args.install) {
    deps.io.err(`Installing dependencies in ${displayDir}…\n`);
    install = await runCommand('npm', ['install', '--no-audit', '--no-fund'], { cwd: render.targetDir });
  }
  if (deps.io.interactive && !args.yes) deps.prompter.outro(`Created ${name}`);
  return { render, template, displayDir, install };
}

/** The summary `new` prints. */
export function describeNewResult(result: NewResult): string {
  const { render, template } = result;
  const answers = Object.entries(render.record.answers)
    .filter(([key]) => key !== 'name' && key !== 'description')
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ');
  const lines = [
    `Created ${render.record.answers.name ?? ''} from template ${template.name}@${template.version}${answers === '' ? '' : ` (${answers})`} in ${result.displayDir}`,
    `  ${render.files.length} files; runtime ${render.runtimeSpec.replace(/^file:/, '')}`,
    '',
    'Next:',
    `  cd ${result.displayDir}`,
    ...(result.install?.code === 0 ? [] : ['  npm install']),
    '  npm test     # type-check, build, unit + integration + end-to-end tests',
    '  npm start    # serve over stdio (npm run start:http for Streamable HTTP)',
  ];
  if (result.install !== undefined && result.install.code !== 0) {
    lines.push(
      '',
      `npm install failed (exit ${String(result.install.code)}):`,
      result.install.stderr.trim().split('\n').slice(-10).join('\n'),
    );
  }
  return `${lines.join('\n')}\n`;
}
