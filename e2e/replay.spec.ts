import { test, expect, Page } from '@playwright/test';
import { Wallboard, freePort, telephony } from './support';

// Replay: the supervisor board at a past moment, marked as such, moved
// through time without reloading, and back to live.

let wb: Wallboard;

test.beforeEach(async () => {
  wb = new Wallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

const tile = (page: Page, ext: string) => page.locator(`[data-testid="tile"][data-extension="${ext}"]`);

test('the board at a past moment, stepped and played without a reload, then live again', async ({ page }) => {
  expect(await wb.post(telephony('1001', 'talking'))).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  const then = new Date();
  await new Promise((r) => setTimeout(r, 300));
  expect(await wb.post(telephony('1001', 'registered'))).toBe(200);
  expect(await wb.post(telephony('1002', 'ringing'))).toBe(200);

  await page.goto(`${wb.url}/?at=${encodeURIComponent(then.toISOString())}`);
  const bar = page.getByTestId('replay');
  await expect(bar).toBeVisible();
  await expect(bar).toContainText('Replay');
  // The moment, to the second, in the viewer's clock.
  const shown = then.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  await expect(bar.locator('[data-replay-time]')).toHaveText(shown);
  await expect(tile(page, '1001')).toHaveAttribute('data-telephony', 'talking');
  await expect(tile(page, '1002')).toHaveCount(0);
  await expect(page.getByTestId('connection')).toHaveCount(0); // not pretending to be live
  await expect(page.getByTestId('stale')).toBeHidden();

  await page.evaluate(() => ((window as any).__mark = 'no-reload'));
  // One event on: 1001's phone is idle again (ticks are entries too, so
  // step until the board changes, a few at most).
  const seq = Number(await bar.getAttribute('data-seq'));
  for (let i = 0; i < 10 && (await tile(page, '1001').getAttribute('data-telephony')) === 'talking'; i++) {
    await bar.locator('[data-replay-step="+event"]').click();
    await expect(bar).not.toHaveAttribute('data-seq', String(seq + i));
  }
  await expect(tile(page, '1001')).toHaveAttribute('data-telephony', 'registered');
  expect(page.url()).toContain('seq=');

  // One back: as it was.
  await bar.locator('[data-replay-step="-event"]').click();
  await expect(tile(page, '1001')).toHaveAttribute('data-telephony', 'talking');

  // Play at ×60 catches up with now, then stops by itself.
  const play = bar.locator('[data-replay-play="60"]');
  await play.click();
  await expect(play).toHaveAttribute('aria-pressed', 'true');
  await expect(tile(page, '1002')).toHaveAttribute('data-telephony', 'ringing');
  await expect(play).toHaveAttribute('aria-pressed', 'false');
  expect(await page.evaluate(() => (window as any).__mark)).toBe('no-reload');

  // A reload shows the same moment; the way back is live.
  const at = await bar.getAttribute('data-at');
  await page.reload();
  await expect(page.getByTestId('replay')).toHaveAttribute('data-at', at!);
  await page.getByTestId('replay-live').click();
  await expect(page).toHaveURL(`${wb.url}/`);
  await expect(page.getByTestId('replay')).toHaveCount(0);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-connection', 'live');
});

test('a moment that has not happened is refused, with words', async ({ request }) => {
  const future = new Date(Date.now() + 3_600_000).toISOString();
  const res = await request.get(`${wb.url}/api/v1/state?at=${encodeURIComponent(future)}`);
  expect(res.status()).toBe(400);
  expect((await res.json()).error).toContain('not happened');
});
