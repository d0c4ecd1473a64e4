/**
 * Token size of a listing as a model would see it (cl100k, via js-tiktoken).
 *
 * @module
 */
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';

let encoder: Tiktoken | undefined;

/** cl100k tokens of `value` serialised as compact JSON. */
export function countTokens(value: unknown): number {
  encoder ??= new Tiktoken(cl100k);
  return encoder.encode(JSON.stringify(value)).length;
}
