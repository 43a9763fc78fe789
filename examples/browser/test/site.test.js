// The example site (examples/three-tier/site) in headless Chromium, as a user uses it: served on one
// origin like CloudFront serves it (test/edge.js), with /api/* going to the real items service on
// a real PostgreSQL 18. The page is driven by clicks and typing on its own form and buttons.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startEdge } from './edge.js';
import { OUT, SITE, launchChromium, startItemsService, withTimeout } from './stack.js';

const WAIT_MS = 10000;

describe('the example site in headless Chromium', () => {
  let service;
  let edge;
  let chromium;
  // Last resort if the process ends without the after hook (e.g. an uncaught error).
  const lastResort = () => { chromium?.kill(); service?.kill(); };
  process.on('exit', lastResort);

  before(async () => {
    service = await startItemsService();
    edge = await startEdge({ siteDir: SITE, apiUrl: service.url });
    chromium = await launchChromium();
    fs.rmSync(OUT, { recursive: true, force: true }); // no screenshot of an earlier run is left to mislead
    fs.mkdirSync(OUT, { recursive: true });
  }, { timeout: 900000 }); // npm ci in ../items-service on a fresh clone, then PostgreSQL, the service and Chromium

  after(async () => {
    await chromium?.close();
    await edge?.close();
    await service?.stop();
    process.off('exit', lastResort);
  }, { timeout: 120000 });

  /** The API as a client sees it through the same origin. */
  async function api(method, path, body) {
    const res = await withTimeout(fetch(`${edge.url}/api${path}`, {
      method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
    }), WAIT_MS, `${method} /api${path}`);
    return { status: res.status, body: await res.json() };
  }

  /** A page with everything that went wrong in it recorded: console errors, page errors, failed and >= 400 requests. */
  async function openPage(t) {
    const context = await chromium.browser.newContext({ viewport: { width: 900, height: 600 } });
    t.after(() => withTimeout(context.close(), WAIT_MS, 'page close').catch(() => {}));
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.setDefaultNavigationTimeout(WAIT_MS);
    const problems = [];
    const apiCalls = [];
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}${msg.location()?.url ? ` (${msg.location().url})` : ''}`); });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText}`));
    page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`); });
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.pathname.startsWith('/api/')) apiCalls.push(`${req.method()} ${url.pathname}${url.search}`);
    });
    return { page, problems, apiCalls };
  }

  /** Waits until the status line (role=status) matches. */
  async function statusIs(page, pattern) {
    const status = page.getByRole('status');
    try {
      await page.waitForFunction(([source, flags]) => new RegExp(source, flags).test(document.getElementById('status').textContent),
        [pattern.source, pattern.flags], { timeout: WAIT_MS });
    } catch {
      assert.fail(`status line is "${await status.textContent()}", not ${pattern} after ${WAIT_MS} ms`);
    }
  }

  /** The list as the user sees it: one line per item, without the buttons' text. */
  async function listed(page) {
    return page.locator('#items > li').evaluateAll((lis) => lis.map((li) => li.firstChild?.textContent?.trim()));
  }

  async function typeInto(locator, text) {
    await locator.click();
    await locator.press('Control+A');
    await locator.press('Backspace');
    await locator.pressSequentially(text);
  }

  it('a user creates an item, sees it listed, edits it, sees the edit, deletes it and sees it gone', { timeout: 120000 }, async (t) => {
    const { page, problems, apiCalls } = await openPage(t);
    try {
      const response = await page.goto(`${edge.url}/`);
      assert.equal(response.status(), 200);
      assert.equal(await page.title(), 'three-tier site');
      await statusIs(page, /^0 item\(s\)$/);
      assert.deepEqual(await listed(page), []);

      // Create: the page's own form.
      await typeInto(page.getByPlaceholder('New item'), 'Garden hose');
      await typeInto(page.getByPlaceholder('Price'), '12.5');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByRole('listitem').filter({ hasText: 'Garden hose (12.5)' }).waitFor();
      await statusIs(page, /^1 item\(s\)$/);
      assert.deepEqual(await listed(page), ['Garden hose (12.5)']);
      assert.equal(await page.getByPlaceholder('New item').inputValue(), '', 'the form is reset after Add');
      let state = await api('GET', '/items');
      assert.equal(state.status, 200);
      assert.equal(state.body.items.length, 1);
      const [created] = state.body.items;
      assert.deepEqual({ name: created.name, price: created.price, version: created.version }, { name: 'Garden hose', price: 12.5, version: 1 });

      // Edit: its Edit button opens a form in the list item; Save sends it.
      await page.getByRole('button', { name: 'Edit Garden hose' }).click();
      const form = page.getByRole('form', { name: 'Edit Garden hose' });
      await form.waitFor();
      const name = form.getByRole('textbox', { name: 'Name' });
      assert.equal(await name.evaluate((el) => el === document.activeElement), true, 'the name field has the focus');
      assert.equal(await name.inputValue(), 'Garden hose');
      assert.equal(await form.getByRole('spinbutton', { name: 'Price' }).inputValue(), '12.5');
      await typeInto(name, 'Garden hose, 20 m');
      await typeInto(form.getByRole('spinbutton', { name: 'Price' }), '19.9');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('listitem').filter({ hasText: 'Garden hose, 20 m (19.9)' }).waitFor();
      await statusIs(page, /^1 item\(s\)$/);
      assert.deepEqual(await listed(page), ['Garden hose, 20 m (19.9)']);
      state = await api('GET', '/items');
      assert.deepEqual(state.body.items.map(({ id, name: n, price, version }) => ({ id, name: n, price, version })),
        [{ id: created.id, name: 'Garden hose, 20 m', price: 19.9, version: 2 }]);
      await page.screenshot({ path: `${OUT}site.png`, fullPage: true });

      // Delete: its Delete button.
      await page.getByRole('button', { name: 'Delete Garden hose, 20 m' }).click();
      await page.getByRole('listitem').filter({ hasText: 'Garden hose' }).waitFor({ state: 'detached' });
      await statusIs(page, /^0 item\(s\)$/);
      assert.deepEqual(await listed(page), []);
      state = await api('GET', '/items');
      assert.deepEqual(state.body.items, []);
      assert.equal((await api('GET', `/items/${created.id}`)).status, 404);

      assert.deepEqual(problems, [], 'no console errors, page errors or failed requests');
      assert.deepEqual(apiCalls, [
        'GET /api/items?limit=50',
        'POST /api/items', 'GET /api/items?limit=50',
        `PUT /api/items/${created.id}`, 'GET /api/items?limit=50',
        `DELETE /api/items/${created.id}`, 'GET /api/items?limit=50',
      ]);
    } catch (err) {
      await page.screenshot({ path: `${OUT}site-failure.png`, fullPage: true }).catch(() => {});
      if (problems.length) err.message += `\nin the page: ${problems.join('\n')}`;
      throw err;
    }
    assert.ok(fs.statSync(`${OUT}site.png`).size > 1000, 'screenshot saved');
  });

  it('a deep link loads the site; an edit keeps the fields the page does not show, and a stale edit shows the 409', { timeout: 120000 }, async (t) => {
    const { page, problems } = await openPage(t);
    try {
      const created = await api('POST', '/items', { id: 'sku-42', name: 'Lamp', price: 30, quantity: 3, tags: ['home'], description: 'Desk lamp' });
      assert.equal(created.status, 201);

      // A client-side route: the SPA rule answers index.html, whose assets load from absolute paths.
      const response = await page.goto(`${edge.url}/items/sku-42`);
      assert.equal(response.status(), 200);
      await statusIs(page, /^1 item\(s\)$/);
      assert.deepEqual(await listed(page), ['Lamp (30)']);

      await page.getByRole('button', { name: 'Edit Lamp' }).click();
      let form = page.getByRole('form', { name: 'Edit Lamp' });
      await typeInto(form.getByRole('spinbutton', { name: 'Price' }), '25');
      await form.getByRole('spinbutton', { name: 'Price' }).press('Enter');
      await page.getByRole('listitem').filter({ hasText: 'Lamp (25)' }).waitFor();
      const edited = await api('GET', '/items/sku-42');
      assert.deepEqual(
        { name: edited.body.name, price: edited.body.price, quantity: edited.body.quantity, tags: edited.body.tags, description: edited.body.description, version: edited.body.version },
        { name: 'Lamp', price: 25, quantity: 3, tags: ['home'], description: 'Desk lamp', version: 2 });
      assert.deepEqual(problems, []);

      // Someone else changes it while the form is open: Save is refused (409), and the page says so.
      await page.getByRole('button', { name: 'Edit Lamp' }).click();
      form = page.getByRole('form', { name: 'Edit Lamp' });
      const elsewhere = await api('PUT', '/items/sku-42', { name: 'Lamp (renamed elsewhere)', price: 25, version: 2 });
      assert.equal(elsewhere.status, 200);
      await typeInto(form.getByRole('textbox', { name: 'Name' }), 'Lamp v2');
      await form.getByRole('button', { name: 'Save' }).click();
      await statusIs(page, /^API error: Item sku-42 is at version 3, not 2/);
      assert.equal((await api('GET', '/items/sku-42')).body.name, 'Lamp (renamed elsewhere)');
      assert.deepEqual(problems.filter((p) => !/409/.test(p)), [], 'nothing went wrong but the refused PUT');
      assert.ok(problems.some((p) => p === `HTTP 409: PUT ${edge.url}/api/items/sku-42`), problems.join('\n'));

      // Cancel shows the list again, as it is now.
      await form.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('listitem').filter({ hasText: 'Lamp (renamed elsewhere) (25)' }).waitFor();
    } catch (err) {
      await page.screenshot({ path: `${OUT}site-deep-link-failure.png`, fullPage: true }).catch(() => {});
      if (problems.length) err.message += `\nin the page: ${problems.join('\n')}`;
      throw err;
    } finally {
      await api('DELETE', '/items/sku-42').catch(() => {});
    }
  });
});
