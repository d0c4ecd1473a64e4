/**
 * The dev commands.
 *
 * @module
 */
import type { CommandTable } from '../command.js';

/** Commands by name. */
export const DEV_COMMANDS: CommandTable = {};
