/**
 * @module Tasks: one node of a project's task graph, and the claim that makes an
 * agent its worker (a lease inline on the task: holder, token, expiry).
 */

export type TaskStatus = 'pending' | 'ready' | 'claimed' | 'done' | 'failed' | 'cancelled';

export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'ready', 'claimed', 'done', 'failed', 'cancelled'];

export interface TaskClaim {
  agent: string;
  token: number;
  claimedAt: number;
  expiresAt: number;
  ttlMs: number;
}

export interface Task {
  project: string;
  id: string;
  title: string;
  description: string;
  dependencies: string[];
  priority: number;
  labels: string[];
  files: string[];
  status: TaskStatus;
  output: unknown;
  error: string | null;
  progress: string | null;
  attempts: number;
  claim: TaskClaim | null;
  createdAt: number;
  updatedAt: number;
  /** Insertion order within the project; ties in priority go to the older task. */
  seq: number;
}

/** A task as a caller adds it; the store fills status, claim and times. */
export interface NewTask {
  id: string;
  title: string;
  description: string;
  dependencies: string[];
  priority: number;
  labels: string[];
  files: string[];
}
