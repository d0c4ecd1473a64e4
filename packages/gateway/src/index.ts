/**
 * @mcp-factory/gateway.
 *
 * @module
 */

// dev
export { runDev, type DevOptions, type DevSession } from './dev/run-dev.js';
export { DevProxy, type DevProxyOptions, type ReloadReport, type ReloadReason } from './dev/proxy.js';
export { DevError, RELOADING_ERROR_CODE, type DevErrorCode } from './dev/errors.js';
export { childCommand, type ChildCommand, type ChildSource } from './dev/child-command.js';
export { RELOAD_TOOL_NAME } from './dev/meta-tool.js';
export { diffLists, describeChanges, type ListChanges, type ListSnapshot } from './dev/list-diff.js';
