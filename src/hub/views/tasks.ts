/**
 * @module Views of tasks: a summary row (enough to choose one) and the full record
 * (description, files, output, the claim).
 */
import { z } from 'zod';
import { TASK_STATUSES, type Task } from '../../core/tasks/task.js';
import { compact, iso, secondsUntil } from './common.js';

export const taskSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(TASK_STATUSES as [string, ...string[]]),
  priority: z.number().int().optional().describe('Absent for 0.'),
  claimed_by: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
  labels: z.array(z.string()).optional(),
});

const detailFields = {
  description: z.string().optional(),
  files: z.array(z.string()).optional(),
  progress: z.string().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  claim_token: z.number().int().optional(),
  claim_expires_in_s: z.number().optional(),
};

export const taskDetailSchema = taskSummarySchema.extend({ ...detailFields, attempts: z.number().int(), created_at: z.string(), updated_at: z.string() });

/** A task row of a list: the summary, and with `detail` the rest. */
export const taskRowSchema = taskSummarySchema.extend({ ...detailFields, attempts: z.number().int().optional(), created_at: z.string().optional(), updated_at: z.string().optional() });

export type TaskSummary = z.infer<typeof taskSummarySchema>;
export type TaskDetail = z.infer<typeof taskDetailSchema>;

export function taskSummary(t: Task): TaskSummary {
  return compact({ id: t.id, title: t.title, status: t.status, priority: t.priority === 0 ? undefined : t.priority, claimed_by: t.claim?.agent, dependencies: t.dependencies, labels: t.labels });
}

export function taskDetail(t: Task, now: number): TaskDetail {
  return compact({
    ...taskSummary(t),
    description: t.description,
    files: t.files,
    attempts: t.attempts,
    progress: t.progress ?? undefined,
    output: t.output ?? undefined,
    error: t.error ?? undefined,
    claim_token: t.claim?.token,
    claim_expires_in_s: t.claim ? secondsUntil(t.claim.expiresAt, now) : undefined,
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
  });
}

export const taskView = (t: Task, now: number, detail: boolean | undefined): TaskSummary => (detail ? taskDetail(t, now) : taskSummary(t));
