/**
 * @mcp-factory/registry.
 *
 * @module
 */
export {};
