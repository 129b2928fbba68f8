/**
 * @module Member status tiers at every threshold boundary, and who may have a
 * lease broken.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, deriveStatus, hasEnded, mayBreakLeaseOf, type MemberStatus, type StatusThresholds } from './member.js';

const NOW = 10_000_000_000;
const t = DEFAULT_THRESHOLDS;
const silentFor = (ageMs: number, thresholds: StatusThresholds = t): MemberStatus => deriveStatus({ lastHeartbeat: NOW - ageMs, endReason: null }, NOW, thresholds);

describe('deriveStatus', () => {
  it('uses the documented defaults: 5 min, 1 h, 4 h, 24 h', () => {
    expect(t).toEqual({ activeMs: 5 * 60_000, idleMs: 60 * 60_000, staleMs: 4 * 60 * 60_000, unresponsiveMs: 24 * 60 * 60_000 });
  });

  it.each([
    [0, 'active'],
    [t.activeMs - 1, 'active'],
    [t.activeMs, 'idle'],
    [t.idleMs - 1, 'idle'],
    [t.idleMs, 'stale'],
    [t.staleMs - 1, 'stale'],
    [t.staleMs, 'unresponsive'],
    [t.unresponsiveMs - 1, 'unresponsive'],
    [t.unresponsiveMs, 'abandoned'],
  ] as const)('calls a member silent for %i ms %s', (age, status) => {
    expect(silentFor(age)).toBe(status);
  });

  it('follows custom thresholds', () => {
    const quick = { activeMs: 10, idleMs: 20, staleMs: 30, unresponsiveMs: 40 };
    expect([9, 10, 20, 30, 40].map((age) => silentFor(age, quick))).toEqual(['active', 'idle', 'stale', 'unresponsive', 'abandoned']);
  });

  it('reports an ended member by how it ended, whatever its last heartbeat', () => {
    expect(deriveStatus({ lastHeartbeat: NOW, endReason: 'signed_off' }, NOW, t)).toBe('offline');
    expect(deriveStatus({ lastHeartbeat: NOW, endReason: 'abandoned' }, NOW, t)).toBe('abandoned');
  });
});

describe('mayBreakLeaseOf and hasEnded', () => {
  it.each([
    ['active', false, false],
    ['idle', false, false],
    ['stale', true, false],
    ['unresponsive', true, false],
    ['abandoned', true, true],
    ['offline', true, true],
  ] as const)('%s: breakable %s, ended %s', (status, breakable, ended) => {
    expect(mayBreakLeaseOf(status)).toBe(breakable);
    expect(hasEnded(status)).toBe(ended);
  });
});
