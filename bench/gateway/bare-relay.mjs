// The least a stdio proxy process can do: spawn `argv` (in this process's session) and copy bytes,
// stdin → child's stdin and child's stdout → stdout, with no parsing at all. The bench runs it as a
// reference row: the cost of one more process and two more pipe hops per call, the floor under any
// proxy's added latency and CPU.
import { spawn } from 'node:child_process';
import process from 'node:process';

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
child.stdin.on('error', () => undefined);
child.once('exit', (code) => process.exit(code ?? 1));
