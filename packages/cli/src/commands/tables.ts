/**
 * Every table-wired command, grouped by the library it fronts. Each group's module owns its
 * commands; this file only collects them.
 *
 * @module
 */
import type { CommandTable } from '../command.js';
import { DEV_COMMANDS } from './dev-commands.js';
import { GATEWAY_COMMANDS } from './gateway-commands.js';
import { REGISTRY_COMMANDS } from './registry-commands.js';
import { TEST_COMMANDS } from './test-commands.js';

/** All table commands, in the order `--help` lists them. */
export const COMMAND_TABLE: CommandTable = {
  ...REGISTRY_COMMANDS,
  ...TEST_COMMANDS,
  ...DEV_COMMANDS,
  ...GATEWAY_COMMANDS,
};
