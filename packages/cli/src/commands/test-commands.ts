/**
 * The test commands.
 *
 * @module
 */
import type { CommandTable } from '../command.js';

/** Commands by name. */
export const TEST_COMMANDS: CommandTable = {};
