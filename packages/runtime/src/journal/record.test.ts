import * as zlib from 'node:zlib';

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { checksum, crc32Fallback, decodeRecord, encodeRecord, recordLineBytes, writeRecord } from './record.js';

const BODY = JSON.stringify({ ts: '2026-01-01T00:00:00.000Z', method: 'tools/call', name: 'echo', note: 'é ✓ \u2028' });

describe('the record format', () => {
  test('puts seq first and crc last, the checksum covering the line without its crc field', () => {
    const line = encodeRecord(7, BODY);
    expect(line.endsWith('\n')).toBe(true);
    const text = line.slice(0, -1);
    expect(text.startsWith('{"seq":7,"ts":')).toBe(true);
    const canonical = JSON.stringify({ seq: 7, ...JSON.parse(BODY) });
    expect(text).toBe(`${canonical.slice(0, -1)},"crc":"${checksum(canonical)}"}`);
    expect(checksum(canonical)).toBe(zlib.crc32(Buffer.from(canonical, 'utf8')).toString(16).padStart(8, '0'));
    expect(decodeRecord(text)).toEqual({ ok: true, record: { seq: 7, ...JSON.parse(BODY) } });
  });

  test('rejects a changed byte, a missing checksum, non-records and sequences that do not grow', () => {
    const text = encodeRecord(3, BODY).slice(0, -1);
    expect(decodeRecord(text.replace('echo', 'ecko'))).toEqual({ ok: false, reason: 'checksum mismatch' });
    expect(decodeRecord(BODY)).toEqual({ ok: false, reason: 'no checksum' });
    expect(decodeRecord(text.slice(0, 20))).toEqual({ ok: false, reason: 'no checksum' });
    expect(decodeRecord(encodeRecord(0, BODY).slice(0, -1))).toEqual({ ok: false, reason: 'not a journal record' });
    expect(decodeRecord(text, 3)).toEqual({ ok: false, reason: 'sequence not increasing' });
    expect(decodeRecord(text, 2).ok).toBe(true);
  });

  test('round-trips any JSON body', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.integer({ min: 1, max: 2 ** 40 }), (fields, seq) => {
        const body = JSON.stringify({ ts: 'x', ...fields, seq: undefined, crc: undefined, ts2: 1 });
        const decoded = decodeRecord(encodeRecord(seq, body).slice(0, -1));
        expect(decoded.ok).toBe(true);
      }),
    );
  });

  test('the JavaScript CRC-32 fallback matches zlib', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(crc32Fallback(text)).toBe(zlib.crc32(text));
      }),
      { numRuns: 50 },
    );
    expect(crc32Fallback('hello')).toBe(0x3610a686);
  });
});

describe('writing a record into a buffer', () => {
  test('gives the bytes of encodeRecord, at the length recordLineBytes says', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.integer({ min: 1, max: 2 ** 40 }), (fields, seq) => {
        const body = JSON.stringify({ ts: 'x', ...fields, note: 'é ✓ \u2028' });
        const expected = Buffer.from(encodeRecord(seq, body), 'utf8');
        expect(recordLineBytes(seq, Buffer.byteLength(body))).toBe(expected.length);
        const target = Buffer.alloc(expected.length + 8, 0x2a);
        expect(writeRecord(target, 4, seq, body)).toBe(4 + expected.length);
        expect(target.subarray(4, 4 + expected.length).equals(expected)).toBe(true);
        expect(target.subarray(0, 4).toString()).toBe('****');
      }),
    );
  });
});
