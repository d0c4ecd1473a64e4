/**
 * What changed between two servers' tools, resources and prompts: the proxy compares the lists
 * of the old and the new child after a reload and tells the client about the kinds that differ.
 *
 * @module
 */

/** The kinds of list a server may change. */
export const LIST_KINDS = ['tools', 'resources', 'prompts'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** Items by kind, as the server listed them (each item has a `name`, or a `uri` for resources). */
export type ListSnapshot = Partial<Record<ListKind, readonly Record<string, unknown>[]>>;

/** Changes of one kind, by item key (name, or URI for resources). */
export interface KindChanges {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

/** Changes of every kind that a snapshot holds. */
export type ListChanges = Partial<Record<ListKind, KindChanges>>;

function itemKey(kind: ListKind, item: Record<string, unknown>): string {
  const key = kind === 'resources' ? (item.uri ?? item.name) : item.name;
  return typeof key === 'string' ? key : JSON.stringify(item);
}

/** Stable JSON: object keys sorted, so reordered keys are not a change. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Compares two snapshots; a kind missing from `before` counts every item of `after` as added. */
export function diffLists(before: ListSnapshot | undefined, after: ListSnapshot): ListChanges {
  const changes: ListChanges = {};
  for (const kind of LIST_KINDS) {
    const next = after[kind];
    const previous = before?.[kind];
    if (next === undefined && previous === undefined) continue;
    const old = new Map((previous ?? []).map((item) => [itemKey(kind, item), stableJson(item)]));
    const now = new Map((next ?? []).map((item) => [itemKey(kind, item), stableJson(item)]));
    changes[kind] = {
      added: [...now.keys()].filter((key) => !old.has(key)),
      removed: [...old.keys()].filter((key) => !now.has(key)),
      changed: [...now.keys()].filter((key) => old.has(key) && old.get(key) !== now.get(key)),
    };
  }
  return changes;
}

/** True when a kind has any change. */
export function hasChanges(changes: KindChanges | undefined): boolean {
  return changes !== undefined && changes.added.length + changes.removed.length + changes.changed.length > 0;
}

/** One line per kind: `tools: added a; changed b` or `tools: unchanged`. */
export function describeChanges(changes: ListChanges): string {
  return LIST_KINDS.filter((kind) => changes[kind] !== undefined)
    .map((kind) => {
      const change = changes[kind] as KindChanges;
      if (!hasChanges(change)) return `${kind}: unchanged`;
      const parts = (['added', 'removed', 'changed'] as const)
        .filter((what) => change[what].length > 0)
        .map((what) => `${what} ${change[what].join(', ')}`);
      return `${kind}: ${parts.join('; ')}`;
    })
    .join('\n');
}
