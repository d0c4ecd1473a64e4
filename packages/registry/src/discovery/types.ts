/**
 * What every discovery source returns: the servers it found and, per file, why something it
 * looked at could not be used. A source never throws for a broken input; it reports it.
 *
 * @module
 */
import type { NewEntry } from '../catalog.js';

/** A file a source could not use, and why. */
export interface DiscoveryProblem {
  readonly path: string;
  readonly reason: string;
}

/** One source's findings. */
export interface SourceResult {
  readonly servers: NewEntry[];
  readonly problems: DiscoveryProblem[];
}

/** Reads a file as text, or undefined when it does not exist (other errors propagate). */
export type ReadText = (path: string) => Promise<string | undefined>;

/** What probing one place gives: an entry, a problem, or nothing to see there. */
export type Finding = NewEntry | DiscoveryProblem | undefined;

/**
 * Visits each place in order and gathers what `visit` records; an error thrown while visiting a
 * place becomes a problem at that place, and the next one is visited.
 */
export async function scanPlaces<T>(
  places: Iterable<T>,
  pathOf: (place: T) => string,
  visit: (place: T, found: SourceResult) => Promise<void>,
): Promise<SourceResult> {
  const found: SourceResult = { servers: [], problems: [] };
  for (const place of places) {
    try {
      await visit(place, found);
    } catch (error) {
      found.problems.push({ path: pathOf(place), reason: (error as Error).message });
    }
  }
  return found;
}

/** Adds one finding to `found`. */
export function addFinding(found: SourceResult, finding: Finding): void {
  if (finding === undefined) return;
  if ('reason' in finding) found.problems.push(finding);
  else found.servers.push(finding);
}
