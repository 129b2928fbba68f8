/**
 * @module Event frames of /api/events (`id:`, `event:`, `data:` lines), serialised
 * once per live event (push/frame-cache.ts).
 */
import { eventView } from '../../hub/views/records.js';
import { frameCache } from '../push/frame-cache.js';

export const sseFrame = frameCache((e) => Buffer.from(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ ...eventView(e), project: e.project })}\n\n`));
