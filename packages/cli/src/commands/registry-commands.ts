/**
 * The registry commands.
 *
 * @module
 */
import type { CommandTable } from '../command.js';

/** Commands by name. */
export const REGISTRY_COMMANDS: CommandTable = {};
