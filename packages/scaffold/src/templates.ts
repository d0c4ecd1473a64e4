/**
 * Templates as data: each folder under `templates/` with a `template.json` is a template, and each
 * `presets/<name>/preset.json` in it an overlay for one choice of its preset option.
 *
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { z } from '@mcp-factory/runtime';

import { ScaffoldError, ScaffoldErrorCode } from './errors.js';

/** A safe relative path: no absolute paths, no `..` segments. */
const RelativePath = z
  .string()
  .min(1)
  .refine(
    (path) => !isAbsolute(path) && !normalize(path).split(/[/\\]/).includes('..'),
    'must be a relative path inside the template',
  );

const OptionManifest = z.object({
  message: z.string().min(1),
  default: z.string().min(1),
  choices: z.record(z.string().regex(/^[a-z0-9-]+$/), z.string().min(1)),
});

const TemplateManifest = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  version: z.string().regex(/^\d+\.\d+\.\d+(?:-[\w.]+)?$/, 'must be a semver version'),
  description: z.string().min(1),
  /** The placeholder project name used in the template's files, replaced by the new name. */
  token: z.string().min(3),
  presetOption: z.string().optional(),
  options: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/), OptionManifest).default({}),
  rename: z.record(z.string(), z.string()).default({}),
  exclude: z.array(RelativePath).default([]),
});

const PresetManifest = z.object({
  remove: z.array(RelativePath).default([]),
  package: z.record(z.string(), z.unknown()).default({}),
});

/** One question a template asks, with its allowed answers. */
export interface TemplateOption {
  readonly name: string;
  readonly message: string;
  readonly default: string;
  /** Answer → one-line description. */
  readonly choices: Readonly<Record<string, string>>;
}

/** An overlay applied for one answer of the template's preset option. */
export interface Preset {
  readonly name: string;
  /** The folder whose `files/` is copied over the base. */
  readonly dir: string;
  readonly remove: readonly string[];
  /** Fields shallow-merged into the project's `package.json`. */
  readonly packageFields: Readonly<Record<string, unknown>>;
}

/** A template, loaded and validated. */
export interface Template {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly token: string;
  readonly dir: string;
  readonly options: readonly TemplateOption[];
  readonly presetOption: string | undefined;
  readonly rename: Readonly<Record<string, string>>;
  readonly exclude: readonly string[];
  readonly presets: ReadonlyMap<string, Preset>;
}

/** The `templates/` folder of this repository. */
export function defaultTemplatesRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'templates');
}

function manifestError(file: string, error: unknown): ScaffoldError {
  const detail =
    error instanceof z.ZodError
      ? error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')
      : error instanceof Error
        ? error.message
        : String(error);
  return new ScaffoldError(ScaffoldErrorCode.InvalidManifest, `Invalid ${file}: ${detail}`, { file }, { cause: error });
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw manifestError(file, error);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** Loads `dir/template.json` and the presets it declares. */
export async function loadTemplate(dir: string): Promise<Template> {
  const file = join(dir, 'template.json');
  const parsed = TemplateManifest.safeParse(await readJson(file));
  if (!parsed.success) throw manifestError(file, parsed.error);
  const manifest = parsed.data;
  const options = Object.entries(manifest.options).map(([name, option]) => ({ name, ...option }));
  for (const option of options) {
    if (!(option.default in option.choices)) {
      throw manifestError(
        file,
        new Error(`options.${option.name}.default "${option.default}" is not one of its choices`),
      );
    }
  }
  const presets = new Map<string, Preset>();
  if (manifest.presetOption !== undefined) {
    const option = options.find((candidate) => candidate.name === manifest.presetOption);
    if (option === undefined)
      throw manifestError(file, new Error(`presetOption "${manifest.presetOption}" is not an option`));
    for (const choice of Object.keys(option.choices)) {
      if (choice === option.default) continue; // the base itself is the default preset
      const presetDir = join(dir, 'presets', choice);
      const presetFile = join(presetDir, 'preset.json');
      const preset = PresetManifest.safeParse(await readJson(presetFile));
      if (!preset.success) throw manifestError(presetFile, preset.error);
      if (!(await isDirectory(join(presetDir, 'files'))))
        throw manifestError(presetFile, new Error('the preset has no files/ folder'));
      presets.set(choice, {
        name: choice,
        dir: presetDir,
        remove: preset.data.remove,
        packageFields: preset.data.package,
      });
    }
  }
  return {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    token: manifest.token,
    dir,
    options,
    presetOption: manifest.presetOption,
    rename: manifest.rename,
    exclude: manifest.exclude,
    presets,
  };
}

/** Every template under `root` (folders with a `template.json`), sorted by name. */
export async function listTemplates(root = defaultTemplatesRoot()): Promise<Template[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (error) {
    throw new ScaffoldError(
      ScaffoldErrorCode.UnknownTemplate,
      `No templates folder at ${root}.`,
      { root },
      { cause: error },
    );
  }
  const templates: Template[] = [];
  for (const entry of entries.sort()) {
    const dir = join(root, entry);
    const hasManifest = await stat(join(dir, 'template.json')).then(
      () => true,
      () => false,
    );
    if (hasManifest) templates.push(await loadTemplate(dir));
  }
  return templates;
}

/** The template called `name`; throws `UNKNOWN_TEMPLATE` naming the ones that exist. */
export async function findTemplate(name: string, root = defaultTemplatesRoot()): Promise<Template> {
  const templates = await listTemplates(root);
  const template = templates.find((candidate) => candidate.name === name);
  if (template === undefined) {
    const names = templates.map((candidate) => candidate.name);
    throw new ScaffoldError(
      ScaffoldErrorCode.UnknownTemplate,
      `Unknown template "${name}". Available: ${names.join(', ')}.`,
      {
        name,
        available: names,
      },
    );
  }
  return template;
}

/**
 * Checks `given` against the template's options and fills in defaults. Unknown options and values
 * outside an option's choices throw `INVALID_ANSWER` listing what is allowed.
 */
export function resolveAnswers(
  template: Template,
  given: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const key of Object.keys(given)) {
    if (given[key] !== undefined && !template.options.some((option) => option.name === key)) {
      const known = template.options.map((option) => option.name);
      throw new ScaffoldError(
        ScaffoldErrorCode.InvalidAnswer,
        `Template "${template.name}" has no option "${key}"${known.length === 0 ? '' : ` (it has: ${known.join(', ')})`}.`,
        { option: key, known },
      );
    }
  }
  for (const option of template.options) {
    const value = given[option.name] ?? option.default;
    if (!(value in option.choices)) {
      const choices = Object.keys(option.choices);
      throw new ScaffoldError(
        ScaffoldErrorCode.InvalidAnswer,
        `Invalid ${option.name} "${value}" for template "${template.name}". Choose one of: ${choices.join(', ')}.`,
        { option: option.name, value, choices },
      );
    }
    answers[option.name] = value;
  }
  return answers;
}
