/**
 * Token size of what a server puts in a model's context, with the cl100k_base encoding
 * (js-tiktoken, loaded on first use: the ranks are large).
 *
 * @module
 */
import type { Tiktoken } from 'js-tiktoken/lite';

let encoder: Promise<Tiktoken> | undefined;

async function load(): Promise<Tiktoken> {
  const [{ Tiktoken: TiktokenClass }, ranks] = await Promise.all([
    import('js-tiktoken/lite'),
    import('js-tiktoken/ranks/cl100k_base'),
  ]);
  return new TiktokenClass(ranks.default);
}

/** cl100k_base tokens of `text`. */
export async function countTokens(text: string): Promise<number> {
  encoder ??= load();
  return (await encoder).encode(text).length;
}
