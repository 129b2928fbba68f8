/**
 * @module The dashboard in a real browser (playwright-core driving /usr/bin/chromium)
 * against a real server: every panel shows the project's agents, locks, waiters, task
 * DAG and events; a change made through the API shows within a second; each safe
 * action works, is refused for an active holder and is absent (and refused by the API)
 * for an observer token; no request leaves the server's origin; and each panel is
 * saved as a screenshot, light and dark, under BATON_TEST_ARTIFACTS (default
 * .artifacts/dashboard, which .ci/run prints).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { hasChromium, launchChromium } from '../support/browser.js';
import { startInProcess } from '../support/mcp.js';
import { rawRequest, REPO_ROOT } from '../support/server.js';

const ARTIFACTS = process.env['BATON_TEST_ARTIFACTS'] ?? join(REPO_ROOT, '.artifacts', 'dashboard');
const PROJECT = 'web';
const OBSERVER = 'tok-observer-dashboard-0123456789';
const ADMIN = 'tok-admin-dashboard-0123456789ab';
// Short tiers so a holder goes stale within the test: active < 3 s, idle < 6 s, stale after.
const THRESHOLDS = { activeMs: 3_000, idleMs: 6_000, staleMs: 3_600_000, unresponsiveMs: 7_200_000 };

let server: RunningServer;
let secured: RunningServer;
let browser: Browser;
const foreign: string[] = [];
const pageErrors: string[] = [];
let keepAlive: ReturnType<typeof setInterval> | undefined;

const run = (name: string, input: Record<string, unknown>, agentId?: string, project = PROJECT) => server.hub.execute(name, input, { project, agentId });
const rest = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', 'x-baton-project': PROJECT, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function newPage(base: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.on('request', (request) => {
    if (!request.url().startsWith(base + '/')) foreign.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page };
}

const open = async (page: Page, panel: string, base = server.url, project = PROJECT): Promise<void> => {
  await page.goto(`${base}/dashboard/#/${panel}?project=${project}`);
  await page.locator('[data-testid="live"]', { hasText: 'live' }).waitFor({ timeout: 10_000 });
};

/** The world the panels must show: five agents (one stale), locks with a FIFO queue, a reservation, a DAG with a failed task, custom events. */
async function seed(): Promise<void> {
  await run('register_agent', { name: 'Stale Sam', metadata: { branch: 'issue-9-cache', worktree: '/work/wt-sam' } }, 'sam');
  await run('acquire_lock', { name: 'deploy', ttl_seconds: 3600 }, 'sam');
  await run('reserve_files', { paths: ['src/cache/**'], ttl_seconds: 3600 }, 'sam');
  await new Promise((resolve) => setTimeout(resolve, THRESHOLDS.idleMs + 500)); // sam goes stale
  for (const [id, branch] of [['alice', 'issue-1-auth'], ['bob', 'issue-2-api'], ['carol', 'issue-3-ui'], ['dave', 'issue-4-docs']] as const) {
    await run('register_agent', { name: id[0]!.toUpperCase() + id.slice(1), metadata: { branch, worktree: `/work/wt-${id}` } }, id);
  }
  await run('heartbeat', { activity: 'working', current_file: 'src/auth/login.ts' }, 'alice');
  await run('acquire_lock', { name: 'pytest', ttl_seconds: 600 }, 'alice');
  await run('reserve_files', { paths: ['src/auth/**'] }, 'alice');
  void run('acquire_lock', { name: 'pytest', wait_seconds: 50 }, 'bob');
  void run('acquire_lock', { name: 'deploy', wait_seconds: 50 }, 'carol');
  await new Promise((resolve) => setTimeout(resolve, 200));
  void run('acquire_lock', { name: 'pytest', wait_seconds: 50 }, 'dave');
  await run('add_task', {
    tasks: [
      { id: 'design', title: 'Design the API', labels: ['api'] },
      { id: 'schema', title: 'Write the schema', dependencies: ['design'], labels: ['db'] },
      { id: 'handlers', title: 'Implement handlers', dependencies: ['schema'], labels: ['api'] },
      { id: 'client', title: 'Generate the client', dependencies: ['design'] },
      { id: 'docs', title: 'Document it', dependencies: ['handlers', 'client'] },
      { id: 'flaky', title: 'Fix the flaky test' },
      { id: 'obsolete', title: 'Port to the old runtime' },
    ],
  }, 'alice');
  const design = (await run('claim_task', { task_id: 'design' }, 'alice')) as { token: number };
  await run('update_task', { task_id: 'design', token: design.token, status: 'done' }, 'alice');
  await run('claim_task', { task_id: 'schema' }, 'bob');
  const flaky = (await run('claim_task', { task_id: 'flaky' }, 'carol')) as { token: number };
  await run('update_task', { task_id: 'flaky', token: flaky.token, status: 'failed', error: 'timeout in CI' }, 'carol');
  for (let i = 0; i < 5; i++) await run('publish_event', { topic: 'build.progress', payload: { step: i } }, 'dave');
  // A consultation: bob announces work on a file alice announced (and reserved), so a thread opens.
  await run('announce_work', { description: 'Refactor the session store', target_files: ['src/auth/session.ts'] }, 'alice');
  await run('announce_work', { description: 'Fix the session expiry', target_files: ['src/auth/session.ts'] }, 'bob');
  // A hot file: two agents edited it.
  await run('record_file_edit', { files: ['src/api/routes.ts', 'src/api/schema.ts'] }, 'alice');
  await run('record_file_edit', { files: ['src/api/routes.ts'] }, 'carol');
  await run('register_agent', {}, 'other-team', 'secret-project');
}

