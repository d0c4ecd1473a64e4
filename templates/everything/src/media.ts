/**
 * Tiny media samples for the image and audio content the tools, resources and prompts return:
 * a 1×1 red PNG and a short WAV tone, both small enough to inline.
 */

/** A 1×1 red pixel, PNG, base64 (69 bytes). */
export const RED_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3A0FDAAAAAElFTkSuQmCC';

/** The PNG above as bytes, for binary resources. */
export function redPixelBytes(): Uint8Array {
  return Buffer.from(RED_PIXEL_PNG, 'base64');
}

/**
 * A WAV file (RIFF, PCM, mono, 8-bit, 8 kHz) holding a 440 Hz tone of `durationMs`, base64.
 * Built from its header fields rather than stored, so the format is readable here.
 */
export function toneWav(durationMs = 100): string {
  const sampleRate = 8000;
  const samples = Math.round((sampleRate * durationMs) / 1000);
  const wav = Buffer.alloc(44 + samples);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // size of the fmt chunk
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate, 28); // bytes per second: rate × 1 channel × 1 byte
  wav.writeUInt16LE(1, 32); // block align
  wav.writeUInt16LE(8, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples, 40);
  for (let i = 0; i < samples; i += 1) {
    // 8-bit PCM is unsigned: silence is 128.
    wav.writeUInt8(Math.round(128 + 100 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)), 44 + i);
  }
  return wav.toString('base64');
}
