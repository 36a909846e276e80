import { test, expect, Page } from '@playwright/test';
import { Wallboard, freePort, telephony, presence, company } from './support';

let wb: Wallboard;

test.beforeEach(async () => {
  wb = new Wallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

/** Marks the page so that a reload (which would clear the mark) is detected. */
async function mark(page: Page) {
  await page.evaluate(() => ((window as any).__wallboardMark = 'no-reload'));
}

async function expectNotReloaded(page: Page) {
  expect(await page.evaluate(() => (window as any).__wallboardMark)).toBe('no-reload');
}

function tile(page: Page, extension: string) {
  return page.locator(`[data-extension="${extension}"]`).first();
}

test('a webhook changes the tile on every open page without a reload', async ({ browser }) => {
  expect(await wb.post(telephony('1001', 'registered'))).toBe(200);
  expect(await wb.post(presence('1001', 'available', ''))).toBe(200);

  const board = await browser.newPage();
  const agent = await browser.newPage();
  await board.goto(`${wb.url}/`);
  await agent.goto(`${wb.url}/agent`);
  for (const page of [board, agent]) {
    await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
    await expect(tile(page, '1001')).toHaveAttribute('data-telephony', 'registered');
    await mark(page);
  }

  expect(await wb.post(telephony('1001', 'talking'))).toBe(200);
  for (const page of [board, agent]) {
    await expect(tile(page, '1001')).toHaveAttribute('data-telephony', 'talking');
  }

  // A user nobody has seen before appears on both pages.
  expect(await wb.post(telephony('1002', 'ringing'))).toBe(200);
  for (const page of [board, agent]) {
    await expect(tile(page, '1002')).toHaveAttribute('data-telephony', 'ringing');
    await expectNotReloaded(page);
  }
});

test('pages recover on their own after the server restarts', async ({ browser }) => {
  expect(await wb.post(telephony('2001', 'registered'))).toBe(200);
  const board = await browser.newPage();
  const agent = await browser.newPage();
  await board.goto(`${wb.url}/`);
  await agent.goto(`${wb.url}/agent`);
  for (const page of [board, agent]) {
    await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
    await mark(page);
  }

  await wb.stop();
  for (const page of [board, agent]) {
    await expect(page.locator('[data-connection]')).not.toHaveAttribute('data-connection', 'live');
  }

  await wb.start();
  for (const page of [board, agent]) {
    await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });
    // The state survived the restart…
    await expect(tile(page, '2001')).toHaveAttribute('data-telephony', 'registered');
  }
  // …and pushes flow again.
  expect(await wb.post(telephony('2001', 'talking'))).toBe(200);
  for (const page of [board, agent]) {
    await expect(tile(page, '2001')).toHaveAttribute('data-telephony', 'talking');
    await expectNotReloaded(page);
  }
});

test('hostile text from the PBX is shown as text, never run', async ({ page }) => {
  const hostile = '<img src=x onerror="window.__pwned=1">Eve';
  const call = {
    id: `${company}_1764061200.77`,
    pbx: '0000aa11bb22',
    company,
    time: Date.parse('2026-11-25T09:30:00Z'),
    type: 'call:start',
    integrationId: 'e2e001',
    data: {
      status: 'CONNECTING',
      caller: { type: 'LOCAL', phone: '3001', name: hostile, email: 'eve@example.test', userExtension: '3001', groupName: 'Support' },
      callee: null,
      destination: '3002',
      tags: [],
      flags: [],
    },
  };
  expect(await wb.post(call)).toBe(200);
  await page.goto(`${wb.url}/`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(tile(page, '3001')).toContainText(hostile);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});
