import { describe, expect, test } from 'vitest';

import { CallAbort } from './call-abort.js';

describe('CallAbort', () => {
  test('aborts without ever making a controller, and tells its listeners once', () => {
    const abort = new CallAbort();
    const heard: unknown[] = [];
    abort.onAbort((reason) => heard.push(reason));
    const reason = new Error('stop');
    abort.abort(reason);
    abort.abort(new Error('again'));
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe(reason);
    expect(heard).toEqual([reason]);
    // A listener added after the abort hears it at once.
    abort.onAbort((late) => heard.push(late));
    expect(heard).toEqual([reason, reason]);
  });

  test('a signal read after the abort is already aborted with the same reason', () => {
    const abort = new CallAbort();
    const reason = new Error('late reader');
    abort.abort(reason);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(reason);
  });

  test('a signal read before the abort aborts with it', () => {
    const abort = new CallAbort();
    const signal = abort.signal;
    expect(signal.aborted).toBe(false);
    abort.abort('why');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('why');
  });

  test('aborting the controller directly aborts the call and tells its listeners', () => {
    const abort = new CallAbort();
    const heard: unknown[] = [];
    abort.onAbort((reason) => heard.push(reason));
    abort.controller.abort('direct');
    expect(abort.aborted).toBe(true);
    expect(heard).toEqual(['direct']);
  });

  test('an abort without a reason gives an AbortError, like AbortController', () => {
    const abort = new CallAbort();
    abort.abort();
    expect(abort.reason).toBeInstanceOf(DOMException);
    expect((abort.reason as DOMException).name).toBe('AbortError');
  });
});
