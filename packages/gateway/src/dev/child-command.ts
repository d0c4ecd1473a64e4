/**
 * How the dev proxy starts a server, as data: a pure function returns the argv and environment,
 * spawning happens in ./child.ts. No shell is involved anywhere, so nothing needs quoting.
 *
 * @module
 */

/** A process to spawn: the executable and its arguments, never a shell string. */
export interface ChildCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Extra file descriptors after stdio (the loader reads its bundle path on fd 3). */
  readonly extraFds: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Where the child's code comes from. */
export type ChildSource =
  /** The proxy's own build: a warm loader started ahead of time, told the bundle on fd 3. */
  | { kind: 'bundle'; loader: string; vendor?: string }
  /** A command of the user's (`mcp-factory dev -- node dist/index.cjs`), restarted as it is. */
  | { kind: 'command'; command: string; args: readonly string[] };

/**
 * The command that starts one child. `execPath` is the Node binary (default the current one).
 * The child always serves stdio, whatever `MCP_TRANSPORT` the user's shell exports.
 */
export function childCommand(
  source: ChildSource,
  env: Readonly<Record<string, string | undefined>>,
  execPath: string = process.execPath,
): ChildCommand {
  const childEnv = { ...env, MCP_TRANSPORT: 'stdio', MCP_FACTORY_DEV: '1' };
  if (source.kind === 'bundle')
    return {
      command: execPath,
      args: source.vendor === undefined ? [source.loader] : [source.loader, source.vendor],
      extraFds: 1,
      env: childEnv,
    };
  return { command: source.command, args: [...source.args], extraFds: 0, env: childEnv };
}

/**
 * The loader a warm child runs (`node loader.cjs [vendor]`): Node has started and, when given one,
 * loaded the vendor bundle (the project's packages) and routed `require` of those packages to it;
 * it waits for one line on fd 3 naming the project bundle (and its vendor, loaded now if it is not
 * the preloaded one), then requires it. When fd 3 closes without a line (the proxy went away or no
 * longer needs the spare), it exits.
 */
export const LOADER_SOURCE = `'use strict';
// Written by mcp-factory dev. A spare server process: Node is already up, and the packages the
// server imports already loaded, when a reload needs it.
const Module = require('node:module');
let vendor = {};
let vendorFile;
const loadVendor = (file) => {
  vendor = require(file).modules;
  vendorFile = file;
};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (Object.prototype.hasOwnProperty.call(vendor, request)) return vendor[request];
  return load.call(this, request, parent, isMain);
};
// The vendor's path is the loader's argument, not the server's: take it off argv.
const preload = process.argv.splice(2, 1)[0];
if (preload !== undefined) loadVendor(preload);
const net = require('node:net');
const control = new net.Socket({ fd: 3, readable: true, writable: false });
control.setEncoding('utf8');
let buffered = '';
let loaded = false;
control.on('data', (chunk) => {
  if (loaded) return;
  buffered += chunk;
  const newline = buffered.indexOf('\\n');
  if (newline === -1) return;
  loaded = true;
  const message = JSON.parse(buffered.slice(0, newline));
  control.destroy();
  if (message.vendor !== undefined && message.vendor !== vendorFile) loadVendor(message.vendor);
  require(message.bundle);
});
control.on('error', () => {
  if (!loaded) process.exit(0);
});
control.on('end', () => {
  if (!loaded) process.exit(0);
});
`;
