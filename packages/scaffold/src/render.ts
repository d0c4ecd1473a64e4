/**
 * Renders a new project from a template: copy the template (a real project), apply the preset
 * overlay, rename dotfiles, replace the name token, adjust `package.json`, vendor the runtime and
 * write `.mcp-factory.json`. Rendering happens in a staging folder next to the target and is moved
 * into place at the end, so a failure leaves the target untouched.
 *
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

import { ScaffoldError, ScaffoldErrorCode } from './errors.js';
import { assertValidName } from './name.js';
import { RECORD_FILE, serializeRecord, type ProjectRecord } from './record.js';
import { packRuntime, runtimeVersion } from './runtime-package.js';
import { resolveAnswers, type Template } from './templates.js';

/** How the project depends on the runtime. */
export type RuntimeSource =
  /** Pack this factory's runtime into `vendor/` (default): self-contained, installs offline from the npm cache. */
  | { kind: 'vendor' }
  /** Depend on a runtime folder through `file:` (for developing the runtime itself). */
  | { kind: 'link'; dir: string }
  /** Leave the dependency as the template has it (tests of rendering alone). */
  | { kind: 'keep' };

/** Options of {@link renderProject}. */
export interface RenderOptions {
  template: Template;
  /** Project name: npm package name, bin name and server name. */
  name: string;
  /** Folder to create; defaults to `./<name>`. */
  targetDir?: string;
  /** Answers to the template's options (e.g. `{ provider: 'openai' }`); defaults fill the rest. */
  answers?: Readonly<Record<string, string | undefined>>;
  /** One-line description for `package.json`; defaults to the preset's or the template's. */
  description?: string;
  /** Render into an existing non-empty folder, overwriting files of the same name. */
  force?: boolean;
  runtime?: RuntimeSource;
  /** Recorded in `.mcp-factory.json`. */
  factoryVersion: string;
  /** Recorded creation time; default now. */
  now?: Date;
}

/** What {@link renderProject} did. */
export interface RenderResult {
  readonly targetDir: string;
  /** Files written, relative to the target, sorted. */
  readonly files: readonly string[];
  readonly record: ProjectRecord;
  /** The dependency spec written for `@mcp-factory/runtime`. */
  readonly runtimeSpec: string;
}

const TEXT_SNIFF_BYTES = 8000;

function isExcluded(path: string, exclude: readonly string[]): boolean {
  return exclude.some((entry) => path === entry || path.startsWith(`${entry}/`));
}

/** Relative paths of the files under `root` (posix separators), skipping excluded ones and symlinks. */
async function listFiles(root: string, exclude: readonly string[] = []): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split(sep).join('/');
      if (isExcluded(rel, exclude)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(rel);
    }
  };
  await walk(root);
  return files.sort();
}

async function copyInto(fromRoot: string, files: readonly string[], toRoot: string): Promise<void> {
  for (const file of files) {
    const target = join(toRoot, file);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(fromRoot, file), target);
    await chmod(target, (await stat(join(fromRoot, file))).mode & 0o777);
  }
}

function isText(content: Buffer): boolean {
  return !content.subarray(0, TEXT_SNIFF_BYTES).includes(0);
}

async function checkTarget(targetDir: string, force: boolean): Promise<'missing' | 'existing'> {
  let info;
  try {
    info = await lstat(targetDir);
  } catch {
    return 'missing';
  }
  if (!info.isDirectory()) {
    throw new ScaffoldError(ScaffoldErrorCode.TargetNotDirectory, `${targetDir} exists and is not a folder.`, {
      targetDir,
    });
  }
  const entries = await readdir(targetDir);
  if (entries.length > 0 && !force) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
    throw new ScaffoldError(
      ScaffoldErrorCode.TargetNotEmpty,
      `${targetDir} is not empty (${shown}). Choose another name or --dir, or pass --force to write into it.`,
      { targetDir, entries },
    );
  }
  return 'existing';
}

