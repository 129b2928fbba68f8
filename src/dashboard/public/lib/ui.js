// Small shared components: relative times that tick on their own, status badges, empty states.
import { html, useEffect, useState } from '../vendor/preact-htm.js';
import { ago, exact } from './format.js';

const tickers = new Set();
// Intl formatting is slow; an exact time is formatted once.
const exactCache = new Map();
const exactOf = (t) => {
  let text = exactCache.get(t);
  if (text === undefined) {
    if (exactCache.size > 5000) exactCache.clear();
    text = exact(t);
    exactCache.set(t, text);
  }
  return text;
};
setInterval(() => { for (const fn of tickers) fn(); }, 5000);

/** "3 min ago", with the exact time on hover; re-renders itself every 5 s, not the page. */
export function Ago({ t, now }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const fn = () => setTick((n) => n + 1);
    tickers.add(fn);
    return () => tickers.delete(fn);
  }, []);
  if (!Number.isFinite(t)) return html`<span class="muted">—</span>`;
  return html`<time datetime=${new Date(t).toISOString()} title=${exactOf(t)}>${ago(t, now ? now() : Date.now())}</time>`;
}

export const Status = ({ status }) => html`<span class="badge s-${status}">${status}</span>`;
export const TaskStatus = ({ status }) => html`<span class="badge t-${status}">${status}</span>`;

export function Empty({ title, children }) {
  return html`<div class="empty" role="status"><p><strong>${title}</strong></p>${children}</div>`;
}
