/**
 * @mcp-factory/gateway.
 *
 * @module
 */
export {};
