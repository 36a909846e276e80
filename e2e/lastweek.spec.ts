import { test, expect, Page } from '@playwright/test';
import { Wallboard, company, freePort, shoot } from './support';
import { local, completedCall, abandonedCall, resetClock } from './tv-events';

// "Same time last week" beside each queue, on the board and the queue
// wall: the real server answers /api/v1/lastweek (with no figures a week
// old, so nothing is shown); page.route stands in for a week of history.

let wb: Wallboard;

test.beforeEach(async () => {
  resetClock();
  wb = new Wallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

// The first name is long: it gives way to the line, never the reverse.
const name = (i: number) => `Queue ${String(i + 1).padStart(2, '0')} customer line` + (i === 0 ? ' for the international escalations desk' : '');

async function queues(n: number) {
  const bodies: object[] = [];
  for (let i = 0; i < n; i++) {
    const agent = local(String(5000 + i), `Agent ${i}`, 'Support', 'Floor');
    bodies.push(completedCall(name(i), agent, 12_000, 90_000), abandonedCall(name(i), 48_000));
  }
  for (const b of bodies) expect(await wb.post(b)).toBe(200);
}

/** lastWeek answers /api/v1/lastweek with figures for the first two queues. */
async function lastWeek(page: Page, n = 2) {
  let asked = 0;
  await page.route('**/api/v1/lastweek?**', (route) => {
    asked++;
    expect(new URL(route.request().url()).searchParams.get('company')).toBe(company);
    const figures = (offered: number, sl: number | null) => ({
      offered, answered: offered, answeredInSl: 0, abandoned: 0, shortAbandoned: 0,
      serviceLevel: sl, abandonRate: null, asaSeconds: 0, avgTalkSeconds: 0,
    });
    const queues = [];
    for (let i = 0; i < n; i++) queues.push({ name: name(i), ...(i === 1 ? figures(0, null) : figures(1140, 82.4)) });
    return route.fulfill({ json: { company, day: '2026-11-26', until: '2026-11-26T10:15:00Z', queues } });
  });
  return () => asked;
}

/** whole reports the lines shown that do not fit their box. */
async function clipped(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-lastweek]')]
      .filter((el) => !el.hidden && el.offsetParent !== null)
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const box = el.closest<HTMLElement>('[data-queue]')!.getBoundingClientRect();
        return el.scrollWidth > el.clientWidth + 1 || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5 || r.right > innerWidth;
      })
      .map((el) => el.textContent),
  );
}

for (const path of ['/', '/queues']) {
  test(`last week beside the queues on ${path} at 1920x1080, whole, in the page's language`, async ({ page }, testInfo) => {
    await queues(3);
    const asked = await lastWeek(page);
    await page.goto(`${wb.url}${path}`);
    const row = (i: number) => page.locator(`#queues > [data-queue="${name(i)}"] [data-lastweek]`);
    await expect(row(0)).toBeVisible();
    await expect(row(0)).toHaveText('Last week: SL 82% · 1,140 offered');
    await expect(row(1)).toHaveText('Last week: 0 offered'); // nothing to divide by: no SL
    await expect(row(2)).toBeHidden(); // no figures for this queue a week ago
    await expect(row(0)).toHaveAttribute('title', /^The same weekday a week ago \(2026-11-26\), the calls that ended by \d\d:\d\d/);
    expect(await clipped(page)).toEqual([]);
    await shoot(page, testInfo, `lastweek-${path === '/' ? 'board' : 'wall'}`);
    expect(asked()).toBe(1); // once on load, for the one company on the page

    // A push replaces a row: its line stays.
    expect(await wb.post(completedCall(name(0), local('5000', 'Agent 0', 'Support', 'Floor'), 5_000, 30_000))).toBe(200);
    await expect(page.locator(`#queues > [data-queue="${name(0)}"] [data-key="sl"] dd`)).toHaveText('67%');
    await expect(row(0)).toHaveText('Last week: SL 82% · 1,140 offered');

    await page.goto(`${wb.url}${path}?lang=de`);
    await expect(row(0)).toHaveText('Letzte Woche: SL 82 % · 1.140 angeboten');
    expect(await clipped(page)).toEqual([]);
  });
}

test('no figures a week ago (the real server): no line', async ({ page }) => {
  await queues(2);
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/lastweek?'));
  await page.goto(`${wb.url}/`);
  const res = await answered;
  expect(res.status()).toBe(200);
  expect((await res.json()).queues).toEqual([]);
  await expect(page.locator('#queues > [data-queue]')).toHaveCount(2);
  await page.waitForTimeout(300);
  await expect(page.locator('[data-lastweek]:visible')).toHaveCount(0);
});

test('the queue wall leaves last week out from ten queues on', async ({ page }) => {
  await queues(10);
  await lastWeek(page, 10);
  await page.goto(`${wb.url}/queues`);
  await expect(page.locator('#queues > [data-queue]')).toHaveCount(10);
  // Filled, but not shown.
  await expect(page.locator(`#queues > [data-queue="${name(0)}"] [data-lastweek]`)).toHaveText(/Last week/);
  await expect(page.locator('[data-lastweek]:visible')).toHaveCount(0);
  // The board's side panel still shows it.
  await page.goto(`${wb.url}/`);
  await expect(page.locator(`#queues > [data-queue="${name(0)}"] [data-lastweek]`)).toBeVisible();
});

for (const n of [3, 9]) {
  test(`${n} queues on the wall at 1920x1080: the line is whole, beside the name, and takes no room`, async ({ page }, testInfo) => {
    await queues(n);
    await lastWeek(page, n);
    await page.goto(`${wb.url}/queues`);
    await expect(page.locator('#queues > [data-queue]')).toHaveCount(n);
    await expect(page.locator('[data-lastweek]:visible')).toHaveCount(n);
    expect(await clipped(page)).toEqual([]);
    await shoot(page, testInfo, `lastweek-queues-${n}`);
    const heights = () =>
      page.evaluate(() => [...document.querySelectorAll<HTMLElement>('#queues > [data-queue]')].map((q) => q.scrollHeight));
    const shown = await heights();
    await page.evaluate(() => document.querySelectorAll<HTMLElement>('[data-lastweek]').forEach((el) => (el.hidden = true)));
    expect(shown).toEqual(await heights());
  });
}
