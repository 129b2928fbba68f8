/**
 * @module The task DAG rules: batch validation and ordering, cycles, the initial
 * status of a new task, and the claim order.
 */
import { describe, expect, it } from 'vitest';
import { CoordinationError } from '../errors.js';
import { compareForClaim, initialStatus, orderBatch } from './task-graph.js';
import type { NewTask, TaskStatus } from './task.js';

const task = (id: string, dependencies: string[] = []): NewTask => ({ id, title: id, description: '', dependencies, priority: 0, labels: [], files: [] });
const none = new Map<string, TaskStatus>();

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('orderBatch', () => {
  it('puts dependencies before their dependants and keeps the rest in batch order', () => {
    const ordered = orderBatch([task('c', ['b']), task('x'), task('b', ['a']), task('a')], none).map((t) => t.id);
    expect(ordered).toEqual(['a', 'b', 'c', 'x']);
    expect(orderBatch([task('d', ['b', 'c']), task('b', ['a']), task('c', ['a']), task('a')], none).map((t) => t.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('accepts dependencies on tasks already in the project', () => {
    expect(orderBatch([task('b', ['a'])], new Map([['a', 'done']])).map((t) => t.id)).toEqual(['b']);
  });

  it('refuses an unknown dependency with INVALID_INPUT naming it', () => {
    const error = thrown(() => orderBatch([task('a', ['ghost'])], none));
    expect(error).toBeInstanceOf(CoordinationError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'dependencies', task_id: 'a', dependency: 'ghost' } });
  });

  it('names the missing dependency first, not the task that needs it (whose id may be a generated one)', () => {
    const error = thrown(() => orderBatch([task('task-x1Y2z3', ['nope'])], none)) as CoordinationError;
    expect(error.message).toMatch(/^Task 'nope' does not exist/);
    expect(error.message).not.toContain('task-x1Y2z3');
  });

  it('refuses a duplicate id in the batch or in the project with ALREADY_EXISTS', () => {
    expect(thrown(() => orderBatch([task('a'), task('a')], none))).toMatchObject({ code: 'ALREADY_EXISTS', details: { task_id: 'a' } });
    expect(thrown(() => orderBatch([task('a')], new Map([['a', 'ready']])))).toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('refuses a cycle with TASK_CYCLE and names the closed path', () => {
    const error = thrown(() => orderBatch([task('free'), task('a', ['c']), task('b', ['a']), task('c', ['b'])], none));
    expect(error).toMatchObject({ code: 'TASK_CYCLE' });
    const cycle = (error as CoordinationError).details?.['cycle'] as string[];
    expect(cycle[0]).toBe(cycle.at(-1));
    expect(new Set(cycle)).toEqual(new Set(['a', 'b', 'c']));
    expect(thrown(() => orderBatch([task('self', ['self'])], none))).toMatchObject({ code: 'TASK_CYCLE', details: { cycle: ['self', 'self'] } });
  });
});

describe('initialStatus', () => {
  it('is ready with no dependencies or when every dependency is done', () => {
    expect(initialStatus([], () => undefined)).toBe('ready');
    expect(initialStatus(['a', 'b'], () => 'done')).toBe('ready');
  });

  it.each(['pending', 'ready', 'claimed', 'failed', 'cancelled', undefined] as const)('is pending while a dependency is %s', (status) => {
    expect(initialStatus(['a', 'b'], (id) => (id === 'a' ? 'done' : status))).toBe('pending');
  });
});

describe('compareForClaim', () => {
  it('orders by priority, highest first, then by age', () => {
    const tasks = [{ id: 'old-low', priority: 0, seq: 1 }, { id: 'new-high', priority: 5, seq: 4 }, { id: 'old-high', priority: 5, seq: 2 }, { id: 'negative', priority: -1, seq: 0 }];
    expect([...tasks].sort(compareForClaim).map((t) => t.id)).toEqual(['old-high', 'new-high', 'old-low', 'negative']);
  });
});
