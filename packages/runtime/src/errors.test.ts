import { describe, expect, test } from 'vitest';

import {
  CancelledError,
  ConfigError,
  ErrorCode,
  InvalidParamsError,
  McpFactoryError,
  RPC_CODES,
  ResourceNotFoundError,
  TimeoutError,
  ToolError,
  UnauthorizedError,
  isMcpFactoryError,
} from './errors.js';

describe('RPC_CODES', () => {
  test('maps every ErrorCode to its JSON-RPC code', () => {
    expect(RPC_CODES).toEqual({
      [ErrorCode.ParseError]: -32700,
      [ErrorCode.InvalidRequest]: -32600,
      [ErrorCode.MethodNotFound]: -32601,
      [ErrorCode.InvalidParams]: -32602,
      [ErrorCode.Internal]: -32603,
      [ErrorCode.Timeout]: -32001,
      [ErrorCode.ResourceNotFound]: -32002,
      [ErrorCode.Unauthorized]: -32003,
      [ErrorCode.Cancelled]: -32004,
      [ErrorCode.ToolFailed]: -32603,
      [ErrorCode.InvalidConfig]: -32603,
    });
  });

  test('has an entry for every code and only for codes', () => {
    expect(Object.keys(RPC_CODES).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  test('keeps the runtime’s own codes in the implementation-defined server range', () => {
    for (const code of [ErrorCode.Timeout, ErrorCode.ResourceNotFound, ErrorCode.Unauthorized, ErrorCode.Cancelled]) {
      expect(RPC_CODES[code]).toBeGreaterThanOrEqual(-32099);
      expect(RPC_CODES[code]).toBeLessThanOrEqual(-32000);
    }
  });
});

describe('error classes', () => {
  test.each([
    [new ToolError('t'), ErrorCode.ToolFailed, 'ToolError', -32603],
    [new InvalidParamsError('p'), ErrorCode.InvalidParams, 'InvalidParamsError', -32602],
    [new TimeoutError('slow'), ErrorCode.Timeout, 'TimeoutError', -32001],
    [new ResourceNotFoundError('notes://1'), ErrorCode.ResourceNotFound, 'ResourceNotFoundError', -32002],
    [new UnauthorizedError(), ErrorCode.Unauthorized, 'UnauthorizedError', -32003],
    [new CancelledError(), ErrorCode.Cancelled, 'CancelledError', -32004],
    [new ConfigError('bad'), ErrorCode.InvalidConfig, 'ConfigError', -32603],
  ])('%s carries code, name and rpcCode', (error, code, name, rpcCode) => {
    expect(error).toBeInstanceOf(McpFactoryError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.rpcCode).toBe(rpcCode);
  });

  test('ResourceNotFoundError names the URI in its message and data', () => {
    const error = new ResourceNotFoundError('notes://42');
    expect(error.message).toBe('Resource not found: notes://42');
    expect(error.data).toEqual({ uri: 'notes://42' });
  });

  test('UnauthorizedError and CancelledError have default messages', () => {
    expect(new UnauthorizedError().message).toBe('Unauthorized');
    expect(new CancelledError().message).toBe('Request cancelled');
  });

  test('toJsonRpc includes data only when there is some', () => {
    expect(new ToolError('no data').toJsonRpc()).toEqual({ code: -32603, message: 'no data' });
    expect(new TimeoutError('late', { data: { timeoutMs: 5 } }).toJsonRpc()).toEqual({
      code: -32001,
      message: 'late',
      data: { timeoutMs: 5 },
    });
  });

  test('keeps the cause for logs without putting it in the JSON-RPC error', () => {
    const cause = new Error('database password is hunter2');
    const error = new McpFactoryError(ErrorCode.Internal, 'failed', { cause });
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(error.toJsonRpc())).not.toContain('hunter2');
  });

  test('has no cause property when none is given', () => {
    expect('cause' in new ToolError('x')).toBe(false);
  });
});

describe('isMcpFactoryError', () => {
  test('recognizes instances and subclasses', () => {
    expect(isMcpFactoryError(new ToolError('x'))).toBe(true);
    expect(isMcpFactoryError(new McpFactoryError(ErrorCode.Internal, 'x'))).toBe(true);
  });

  test('recognizes an error from another bundled copy of the runtime by its shape', () => {
    const foreign = { code: 'TIMEOUT', message: 'late', toJsonRpc: () => ({ code: -32001, message: 'late' }) };
    expect(isMcpFactoryError(foreign)).toBe(true);
  });

  test('rejects plain errors, unknown codes and non-objects', () => {
    expect(isMcpFactoryError(new Error('x'))).toBe(false);
    expect(isMcpFactoryError(Object.assign(new Error('x'), { code: 'ECONNRESET', toJsonRpc: () => ({}) }))).toBe(false);
    expect(isMcpFactoryError({ code: 'TIMEOUT' })).toBe(false);
    expect(isMcpFactoryError(null)).toBe(false);
    expect(isMcpFactoryError('TIMEOUT')).toBe(false);
  });
});
