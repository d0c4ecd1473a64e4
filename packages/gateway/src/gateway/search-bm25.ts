/**
 * BM25F scoring for the tool search: documents made of weighted fields, each field's term
 * frequencies normalised by its length, summed with the field weights into one pseudo-frequency
 * per term, then saturated once (k1) and weighted by the term's inverse document frequency.
 * Adjacent terms of a field are also counted as a pair ("bug report"), for phrase matches.
 *
 * @module
 */

/** A field's BM25F weight and length normalisation (0 = none, 1 = full). */
export interface FieldWeight {
  readonly weight: number;
  readonly b: number;
}

/** The key of the pair of adjacent terms `a` and `b`. */
export function pairKey(a: string, b: string): string {
  return `${a} ${b}`;
}

/**
 * The BM25F pseudo-frequencies of one document: `fields` (field → its terms in order), each
 * field's length relative to `averages`, times its weight in `weights`.
 */
export function fieldFrequencies<F extends string>(
  fields: Readonly<Record<F, readonly string[]>>,
  averages: Readonly<Record<F, number>>,
  weights: Readonly<Record<F, FieldWeight>>,
): Map<string, number> {
  const frequencies = new Map<string, number>();
  const add = (term: string, amount: number): void => void frequencies.set(term, (frequencies.get(term) ?? 0) + amount);
  for (const field of Object.keys(weights) as F[]) {
    const { weight, b } = weights[field];
    const terms = fields[field];
    if (weight === 0 || terms.length === 0) continue;
    const amount = weight / (1 - b + (b * terms.length) / Math.max(1, averages[field]));
    terms.forEach((term, i) => {
      add(term, amount);
      const next = terms[i + 1];
      if (next !== undefined) add(pairKey(term, next), amount);
    });
  }
  return frequencies;
}

/** The average length of each field over `docs`. */
export function averageLengths<F extends string>(
  docs: ReadonlyArray<Readonly<Record<F, readonly string[]>>>,
  fields: readonly F[],
): Record<F, number> {
  const averages = {} as Record<F, number>;
  for (const field of fields)
    averages[field] = docs.reduce((sum, doc) => sum + doc[field].length, 0) / Math.max(1, docs.length);
  return averages;
}

/** BM25 over documents given as term → pseudo-frequency maps (see {@link fieldFrequencies}). */
export class Bm25 {
  /** Term → indexes of the documents that hold it. */
  readonly postings = new Map<string, number[]>();

  constructor(
    readonly docs: ReadonlyArray<ReadonlyMap<string, number>>,
    private readonly k1: number,
  ) {
    docs.forEach((doc, index) => {
      for (const term of doc.keys()) {
        let list = this.postings.get(term);
        if (list === undefined) this.postings.set(term, (list = []));
        list.push(index);
      }
    });
  }

  /** Inverse document frequency (the BM25 form, always positive). */
  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    return Math.log(1 + (this.docs.length - df + 0.5) / (df + 0.5));
  }

  /** The score of `term` in document `index`, with `extra` added to its frequency when it occurs. */
  score(term: string, index: number, extra = 0): number {
    const frequency = this.docs[index]?.get(term);
    if (frequency === undefined) return 0;
    return (this.idf(term) * (frequency + extra)) / (this.k1 + frequency + extra);
  }
}
