/**
 * Interactive questions, behind an interface so that `new` can be tested with scripted answers.
 * The real implementation uses @clack/prompts.
 *
 * @module
 */
import * as clack from '@clack/prompts';

import { CliError } from './errors.js';

/** Asks the user things. Every method throws a `CliError` when the user cancels. */
export interface Prompter {
  intro(title: string): void;
  text(question: {
    message: string;
    placeholder?: string;
    initial?: string;
    validate?: (value: string) => string | undefined;
  }): Promise<string>;
  select(question: {
    message: string;
    options: readonly { value: string; label: string; hint?: string }[];
    initial?: string;
  }): Promise<string>;
  outro(message: string): void;
}

function orCancel(value: string | symbol): string {
  if (typeof value === 'symbol') throw new CliError('Cancelled.');
  return value;
}

/** Prompts on the terminal with @clack/prompts. */
export function clackPrompter(): Prompter {
  return {
    intro: (title) => clack.intro(title),
    outro: (message) => clack.outro(message),
    text: async ({ message, placeholder, initial, validate }) =>
      orCancel(
        await clack.text({
          message,
          ...(placeholder === undefined ? {} : { placeholder }),
          ...(initial === undefined ? {} : { initialValue: initial }),
          ...(validate === undefined ? {} : { validate: (value) => validate(value ?? '') }),
        }),
      ),
    select: async ({ message, options, initial }) =>
      orCancel(
        await clack.select({
          message,
          options: options.map((option) => ({
            value: option.value,
            label: option.label,
            ...(option.hint === undefined ? {} : { hint: option.hint }),
          })),
          ...(initial === undefined ? {} : { initialValue: initial }),
        }),
      ),
  };
}