function editPackageJson(
  text: string,
  edits: {
    version: string;
    description: string | undefined;
    fields: Readonly<Record<string, unknown>>;
    runtimeSpec: string | undefined;
  },
): string {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  Object.assign(pkg, edits.fields);
  pkg.version = edits.version;
  if (edits.description !== undefined) pkg.description = edits.description;
  delete pkg.private;
  if (edits.runtimeSpec !== undefined) {
    const dependencies = (pkg.dependencies ?? {}) as Record<string, string>;
    dependencies['@mcp-factory/runtime'] = edits.runtimeSpec;
    pkg.dependencies = dependencies;
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function sha256(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/**
 * Renders `template` into a new project. Throws `INVALID_NAME`, `INVALID_ANSWER`,
 * `TARGET_NOT_EMPTY`, `TARGET_NOT_DIRECTORY` or `RUNTIME_PACK_FAILED` before anything is written to
 * the target.
 */
export async function renderProject(options: RenderOptions): Promise<RenderResult> {
  const { template, name } = options;
  assertValidName(name);
  const answers = resolveAnswers(template, options.answers ?? {});
  const targetDir = resolve(options.targetDir ?? name);
  const targetState = await checkTarget(targetDir, options.force === true);
  const presetName = template.presetOption === undefined ? undefined : answers[template.presetOption];
  const preset = presetName === undefined ? undefined : template.presets.get(presetName);

  await mkdir(dirname(targetDir), { recursive: true });
  // A plain mkdir (not mkdtemp, which makes it private) so the project gets the usual permissions.
  const staging = join(dirname(targetDir), `.${basename(targetDir)}.rendering-${randomUUID().slice(0, 8)}`);
  await mkdir(staging);
  try {
    await copyInto(template.dir, await listFiles(template.dir, template.exclude), staging);
    if (preset !== undefined) {
      for (const path of preset.remove) await rm(join(staging, path), { recursive: true, force: true });
      const overlay = join(preset.dir, 'files');
      await copyInto(overlay, await listFiles(overlay), staging);
    }
    for (const file of await listFiles(staging)) {
      const renamed = template.rename[basename(file)];
      if (renamed !== undefined) await rename(join(staging, file), join(staging, dirname(file), renamed));
    }

    const runtime = options.runtime ?? { kind: 'vendor' };
    let runtimeSpec: string | undefined;
    if (runtime.kind === 'vendor') {
      await mkdir(join(staging, 'vendor'), { recursive: true });
      runtimeSpec = `file:vendor/${await packRuntime(join(staging, 'vendor'))}`;
    } else if (runtime.kind === 'link') {
      runtimeSpec = `file:${relative(targetDir, runtime.dir).split(sep).join('/')}`;
    }

    const files = (await listFiles(staging)).filter((file) => file !== RECORD_FILE);
    const hashes: Record<string, string> = {};
    for (const file of files) {
      const path = join(staging, file);
      let content = await readFile(path);
      if (isText(content)) {
        let text = content.toString('utf8').replaceAll(template.token, name);
        if (file === 'package.json') {
          const fields = preset?.packageFields ?? {};
          text = editPackageJson(text, { version: '0.1.0', description: options.description, fields, runtimeSpec });
        }
        content = Buffer.from(text, 'utf8');
        await writeFile(path, content);
      }
      hashes[file] = sha256(content);
    }

    const record: ProjectRecord = {
      template: template.name,
      templateVersion: template.version,
      factoryVersion: options.factoryVersion,
      runtimeVersion: await runtimeVersion(),
      answers: { name, ...answers, ...(options.description === undefined ? {} : { description: options.description }) },
      createdAt: (options.now ?? new Date()).toISOString(),
      files: hashes,
    };
    await writeFile(join(staging, RECORD_FILE), serializeRecord(record));

    if (targetState === 'missing') {
      await rename(staging, targetDir);
    } else {
      await copyInto(staging, await listFiles(staging), targetDir);
      await rm(staging, { recursive: true, force: true });
    }
    return { targetDir, files: [...files, RECORD_FILE].sort(), record, runtimeSpec: runtimeSpec ?? 'unchanged' };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
