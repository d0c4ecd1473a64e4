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
