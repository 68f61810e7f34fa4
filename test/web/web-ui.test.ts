import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tempDir } from '../../bench/bench-util.js';
import { launchChromium } from '../../bench/chromium.js';
import { PHONE, screenshotBothWidths, WIDE } from '../support/browser.js';
import { apiClient, REPO, type SquallProcess, startSquallProcess } from '../support/squall-process.js';

const WFTEST = join(REPO, 'test', 'fixtures', 'workflow-packs', 'wftest');
// SQUALL_DOC_SCREENSHOTS=1 also writes the pages the docs show into docs/img/.
const DOC_SHOTS = process.env.SQUALL_DOC_SCREENSHOTS === '1' ? join(REPO, 'docs', 'img') : undefined;

describe('web UI in Chromium against squall start', { timeout: 60_000 }, () => {
  const dir = tempDir('squall-web-e2e-');
  let squall: SquallProcess;
  let browser: Browser;
  let admin: { username: string; password: string };
  let api: ReturnType<typeof apiClient>;
  const open: { context: BrowserContext; page: Page }[] = [];

  beforeAll(async () => {
    const config = join(dir.path, 'squall.yaml');
    writeFileSync(config, `packs:\n  paths: [${JSON.stringify(WFTEST)}]\n`);
    [squall, browser] = await Promise.all([startSquallProcess(dir.path, ['--config', config]), launchChromium()]);
    admin = parseYaml(readFileSync(join(dir.path, 'credentials'), 'utf8')) as { username: string; password: string };
    api = apiClient(squall);
    expect(
      (await api('POST', '/api/v1/users', { name: 'vera', password: 'viewer-pass-1', roles: ['viewer'] })).status,
    ).toBe(201);
  }, 60_000);

  afterEach(async (ctx) => {
    const failed = ctx.task.result?.state === 'fail';
    for (const { context, page } of open.splice(0)) {
      if (failed) await screenshotBothWidths(page, ctx.task.name);
      await context.close();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await squall?.stop();
    dir.remove();
  });

  async function newPage(size = WIDE): Promise<Page> {
    const context = await browser.newContext({ viewport: size });
    const page = await context.newPage();
    open.push({ context, page });
    return page;
  }

  async function signIn(page: Page, path: string, who = admin): Promise<void> {
    await page.goto(squall.url + path);
    await page.getByLabel('Username').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  async function shoot(page: Page, name: string): Promise<void> {
    if (!DOC_SHOTS) return;
    await page.screenshot({ path: join(DOC_SHOTS, `${name}.png`) });
  }

  it('signs in with a session cookie the page cannot read, and keeps the deep link', async () => {
    const page = await newPage();
    await page.goto(`${squall.url}/actions`);
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    await shoot(page, 'sign-in');
    await signIn(page, '/actions');
    expect(new URL(page.url()).pathname).toBe('/actions');
    await page.getByRole('link', { name: 'core.local', exact: true }).waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'squall_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // Expressions as text: the test is compiled without the DOM's types.
    expect(await page.evaluate<string>('document.cookie')).not.toContain('squall_session');
    expect(await page.evaluate<string>('JSON.stringify(localStorage) + JSON.stringify(sessionStorage)')).toBe('{}{}');
    expect(page.url()).not.toContain(session.value);
  });

  it('runs core.local from its form and shows the output while it is produced, colours rendered', async () => {
    const page = await newPage();
    await signIn(page, '/actions/core.local');
    await page
      .getByLabel('cmd')
      .fill("printf '\\033[32mfirst line\\033[0m\\n'; sleep 3; echo second line; echo oops >&2");
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/\/executions\/[0-9a-f]{24}$/);
    const output = page.getByRole('log', { name: 'Output' });
    await output.getByText('first line').waitFor();
    // Live: the first line is on screen while the command still runs (it sleeps before the second).
    expect(await page.locator('.summary .status').textContent()).toBe('running');
    expect(await output.textContent()).not.toContain('second line');
    expect(await output.locator('.ansi-green-fg', { hasText: 'first line' }).count()).toBe(1);
    await output.getByText('second line').waitFor();
    await page.locator('.summary .status', { hasText: 'succeeded' }).waitFor();
    expect(await output.locator('.stderr', { hasText: 'oops' }).count()).toBe(1);
    await page
      .getByRole('button', { name: /return_code/ })
      .or(page.getByText('return_code'))
      .first()
      .waitFor();
    await shoot(page, 'execution');
  });

  it('cancels a long execution', async () => {
    const page = await newPage();
    await signIn(page, '/actions/core.local');
    await page.getByLabel('cmd').fill('sleep 60');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/\/executions\/[0-9a-f]{24}$/);
    await page.locator('.summary .status', { hasText: 'running' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.summary .status', { hasText: 'canceled' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
  });

  it('filters the history through the URL and shows new executions live', async () => {
    for (const cmd of ['true', 'false']) {
      expect((await api('POST', '/api/v1/executions', { action: 'core.local', parameters: { cmd } })).status).toBe(201);
    }
    const page = await newPage();
    await signIn(page, '/executions');
    await page.getByRole('table', { name: 'Executions' }).waitFor();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByLabel('Action').fill('core.local');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=failed/);
    expect(new URL(page.url()).searchParams.get('action')).toBe('core.local');
    const rows = page.getByRole('table', { name: 'Executions' }).locator('tbody tr:not(.pad)');
    await expect.poll(async () => (await rows.allTextContents()).every((t) => t.includes('failed'))).toBe(true);
    expect(await rows.count()).toBeGreaterThan(0);
    // A reload of the filtered URL gives the same view.
    await page.reload();
    await expect.poll(() => page.getByLabel('Status').inputValue()).toBe('failed');
    // A new failed run appears without a reload; a succeeded one does not.
    await api('POST', '/api/v1/executions', { action: 'core.local', parameters: { cmd: 'true' } });
    const failed = await api<{ id: string }>('POST', '/api/v1/executions', {
      action: 'core.local',
      parameters: { cmd: 'exit 3' },
    });
    await page.getByRole('link', { name: new RegExp(`Execution ${failed.body.id}`) }).waitFor();
    // The succeeded one posted just before it never joins the filtered rows.
    expect((await rows.allTextContents()).every((t) => t.includes('failed'))).toBe(true);
    await page.goto(`${squall.url}/executions`);
    await page.getByRole('table', { name: 'Executions' }).waitFor();
    await shoot(page, 'history');
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.getByRole('table', { name: 'Executions' }).waitFor();
    // On a phone the filters start folded, so the rows are in view.
    expect(await page.getByRole('form', { name: 'Filter executions' }).isVisible()).toBe(false);
    await shoot(page, 'history-phone');
  });

  it('shows a workflow as a task tree and a graph', async () => {
    const wf = await api<{ id: string }>('POST', '/api/v1/executions', { action: 'wftest.parallel' });
    expect(wf.status).toBe(201);
    const page = await newPage();
    await signIn(page, `/executions/${wf.body.id}`);
    const graph = page.getByRole('img', { name: /Task graph/ });
    await expect
      .poll(async () => (await graph.getAttribute('aria-label')) ?? '', { timeout: 30_000 })
      // left and right ran side by side: either may come first in their column.
      .toMatch(
        /^Task graph: start succeeded, (left succeeded, right|right succeeded, left) succeeded, together succeeded$/,
      );
    expect(await page.locator('.tree a', { hasText: 'together' }).count()).toBe(1);
    await page.locator('.summary .status', { hasText: 'succeeded' }).waitFor();
    await shoot(page, 'workflow');
  });

  it('toggles a rule', async () => {
    const created = await api('POST', '/api/v1/rules', {
      name: 'web_rule',
      pack: 'ops',
      trigger: { type: 'core.st2.webhook', parameters: { url: 'webtest' } },
      criteria: { 'trigger.body.severity': { type: 'equals', pattern: 'high' } },
      action: { ref: 'core.noop' },
      enabled: true,
    });
    expect(created.status).toBe(201);
    const page = await newPage();
    await signIn(page, '/rules');
    const card = page.locator('.card', { hasText: 'ops.web_rule' });
    const enabled = card.getByLabel('Enabled');
    expect(await enabled.isChecked()).toBe(true);
    await enabled.click();
    await expect
      .poll(async () => (await api<{ enabled: boolean }>('GET', '/api/v1/rules/ops.web_rule')).body.enabled)
      .toBe(false);
    await expect.poll(() => enabled.isChecked()).toBe(false);
    await card.getByRole('button', { name: 'ops.web_rule' }).click();
    await card.getByText('trigger.body.severity').waitFor();
    await card.getByText('Not enforced yet.').waitFor();
  });

  it('shows a viewer no run or cancel buttons, and the server refuses them anyway', async () => {
    const page = await newPage();
    await signIn(page, '/actions/core.local', { username: 'vera', password: 'viewer-pass-1' });
    await page.getByText('Your role may read this action but not run it.').waitFor();
    expect(await page.getByRole('button', { name: 'Run' }).count()).toBe(0);
    const status = await page.evaluate<number>(`(async () => {
      const csrf = /squall_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const res = await fetch('/api/v1/executions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) },
        body: JSON.stringify({ action: 'core.noop' }),
      });
      return res.status;
    })()`);
    expect(status).toBe(403);
    const running = await api<{ id: string }>('POST', '/api/v1/executions', {
      action: 'core.local',
      parameters: { cmd: 'sleep 30' },
    });
    await page.goto(`${squall.url}/executions/${running.body.id}`);
    await page.locator('.summary .status', { hasText: 'running' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Re-run' }).count()).toBe(0);
    await api('DELETE', `/api/v1/executions/${running.body.id}`);
  });

  it('signs out with a message when the session ends', async () => {
    const page = await newPage();
    await signIn(page, '/executions');
    await page.context().clearCookies();
    // The page's next call meets a 401: this click's, or a read of its own (the history reads again once
    // its stream is open) that gets there first and has already signed it out.
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Actions' });
    await link.click({ timeout: 2_000 }).catch(() => {});
    await page.getByText(/Your session has ended/).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('masks datastore secrets, with Reveal for an admin and none for a viewer', async () => {
    expect(
      (await api('PUT', '/api/v1/keys/web_token', { name: 'web_token', value: 's3cr3t-value', secret: true })).status,
    ).toBe(200);
    const page = await newPage();
    await signIn(page, '/keys');
    const row = page.getByRole('row', { name: /web_token/ });
    await row.getByText('********').waitFor();
    expect(await page.locator('main').textContent()).not.toContain('s3cr3t-value');
    await row.getByRole('button', { name: 'Reveal web_token' }).click();
    await row.getByText('s3cr3t-value').waitFor();
    const viewer = await newPage();
    await signIn(viewer, '/keys', { username: 'vera', password: 'viewer-pass-1' });
    await viewer
      .getByRole('row', { name: /web_token/ })
      .getByText('********')
      .waitFor();
    expect(await viewer.getByRole('button', { name: /Reveal/ }).count()).toBe(0);
  });

  it('registers a pack from the Packs page', async () => {
    const page = await newPage();
    await signIn(page, '/packs');
    const card = page.locator('.card', { hasText: 'chatops' }).first();
    await card.getByRole('button', { name: 'Register' }).click();
    await card
      .getByRole('status')
      .getByText(/Registered chatops/)
      .waitFor();
    await card.getByRole('button', { name: 'chatops' }).click();
    await card.getByRole('link', { name: 'chatops.post_message' }).waitFor();
  });

  it('tries a command against the aliases', async () => {
    const page = await newPage();
    await signIn(page, '/aliases');
    await page.getByRole('textbox', { name: 'Command' }).fill('run date on localhost');
    await page.getByRole('button', { name: 'Match' }).click();
    await page.getByText(/Matches/).waitFor();
  });

  it('answers an inquiry from a form built from its schema', async () => {
    const ask = await api<{ id: string }>('POST', '/api/v1/executions', {
      action: 'core.ask',
      parameters: {
        schema: {
          type: 'object',
          properties: {
            approved: { type: 'boolean', description: 'Go ahead?' },
            reason: { type: 'string', enum: ['tested', 'urgent'] },
          },
          required: ['approved', 'reason'],
        },
      },
    });
    expect(ask.status).toBe(201);
    const page = await newPage();
    await signIn(page, '/inquiries');
    const form = page.getByRole('form', { name: 'Respond' });
    await form.waitFor();
    await form.getByLabel('approved').check();
    await form.getByLabel('reason').selectOption('urgent');
    await shoot(page, 'inquiry');
    await form.getByRole('button', { name: 'Respond' }).click();
    await page.getByText('No inquiry is waiting for an answer.').waitFor();
    await expect
      .poll(async () => (await api<{ status: string }>('GET', `/api/v1/executions/${ask.body.id}`)).body.status)
      .toBe('succeeded');
    const done = await api<{ result: unknown }>('GET', `/api/v1/executions/${ask.body.id}`);
    expect(JSON.stringify(done.body.result)).toContain('urgent');
  });
});
