/**
 * @mcp-factory/harness.
 *
 * @module
 */
export {};
