import { test, expect } from '@playwright/test';
import { Wallboard, freePort, telephony } from './support';

// A board that is not live says so to the whole room: within 5 s of the
// server going away the page dims, a notice across it says since when its
// data dates, and its timers stop; within 2 s of the server being back
// everything returns at once, without a reload.

let wb: Wallboard;

test.beforeEach(async () => {
  wb = new Wallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

test('a stale board dims, says "Not live — data from …", stops its timers and returns at once', async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  for (const ext of ['4000', '4001', '4002']) expect(await wb.post(telephony(ext, 'talking'))).toBe(200);
  // The page's time flows from half an hour after the events, whenever
  // they are dated, so that durations read m:ss and tick every second.
  await page.goto(`${wb.url}/?tv=1`);
  const since = await page.locator('#tiles > [data-extension="4000"] .tile-state > time').getAttribute('data-since');
  await page.clock.install({ time: Date.parse(since!) + 30 * 60_000 });
  await page.goto(`${wb.url}/?tv=1`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await page.evaluate(() => ((window as any).__mark = 'no-reload'));
  const notice = page.getByTestId('stale');
  const timer = page.locator('#tiles > [data-extension="4000"] .tile-state > time');
  await expect(notice).toBeHidden();
  const ticking = await timer.textContent();
  await expect(timer).not.toHaveText(ticking!, { timeout: 3_000 });

  await wb.stop();
  const stopped = Date.now();
  await expect(notice).toBeVisible({ timeout: 5_000 });
  expect(Date.now() - stopped).toBeLessThan(5_000);
  await expect(notice).toHaveText(/^Not live — data from \d{1,2}:\d\d:\d\d( [AP]M)?, reconnecting$/);
  expect(await page.evaluate(() => document.documentElement.hasAttribute('data-not-live'))).toBe(true);
  expect(Number(await page.locator('main').evaluate((el) => getComputedStyle(el).opacity))).toBeLessThan(0.5);
  // The notice is in front of the board, readable from across the room.
  const size = await notice.evaluate((el) => ({ font: parseFloat(getComputedStyle(el).fontSize), width: el.getBoundingClientRect().width }));
  expect(size.font).toBeGreaterThanOrEqual(30);
  expect(size.width).toBeGreaterThan(600);
  const shot = testInfo.outputPath('tv-not-live-1920x1080.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('tv-not-live-1920x1080', { path: shot, contentType: 'image/png' });
  // Timers stop: the board does not pretend to count.
  const frozen = await timer.textContent();
  await page.waitForTimeout(2_500);
  await expect(timer).toHaveText(frozen!);

  await wb.start();
  const back = Date.now();
  await expect(notice).toBeHidden({ timeout: 2_000 });
  expect(Date.now() - back).toBeLessThan(2_000);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  expect(await page.evaluate(() => document.documentElement.hasAttribute('data-not-live'))).toBe(false);
  await expect(timer).not.toHaveText(frozen!, { timeout: 3_000 });
  expect(await page.evaluate(() => (window as any).__mark)).toBe('no-reload');
});
