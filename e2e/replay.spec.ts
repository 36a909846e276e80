import { test, expect, Page } from '@playwright/test';
import { Wallboard, freePort, telephony, shoot } from './support';
import { local, completedCall, abandonedCall, queueCall, internalCall, resetClock } from './tv-events';

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
    // The bar moves at once, the board with the next render: read the
    // tile after it, or a busy machine steps past the change.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
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

test("a click on a queue's intraday chart opens the board at that moment; the scrubber runs over today's chart", async ({ page }) => {
  resetClock();
  const agent = local('5001', 'Ann Archer', 'Support', 'Floor');
  for (const body of [completedCall('Support line', agent, 10_000, 60_000), abandonedCall('Support line', 40_000)]) {
    expect(await wb.post(body)).toBe(200);
  }
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${wb.url}/queues`);
  const chart = page.locator('[data-queue="Support line"] svg[data-testid="chart"]');
  await expect(chart).toHaveAttribute('data-from', /T/);
  const from = Date.parse((await chart.getAttribute('data-from'))!);
  const to = Date.parse((await chart.getAttribute('data-to'))!);
  // A quarter of the way across: that instant (or now, if it is later).
  const box = (await chart.boundingBox())!;
  const before = Date.now();
  await chart.click({ position: { x: box.width / 4, y: box.height / 2 } });
  await expect(page).toHaveURL(/[?&]at=/);
  const url = new URL(page.url());
  expect(url.pathname).toBe('/');
  expect(url.searchParams.get('queue')).toBe('Support line');
  const at = Date.parse(url.searchParams.get('at')!);
  const want = Math.min(from + (to - from) / 4, before + 5_000);
  expect(Math.abs(at - want)).toBeLessThan((to - from) / 100 + 2_000);
  const bar = page.getByTestId('replay');
  await expect(bar).toBeVisible();

  // The bar's chart: today's calls, on the scrubber's own axis, behind it.
  const day = bar.getByTestId('replay-day');
  await expect(day.locator('g')).not.toHaveCount(0);
  await expect(day.locator('g title').first()).toContainText(/\d+ answered, \d+ abandoned/);
  const scrub = bar.locator('[data-replay-scrub]');
  const [d, r] = [(await day.boundingBox())!, (await scrub.boundingBox())!];
  expect(Math.abs(d.x - r.x)).toBeLessThan(1);
  expect(Math.abs(d.width - r.width)).toBeLessThan(1);
  expect(d.y + d.height).toBeGreaterThan(r.y);
});

test('a moment that has not happened is refused, with words', async ({ request }) => {
  const future = new Date(Date.now() + 3_600_000).toISOString();
  const res = await request.get(`${wb.url}/api/v1/state?at=${encodeURIComponent(future)}`);
  expect(res.status()).toBe(400);
  expect((await res.json()).error).toContain('not happened');
});

test('screenshots: the replayed board is whole and legible on a TV, a 4K screen and a phone', async ({ browser }, testInfo) => {
  resetClock();
  const ann = local('5001', 'Ann Archer', 'Support', 'Floor');
  const bob = local('5002', 'Bob Brown', 'Support', 'Floor');
  for (const body of [
    internalCall(ann, bob),
    completedCall('Support line', ann, 10_000, 60_000),
    completedCall('Sales line', bob, 30_000, 90_000),
    abandonedCall('Support line', 40_000),
    queueCall('Support line', '+15550142'),
    telephony('5003', 'registered'),
  ]) {
    expect(await wb.post(body)).toBe(200);
  }
  await new Promise((r) => setTimeout(r, 300));
  const at = new Date().toISOString();
  for (const s of [
    { name: '1920x1080', width: 1920, height: 1080, scale: 1 },
    // A 4K desk monitor at 200 %: 1920×1080 CSS pixels, twice as sharp.
    { name: '3840x2160@2', width: 1920, height: 1080, scale: 2 },
    { name: '390x844', width: 390, height: 844, scale: 2 },
  ]) {
    const context = await browser.newContext({ viewport: { width: s.width, height: s.height }, deviceScaleFactor: s.scale });
    const page = await context.newPage();
    await page.goto(`${wb.url}/?at=${encodeURIComponent(at)}`);
    const bar = page.getByTestId('replay');
    await expect(bar).toBeVisible();
    await expect(page.locator('[data-testid="tile"]')).not.toHaveCount(0);
    const m = await page.evaluate(() => {
      const problems: string[] = [];
      const root = document.documentElement;
      if (root.scrollWidth > innerWidth) problems.push(`the page scrolls sideways: ${root.scrollWidth} in ${innerWidth}`);
      const bar = document.getElementById('replay')!;
      for (const el of bar.querySelectorAll<HTMLElement>('a, button, input, .replay-title')) {
        const r = el.getBoundingClientRect();
        if (r.left < -0.5 || r.right > innerWidth + 0.5) problems.push(`${el.textContent?.trim() || el.tagName}: off screen`);
        if (el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'INPUT') problems.push(`${el.textContent?.trim()}: cut`);
      }
      const title = parseFloat(getComputedStyle(bar.querySelector('.replay-title')!).fontSize);
      return { problems, title };
    });
    await shoot(page, testInfo, `replay-${s.name}`, s.name === '1920x1080');
    expect(m.problems, s.name).toEqual([]);
    // "Replay — 10:42:00" is the largest text of the page's head: nobody takes it for live.
    expect(m.title, s.name).toBeGreaterThanOrEqual(s.width >= 1920 ? 24 : 20);
    await context.close();
  }
});
