import { describe, expect, it } from 'vitest';

import { peekServerFrame, reportsToolError, splitLines, withId } from './frames.js';

describe('splitLines', () => {
  it('keeps an incomplete last line for the next chunk', () => {
    expect(splitLines('a\nb\nc')).toEqual({ lines: ['a', 'b'], rest: 'c' });
    expect(splitLines('partial')).toEqual({ lines: [], rest: 'partial' });
    expect(splitLines('x\n')).toEqual({ lines: ['x'], rest: '' });
  });
});

describe('peekServerFrame', () => {
  it('reads the id of an SDK-shaped response without parsing, and splices a new one in', () => {
    const line = '{"result":{"content":[{"type":"text","text":"\\"id\\":9}"}]},"jsonrpc":"2.0","id":17}';
    const frame = peekServerFrame(line);
    expect(frame).toMatchObject({ kind: 'response', id: 17, error: false });
    if (frame.kind !== 'response') throw new Error('not a response');
    expect(JSON.parse(withId(line, frame, 'client-1'))).toEqual({ ...JSON.parse(line), id: 'client-1' });
  });

  it('reads ids written first, string ids, and error responses', () => {
    const head = peekServerFrame('{"jsonrpc":"2.0","id":"a\\"b","error":{"code":-32601,"message":"nope"}}');
    expect(head).toMatchObject({ kind: 'response', id: 'a"b', error: true });
    const tail = peekServerFrame('{"error":{"code":1,"message":"x"},"jsonrpc":"2.0","id":3}');
    expect(tail).toMatchObject({ kind: 'response', id: 3, error: true });
  });

  it('tells notifications, server requests, batches and garbage apart', () => {
    expect(peekServerFrame('{"method":"notifications/progress","params":{},"jsonrpc":"2.0"}')).toEqual({
      kind: 'other',
    });
    expect(peekServerFrame('{"method":"sampling/createMessage","params":{},"jsonrpc":"2.0","id":0}')).toEqual({
      kind: 'other',
    });
    expect(peekServerFrame('[{"jsonrpc":"2.0","id":1,"result":{}}]')).toEqual({ kind: 'batch' });
    expect(peekServerFrame('not json')).toEqual({ kind: 'invalid' });
  });

  it('parses an unusual key order and still finds the id', () => {
    const frame = peekServerFrame('{"id":5,"jsonrpc":"2.0","result":{}}');
    expect(frame).toMatchObject({ kind: 'response', id: 5, idStart: -1 });
    if (frame.kind !== 'response') throw new Error('not a response');
    expect(JSON.parse(withId('{"id":5,"jsonrpc":"2.0","result":{}}', frame, 8))).toEqual({
      id: 8,
      jsonrpc: '2.0',
      result: {},
    });
  });
});

describe('reportsToolError', () => {
  it('sees the isError key, not the same words inside a string', () => {
    expect(reportsToolError('{"result":{"content":[],"isError":true},"jsonrpc":"2.0","id":1}')).toBe(true);
    expect(reportsToolError('{"result":{"content":[{"type":"text","text":"\\"isError\\":true"}]},"id":1}')).toBe(false);
  });
});