beforeAll(async () => {
  if (!hasChromium()) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startInProcess({ thresholds: THRESHOLDS });
  secured = await startInProcess({}, {
    tokens: [
      { token: OBSERVER, role: 'observer', projects: [PROJECT] },
      { token: ADMIN, role: 'admin', projects: ['*'] },
    ],
  });
  await secured.hub.execute('register_agent', {}, { project: PROJECT, agentId: 'watched' });
  await secured.hub.execute('register_agent', {}, { project: 'hidden', agentId: 'x' });
  await seed();
  // Keep the live agents active while the test runs (sam stays silent, so stale).
  keepAlive = setInterval(() => {
    for (const a of ['alice', 'bob', 'carol', 'dave']) void run('heartbeat', {}, a).catch(() => undefined);
  }, 1_000);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  if (keepAlive) clearInterval(keepAlive);
  if (!hasChromium()) return;
  await browser.close();
  await server.close();
  await secured.close();
});

describe.skipIf(!hasChromium())('the dashboard', () => {
  it('serves the page with a strict Content-Security-Policy and only its own assets', async () => {
    const response = await fetch(`${server.url}/dashboard/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect((await fetch(`${server.url}/dashboard/../package.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/dashboard/vendor/preact-htm.js`)).headers.get('content-type')).toMatch(/javascript/);
    for (const path of ['/dashboard/%2e%2e/%2e%2e/package.json', '/dashboard/..%2f..%2fpackage.json', '/dashboard/vendor/../../../../etc/passwd', `/dashboard/${'x'.repeat(2000)}`]) {
      expect((await rawRequest(server.url, { method: 'GET', path })).status, path).toBe(404);
    }
  });

  it('refuses a foreign Host or Origin, and an unknown token, like every other route', async () => {
    for (const path of ['/dashboard/', '/dashboard/api/session', '/dashboard/app.js']) {
      expect((await rawRequest(server.url, { method: 'GET', path, headers: { host: 'evil.example' } })).status, path).toBe(403);
      expect((await rawRequest(server.url, { method: 'GET', path, headers: { origin: 'http://evil.example' } })).status, path).toBe(403);
    }
    const session = (token?: string) => fetch(`${secured.url}/dashboard/api/session`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await session()).status).toBe(401);
    expect((await session('not-a-known-token')).status).toBe(401);
    expect(await (await session(OBSERVER)).json()).toMatchObject({ auth: 'token', role: 'observer', projects: [PROJECT], agent: null });
    expect(((await (await session(ADMIN)).json()) as { projects: string[] }).projects).toEqual(expect.arrayContaining([PROJECT, 'hidden']));
    // The page itself loads without a token: it is what asks for one.
    expect((await fetch(`${secured.url}/dashboard/`)).status).toBe(200);
  });

  it('shows every panel with the right data, and saves each panel light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await newPage(server.url, scheme);
      await open(page, 'overview');
      await expect.poll(() => page.locator('[data-testid="count-agents"] .n').textContent()).toBe('4');
      expect(await page.locator('[data-testid="count-locks"] .n').textContent()).toBe('2');
      expect(await page.locator('[data-testid="count-waiters"] .n').textContent()).toBe('3');
      expect(await page.locator('[data-testid="count-failed"] .n').textContent()).toBe('1');
      const problems = await page.locator('[data-testid="problems"]').textContent();
      expect(problems).toMatch(/sam \(stale\) holds lock deploy, 1 waiting/);
      expect(problems).toMatch(/1 failed task: flaky/);
      await page.screenshot({ path: join(ARTIFACTS, `overview-${scheme}.png`), fullPage: true });

      await open(page, 'agents');
      const alice = page.locator('tr[data-agent="alice"]');
      await expect.poll(() => alice.textContent()).toMatch(/active/);
      const aliceText = (await alice.textContent()) ?? '';
      for (const text of ['working', 'src/auth/login.ts', 'issue-1-auth', '/work/wt-alice', 'pytest', 'src/auth/**']) expect(aliceText).toContain(text);
      expect(await page.locator('tr[data-agent="sam"]').textContent()).toMatch(/stale/);
      expect(await page.locator('tr[data-agent="bob"]').textContent()).toMatch(/pytest.*#/);
      await page.screenshot({ path: join(ARTIFACTS, `agents-${scheme}.png`), fullPage: true });

      await open(page, 'locks');
      const pytest = page.locator('[data-testid="locks-table"] tr[data-lease="pytest"]');
      await expect.poll(() => pytest.textContent()).toMatch(/alice/);
      expect(await pytest.locator('[data-testid="queue"] li').allTextContents()).toEqual([expect.stringMatching(/^bob/), expect.stringMatching(/^dave/)]);
      expect(await pytest.locator('[data-testid="break"]').isDisabled()).toBe(true);
      expect(await page.locator('[data-testid="locks-table"] tr[data-lease="deploy"] [data-testid="break"]').isDisabled()).toBe(false);
      expect(await page.locator('[data-testid="reservations-table"]').textContent()).toMatch(/src\/auth\/\*\*.*alice/);
      await page.screenshot({ path: join(ARTIFACTS, `locks-${scheme}.png`), fullPage: true });

      await open(page, 'tasks');
      await page.locator('[data-testid="dag"]').waitFor();
      expect(await page.locator('[data-testid="dag"] [data-task]').count()).toBe(7);
      expect(await page.locator('[data-task="schema"]').getAttribute('aria-label')).toMatch(/claimed by bob, on the critical path/);
      expect(await page.locator('[data-task="docs"]').getAttribute('aria-label')).toMatch(/pending, on the critical path/);
      expect(await page.locator('[data-task="client"]').getAttribute('aria-label')).not.toMatch(/critical/);
      await page.locator('[data-task="flaky"]').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('[data-testid="task-detail"]').textContent()).toMatch(/timeout in CI/);
      await page.screenshot({ path: join(ARTIFACTS, `tasks-${scheme}.png`), fullPage: true });
      await page.locator('button', { hasText: /^list$/ }).click();
      expect(await page.locator('[data-testid="task-list"] [data-task]').count()).toBe(7);

      await open(page, 'timeline');
      await expect.poll(() => page.locator('[data-testid="timeline"] li').count()).toBeGreaterThan(20);
      await page.locator('[data-testid="timeline-search"]').fill('build.progress');
      await expect.poll(() => page.locator('[data-testid="timeline"] li').count()).toBe(5);
      await page.locator('[data-testid="timeline-search"]').fill('');
      await page.screenshot({ path: join(ARTIFACTS, `timeline-${scheme}.png`), fullPage: true });

      await open(page, 'threads');
      const thread = page.locator('[data-testid="threads-table"] tr[data-thread]', { hasText: 'Fix the session expiry' });
      await expect.poll(() => thread.textContent()).toMatch(/consult.*open.*bob \(initiator\), alice \(respondent\).*src\/auth\/session\.ts/);
      await thread.locator('button').click();
      await expect.poll(() => page.locator('[data-testid="thread-evidence"]').textContent()).toMatch(/alice scored 100 \(layer (0a|R1)\).*src\/auth\/session\.ts/);
      expect(await page.locator('[data-testid="thread-posts"] li').allTextContents()).toEqual([expect.stringMatching(/^bob context: Fix the session expiry$/)]);
      await page.screenshot({ path: join(ARTIFACTS, `threads-${scheme}.png`), fullPage: true });

      await open(page, 'files');
      await expect.poll(() => page.locator('[data-testid="hot-files"] tr[data-file="src/api/routes.ts"]').textContent()).toMatch(/^src\/api\/routes\.ts2(alice, carol|carol, alice)/);
      expect(await page.locator('[data-testid="hot-files"] tr').count()).toBe(2); // the header and one file: schema.ts has one editor
      await page.screenshot({ path: join(ARTIFACTS, `files-${scheme}.png`), fullPage: true });

      for (const panel of ['plots', 'projects']) {
        await open(page, panel);
        if (panel === 'plots') await page.locator('[data-testid="plot-events"] canvas').waitFor();
        if (panel === 'projects') await expect.poll(() => page.locator('[data-testid="projects-table"]').textContent()).toMatch(/web.*secret-project|secret-project.*web/);
        await page.waitForTimeout(300);
        await page.screenshot({ path: join(ARTIFACTS, `${panel}-${scheme}.png`), fullPage: true });
      }
      await context.close();
    }
  }, 120_000);

  it('shows a change made through the API within a second', async () => {
    const { context, page } = await newPage(server.url);
    await open(page, 'agents');
    await page.locator('tr[data-agent="alice"]').waitFor();
    let started = Date.now();
    await rest('/agents', { agent_id: 'erin', name: 'Erin' });
    await page.locator('tr[data-agent="erin"]').waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);

    await open(page, 'locks');
    started = Date.now();
    await rest('/locks/release-train/acquire', {}, { 'x-baton-agent': 'erin' });
    await page.locator('[data-testid="locks-table"] tr[data-lease="release-train"]').waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);

    await open(page, 'tasks');
    started = Date.now();
    await rest('/tasks', { id: 'late', title: 'Arrived late' });
    await page.locator('[data-task="late"]').waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);

    await open(page, 'files');
    started = Date.now();
    await rest('/activity/edits', { files: ['docs/guide.md', 'docs/api.md'] }, { 'x-baton-agent': 'erin' });
    await page.locator('[data-testid="recent-edits"] [data-agent="erin"] li', { hasText: 'docs/api.md' }).waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await page.locator('[data-testid="recent-edits"] [data-agent="erin"] li').count()).toBe(2);
    await context.close();
  });

  it('performs each safe action after confirmation, recorded with who did it', async () => {
    const { context, page } = await newPage(server.url);
    await open(page, 'tasks');
    // Add a task.
    await page.locator('[data-testid="add-task"]').click();
    await page.locator('[data-testid="task-title"]').fill('Added from the dashboard');
    await page.locator('[data-testid="confirm"]').click();
    await page.locator('[data-testid="flash"]', { hasText: 'Task added' }).waitFor();
    const added = ((await rest('/tasks?limit=200')).body['tasks'] as { title: string }[]).filter((t) => t.title === 'Added from the dashboard');
    expect(added).toHaveLength(1);
    // Paste a DAG (a cycle first: refused with the server's error, then a good one).
    await page.locator('[data-testid="paste-dag"]').click();
    await page.locator('[data-testid="dag-json"]').fill(JSON.stringify([{ id: 'p1', title: 'P1', dependencies: ['p2'] }, { id: 'p2', title: 'P2', dependencies: ['p1'] }]));
    await page.locator('[data-testid="confirm"]').click();
    expect(await page.locator('[data-testid="action-error"]').textContent()).toMatch(/TASK_CYCLE/);
    await page.locator('[data-testid="dag-json"]').fill(JSON.stringify({ tasks: [{ id: 'p1', title: 'P1' }, { id: 'p2', title: 'P2', dependencies: ['p1'] }] }));
    await page.locator('[data-testid="confirm"]').click();
    await page.locator('[data-task="p2"]').waitFor();
    // Reset the failed task.
    await page.locator('[data-task="flaky"]').click();
    await page.locator('[data-testid="reset"]').click();
    await page.locator('[data-testid="confirm"]').click();
    await expect.poll(async () => ((await rest('/tasks/flaky')).body['task'] as { status: string }).status).toBe('ready');
    await expect.poll(() => page.locator('[data-task="flaky"]').getAttribute('aria-label')).toMatch(/ready/);
    // Cancel a task.
    await page.locator('[data-task="obsolete"]').click();
    await page.locator('[data-testid="cancel"]').click();
    await page.locator('[data-testid="confirm"]').click();
    await expect.poll(async () => ((await rest('/tasks/obsolete')).body['task'] as { status: string }).status).toBe('cancelled');

    // Post to the consultation: the dashboard joins as an observer (no vote), the post shows live.
    await open(page, 'threads');
    await page.locator('[data-testid="threads-table"] tr[data-thread]', { hasText: 'Fix the session expiry' }).locator('button').click();
    await page.locator('[data-testid="post-text"]').fill('Alice goes first; bob rebases after.');
    await page.locator('[data-testid="post"]').click();
    await page.locator('[data-testid="confirm"]').click();
    await page.locator('[data-testid="thread-posts"] li', { hasText: 'dashboard context: Alice goes first; bob rebases after.' }).waitFor({ timeout: 2_000 });
    const threadId = ((await rest('/threads?all=true')).body['threads'] as { thread_id: string; subject: string }[]).find((t) => t.subject === 'Fix the session expiry')!.thread_id;
    const read = (await rest(`/threads/${threadId}`)).body as { thread: { participants: { agent_id: string; role: string }[] }; posts: { from: string; text: string }[] };
    expect(read.thread.participants).toContainEqual({ agent_id: 'dashboard', role: 'observer' });
    expect(read.posts.filter((p) => p.from === 'dashboard').map((p) => p.text)).toEqual(['Alice goes first; bob rebases after.']);
    await expect.poll(() => page.locator('[data-testid="threads-table"] tr[data-thread]', { hasText: 'Fix the session expiry' }).textContent()).toMatch(/dashboard \(observer\)/);

    // Release the stale holder's lock: the waiter gets it.
    await open(page, 'locks');
    await page.locator('[data-testid="locks-table"] tr[data-lease="deploy"] [data-testid="break"]').click();
    await page.locator('[data-testid="confirm"]').click();
    await expect.poll(() => page.locator('[data-testid="locks-table"] tr[data-lease="deploy"]').textContent()).toMatch(/carol/);

    // Every action is on the timeline with its actor.
    const events = (await rest('/events?limit=1000')).body['events'] as { type: string; actor?: string; subject: string }[];
    const byDashboard = events.filter((e) => e.actor === 'dashboard').map((e) => `${e.type} ${e.subject}`);
    expect(byDashboard).toEqual(expect.arrayContaining(['task.reset flaky', 'task.cancelled obsolete', 'lease.broken deploy', 'thread.joined ' + threadId, 'message.posted ' + threadId]));
    expect(events.filter((e) => e.type === 'task.added' && e.actor === 'dashboard').length).toBeGreaterThanOrEqual(3);
    await open(page, 'timeline');
    await page.locator('[data-testid="timeline-search"]').fill('lease.broken');
    expect(await page.locator('[data-testid="timeline"] li').first().textContent()).toMatch(/dashboard broke sam's lock deploy/);
    await context.close();
  }, 60_000);

  it('refuses to release the lock of a holder who became active again, with the reason', async () => {
    await run('register_agent', {}, 'frank');
    await run('reserve_files', { paths: ['docs/**'], ttl_seconds: 3600 }, 'frank');
    await new Promise((resolve) => setTimeout(resolve, THRESHOLDS.idleMs + 500));
    const { context, page } = await newPage(server.url);
    await open(page, 'locks');
    const row = page.locator('[data-testid="reservations-table"] tr', { hasText: 'docs/**' });
    expect(await row.textContent()).toMatch(/stale/);
    await run('heartbeat', {}, 'frank'); // frank is back before the operator confirms
    await row.locator('[data-testid="break"]').click();
    await page.locator('[data-testid="confirm"]').click();
    expect(await page.locator('[data-testid="action-error"]').textContent()).toMatch(/LEASE_HELD.*frank is active/);
    expect(((await rest('/reservations')).body['reservations'] as { holder: string }[]).some((r) => r.holder === 'frank')).toBe(true);
    await context.close();
  });

  it('asks for a token when the server has tokens, and an observer sees its projects read-only', async () => {
    const { context, page } = await newPage(secured.url);
    await page.goto(`${secured.url}/dashboard/`);
    await page.locator('[data-testid="token-input"]').fill('not-a-token-at-all');
    await page.keyboard.press('Enter');
    await page.locator('text=That token was not accepted.').waitFor();
    await page.locator('[data-testid="token-input"]').fill(OBSERVER);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="live"]', { hasText: 'live' }).waitFor();
    expect(page.url()).not.toContain(OBSERVER);
    expect(await page.locator('[data-testid="role"]').textContent()).toMatch(/observer token · read-only/);
    expect(await page.locator('[data-testid="project-switcher"] option').allTextContents()).toEqual([PROJECT]);
    await page.goto(`${secured.url}/dashboard/#/tasks?project=${PROJECT}`);
    await page.locator('h2', { hasText: 'Tasks' }).waitFor();
    expect(await page.locator('[data-testid="add-task"]').count()).toBe(0);
    // The API refuses what the page does not offer, for this token, from the page itself.
    const refused = await page.evaluate(async ([token, project]) => {
      const response = await fetch('/api/v1/tasks', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-baton-project': project! }, body: JSON.stringify({ title: 'sneaky' }) });
      const hidden = await fetch('/api/v1/status', { headers: { authorization: `Bearer ${token}`, 'x-baton-project': 'hidden' } });
      const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage;
      return { add: response.status, hidden: hidden.status, stored: storage.getItem('baton.dashboard.token') === token };
    }, [OBSERVER, PROJECT]);
    expect(refused).toEqual({ add: 403, hidden: 403, stored: true });
    await context.close();
  });

  it('made no request outside the server’s origin and threw no page error', () => {
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
