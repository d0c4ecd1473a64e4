/**
 * The gateway commands.
 *
 * @module
 */
import type { CommandTable } from '../command.js';

/** Commands by name. */
export const GATEWAY_COMMANDS: CommandTable = {};
