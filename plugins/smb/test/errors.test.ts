import t from 'tap';
import { ERROR_CODES, isStowageError, StowageError } from '@stowage/core';
import { mapSmbError, NT_STATUS, NT_STATUS_ERRORS, TRANSPORT_ERRORS } from '../src/index.js';
import { hasStatus, SmbError } from '../src/wire/smb-error.js';

const context = { backend: 'smb', operation: 'read' as const, path: 'a/b' };

t.test('every row of the NT status table maps to its code', async (t) => {
  for (const [name, mapping] of Object.entries(NT_STATUS_ERRORS)) {
    const status = NT_STATUS[name as keyof typeof NT_STATUS];
    t.type(status, 'number', `${name} has a value`);
    const error = mapSmbError(new SmbError('status', 'refused', { status }), context);
    t.equal(error.code, mapping.code, name);
    t.equal(error.retryable, mapping.retryable ?? ERROR_CODES[mapping.code].retryable, `${name} retryable`);
    t.equal(error.retryAfterMs, mapping.retryAfterMs, `${name} retry hint`);
    t.same(error.context, context);
    t.ok(error.message.includes(name), 'the message names the status');
    t.equal((error.cause as SmbError).status, status, 'the cause keeps the status');
  }
});

t.test('transient conditions are retryable, deterministic ones are not', async (t) => {
  const retryable = ['NT_STATUS_SHARING_VIOLATION', 'NT_STATUS_NETWORK_NAME_DELETED', 'NT_STATUS_INSUFF_SERVER_RESOURCES', 'NT_STATUS_IO_TIMEOUT'];
  for (const name of retryable) t.ok(mapSmbError(new SmbError('status', 'x', { status: NT_STATUS[name as keyof typeof NT_STATUS] }), {}).retryable, name);
  const final = ['NT_STATUS_OBJECT_NAME_NOT_FOUND', 'NT_STATUS_ACCESS_DENIED', 'NT_STATUS_LOGON_FAILURE', 'NT_STATUS_DISK_FULL', 'NT_STATUS_OBJECT_NAME_INVALID'];
  for (const name of final) t.notOk(mapSmbError(new SmbError('status', 'x', { status: NT_STATUS[name as keyof typeof NT_STATUS] }), {}).retryable, name);
});

t.test('statuses missing from the table are I/O errors', async (t) => {
  const error = mapSmbError(new SmbError('status', 'x', { status: 0xc0de_0001 }), context);
  t.equal(error.code, 'STOWAGE_IO');
  t.ok(error.message.includes('NT_STATUS_0xC0DE0001'));
});

t.test('transport failures: disconnected and protocol are unavailable, timeouts time out', async (t) => {
  for (const kind of ['disconnected', 'timeout', 'protocol'] as const) {
    const error = mapSmbError(new SmbError(kind, 'gone'), context);
    t.equal(error.code, TRANSPORT_ERRORS[kind].code, kind);
    t.ok(error.retryable, `${kind} is retryable`);
  }
});

t.test('overrides, pass-through and unexpected failures', async (t) => {
  const below = new SmbError('status', 'x', { status: NT_STATUS.NT_STATUS_NOT_A_DIRECTORY });
  t.equal(mapSmbError(below, context).code, 'STOWAGE_NOT_A_DIRECTORY');
  t.equal(mapSmbError(below, context, { NT_STATUS_NOT_A_DIRECTORY: 'STOWAGE_NOT_FOUND' }).code, 'STOWAGE_NOT_FOUND');
  const original = new StowageError('STOWAGE_BUSY', 'busy', { context: { path: 'inner' } });
  const passed = mapSmbError(original, context);
  t.equal(passed.code, 'STOWAGE_BUSY');
  t.equal(passed.context.path, 'inner', 'the innermost context wins');
  t.equal(passed.context.backend, 'smb');
  const unexpected = mapSmbError(new Error('bug'), context);
  t.ok(isStowageError(unexpected, 'STOWAGE_INTERNAL'));
  t.ok(hasStatus(below, 'NT_STATUS_NOT_A_DIRECTORY'));
  t.notOk(hasStatus(new Error('x'), 'NT_STATUS_NOT_A_DIRECTORY'));
  t.notOk(hasStatus(new SmbError('timeout', 'x'), 'NT_STATUS_NOT_A_DIRECTORY'));
});
