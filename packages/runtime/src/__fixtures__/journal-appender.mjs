// A process that appends to a journal under load, for the crash test in
// ../journal/crash.test.ts. It imports the journal's source: the test bundles this file with
// esbuild (dependencies left external) into a temporary folder inside the repository.
//
// Usage: node journal-appender.mjs <dir> <maxSegmentBytes>
// Prints one JSON line describing what recovery found, then each acknowledged sequence number on
// its own line, forever (until killed).
import process from 'node:process';

import { openJournal } from '../journal/journal.js';
import { createLogger } from '../logger.js';

const [dir, maxSegmentBytes] = process.argv.slice(2);
const journal = openJournal({
  dir,
  fsync: 'always',
  maxSegmentBytes: Number(maxSegmentBytes),
  retainSegments: 0,
  metrics: false,
  logger: createLogger({ level: 'silent' }),
});
const { recovery } = journal;
process.stdout.write(
  `${JSON.stringify({
    lastSeq: recovery.lastSeq,
    droppedBytes: recovery.droppedBytes,
    dropped: recovery.dropped,
    corrupt: recovery.corrupt,
    quarantine: recovery.quarantine ?? null,
  })}\n`,
);

let next = 0;
async function appender(worker) {
  for (;;) {
    const n = next++;
    // Records of varied sizes, so kills land in the middle of lines of any length.
    const seq = await journal.append({
      method: 'tools/call',
      name: 'load',
      requestId: `w${worker}-${n}`,
      durationMs: n % 100,
      status: n % 7 === 0 ? 'error' : 'ok',
      args: { pad: 'x'.repeat((n * 37) % 900) },
    });
    process.stdout.write(`${seq}\n`);
  }
}
for (let worker = 0; worker < 8; worker++) void appender(worker);
