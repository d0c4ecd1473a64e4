/**
 * Tool-definition pinning. A tool's canonical definition is its name, description, inputSchema and
 * annotations as JSON with object keys sorted at every level; its hash is the sha256 of that text.
 * Comparing a fresh listing with the pinned hashes yields the changes a "rug pull" detection needs,
 * and {@link lineDiff} renders a changed definition readably.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** The fields of a tool that make up its definition (what a model sees). */
export interface ToolDefinitionLike {
  name: string;
  description?: string | undefined;
  inputSchema?: unknown;
  annotations?: unknown;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The canonical definition as pretty JSON with sorted keys (stable across key order). */
export function canonicalTool(tool: ToolDefinitionLike): string {
  return JSON.stringify(
    sortKeys({
      name: tool.name,
      description: tool.description ?? null,
      inputSchema: tool.inputSchema ?? null,
      annotations: tool.annotations ?? null,
    }),
    null,
    2,
  );
}

/** `sha256:<hex>` of {@link canonicalTool}. */
export function hashTool(tool: ToolDefinitionLike): string {
  return `sha256:${createHash('sha256').update(canonicalTool(tool)).digest('hex')}`;
}

/** One difference between pinned and current tools. */
export interface PinDifference {
  tool: string;
  kind: 'changed' | 'added' | 'removed';
}

/** Differences between pinned hashes and the current ones (by tool name), sorted by name. */
export function comparePins(
  pinned: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
): PinDifference[] {
  const differences: PinDifference[] = [];
  for (const [tool, hash] of Object.entries(current)) {
    const before = pinned[tool];
    if (before === undefined) differences.push({ tool, kind: 'added' });
    else if (before !== hash) differences.push({ tool, kind: 'changed' });
  }
  for (const tool of Object.keys(pinned)) {
    if (current[tool] === undefined) differences.push({ tool, kind: 'removed' });
  }
  return differences.sort((a, b) => a.tool.localeCompare(b.tool));
}

/**
 * A line diff of two texts (longest common subsequence): unchanged lines start with two spaces,
 * removed ones with `- `, added ones with `+ `.
 */
export function lineDiff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // lengths[i * width + j]: length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  const at = (i: number, j: number): number => lengths[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(`  ${a[i] ?? ''}`);
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      out.push(`- ${a[i] ?? ''}`);
      i++;
    } else {
      out.push(`+ ${b[j] ?? ''}`);
      j++;
    }
  }
  for (; i < a.length; i++) out.push(`- ${a[i] ?? ''}`);
  for (; j < b.length; j++) out.push(`+ ${b[j] ?? ''}`);
  return out.join('\n');
}
