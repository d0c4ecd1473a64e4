// Unit level: the inlined media samples are valid files of their declared type.
import { describe, expect, it } from 'vitest';

import { RED_PIXEL_PNG, redPixelBytes, toneWav } from '../../src/media.js';

describe('media', () => {
  it('the PNG is a 1x1 image', () => {
    const png = redPixelBytes();
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const header = Buffer.from(png.buffer, png.byteOffset + 16, 8);
    expect([header.readUInt32BE(0), header.readUInt32BE(4)]).toEqual([1, 1]);
    expect(Buffer.from(png).toString('base64')).toBe(RED_PIXEL_PNG);
  });

  it('the WAV holds mono 8-bit PCM at 8 kHz for the requested duration', () => {
    const wav = Buffer.from(toneWav(250), 'base64');
    expect(wav.subarray(12, 16).toString('ascii')).toBe('fmt ');
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(34)).toBe(8);
    expect(wav.readUInt32LE(40)).toBe(2000);
    expect(wav.length).toBe(44 + 2000);
  });
});
