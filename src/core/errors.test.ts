/**
 * @module The error catalog is complete: every code has a hint for the caller
 * and a wire status, and CoordinationError carries code, details and cause.
 */
import { describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- this test checks the transport table covers the catalog; core code never imports it
import { HTTP_STATUS } from '../transports/wire-errors.js';
import { CoordinationError, ERROR_CATALOG, ERROR_CODES, invalidInput, isCoordinationError, notFound } from './errors.js';

describe('the error catalog', () => {
  it.each(ERROR_CODES)('gives %s a hint and an HTTP status', (code) => {
    expect(code).toMatch(/^[A-Z]+(?:_[A-Z]+)*$/);
    expect(ERROR_CATALOG[code].trim().length).toBeGreaterThan(10);
    const status = HTTP_STATUS[code];
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
  });

  it('maps no code the catalog does not declare', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('keeps client faults 4xx and coordinator faults 5xx', () => {
    expect(HTTP_STATUS.INTERNAL).toBe(500);
    expect(HTTP_STATUS.STORE_UNAVAILABLE).toBe(503);
    for (const code of ERROR_CODES.filter((c) => c !== 'INTERNAL' && c !== 'STORE_UNAVAILABLE')) expect(HTTP_STATUS[code]).toBeLessThan(500);
  });
});

describe('CoordinationError', () => {
  it('carries its code, message, details, hint and cause', () => {
    const cause = new Error('disk');
    const error = new CoordinationError('LEASE_LOST', 'gone', { resource: 'x' }, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'CoordinationError', code: 'LEASE_LOST', message: 'gone', details: { resource: 'x' }, cause });
    expect(error.hint).toBe(ERROR_CATALOG.LEASE_LOST);
    expect(isCoordinationError(error)).toBe(true);
    expect(isCoordinationError(new Error('x'))).toBe(false);
    expect(isCoordinationError({ code: 'LEASE_LOST' })).toBe(false);
  });

  it('builds INVALID_INPUT and NOT_FOUND with their details', () => {
    expect(invalidInput('bad', { field: 'name' })).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'name' } });
    expect(notFound('task', 't1', { project: 'p' })).toMatchObject({ code: 'NOT_FOUND', message: "No task 't1'.", details: { task: 't1', project: 'p' } });
  });
});
