/**
 * @module The consultation tunables a store step decides with, from the hub's config.
 */
import type { ConsultPolicy } from '../../store/consult-port.js';
import type { HubConfig } from '../config.js';

export const policyOf = (c: HubConfig): ConsultPolicy => ({
  thresholds: c.thresholds,
  editWindowMs: c.editWindowMs,
  editDecayMs: c.editDecayMs,
  editRetentionMs: c.editRetentionMs,
  roundTimeoutMs: c.roundTimeoutMs,
  maxRounds: c.maxRounds,
  ackDueMs: c.ackDueMs,
});
