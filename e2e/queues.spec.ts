import { test, expect, Page } from '@playwright/test';
import { Wallboard, freePort, shoot } from './support';
import { local, queueCall, completedCall, abandonedCall, resetClock } from './tv-events';

// The queue wall (/queues) read from 4 m: service level, waiting, longest
// wait and free agents at least 48 px on a 1080-line screen (twice that on
// a 4K screen at device scale 1), for every count from 1 to 12 queues, nothing cut or
// overflowing its panel, and the chart described in words.

let wb: Wallboard;

test.beforeEach(async () => {
  resetClock();
  wb = new Wallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

async function postAll(bodies: object[]) {
  for (let i = 0; i < bodies.length; i += 25) {
    const statuses = await Promise.all(bodies.slice(i, i + 25).map((b) => wb.post(b)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  }
}

/** n queues, each with callers waiting, answered calls and abandons. */
async function queues(n: number) {
  const bodies: object[] = [];
  for (let i = 0; i < n; i++) {
    const name = `Queue ${String(i + 1).padStart(2, '0')} customer line`;
    const agent = local(String(5000 + i), `Agent ${i}`, 'Support', 'Floor');
    for (let k = 0; k < 1 + (i % 6); k++) bodies.push(queueCall(name, `+1555010${i}${k}`));
    bodies.push(completedCall(name, agent, 12_000, 90_000), completedCall(name, agent, 35_000, 60_000));
    bodies.push(abandonedCall(name, 48_000), abandonedCall(name, 2_000));
  }
  await postAll(bodies);
}

type Measure = { u: number; problems: string[]; panels: number; sizes: number[] };

async function measure(page: Page): Promise<Measure> {
  return page.evaluate(() => {
    const u = innerHeight / 1080;
    const problems: string[] = [];
    const sizes: number[] = [];
    const root = document.documentElement;
    if (root.scrollHeight > innerHeight || root.scrollWidth > innerWidth) {
      problems.push(`the page scrolls: ${root.scrollWidth}×${root.scrollHeight} in ${innerWidth}×${innerHeight}`);
    }
    const panels = [...document.querySelectorAll<HTMLElement>('#queues > [data-testid="queue"]')];
    for (const q of panels) {
      const name = q.dataset.queue;
      const box = q.getBoundingClientRect();
      if (box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) problems.push(`${name}: panel off screen`);
      if (q.scrollHeight > q.clientHeight + 1 || q.scrollWidth > q.clientWidth + 1) {
        problems.push(`${name}: panel overflows (${q.scrollWidth}×${q.scrollHeight} in ${q.clientWidth}×${q.clientHeight})`);
      }
      for (const key of ['sl', 'waiting', 'longest', 'free']) {
        const dd = q.querySelector<HTMLElement>(`[data-key="${key}"] dd`);
        if (!dd) {
          problems.push(`${name}: no ${key}`);
          continue;
        }
        const px = parseFloat(getComputedStyle(dd).fontSize);
        sizes.push(px);
        if (px < 48 * u - 0.01) problems.push(`${name} ${key}: ${px} px < ${48 * u}`);
        const r = dd.getBoundingClientRect();
        if (dd.scrollWidth > dd.clientWidth + 1) problems.push(`${name} ${key}: "${dd.textContent}" cut across`);
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5) problems.push(`${name} ${key}: outside its panel`);
      }
      // Every figure shown is whole: none runs into its neighbour.
      for (const dd of q.querySelectorAll<HTMLElement>('.queue-today dd')) {
        if (dd.offsetParent !== null && dd.scrollWidth > dd.clientWidth + 1) problems.push(`${name}: today's "${dd.textContent}" cut across`);
      }
      // Callers shown are shown whole; the rest are counted.
      const list = q.querySelector<HTMLElement>('[data-waiters]')!;
      const lr = list.getBoundingClientRect();
      const shown = [...list.children].filter((li) => !(li as HTMLElement).hidden);
      for (const li of shown) if (li.getBoundingClientRect().bottom > lr.bottom + 0.5) problems.push(`${name}: a caller cut off`);
      const waiting = Number(q.dataset.waiting);
      const more = q.querySelector<HTMLElement>('[data-more]')!;
      const left = more.hidden ? 0 : Number((more.textContent || '').replace(/\D/g, ''));
      if (shown.length + left !== waiting) problems.push(`${name}: ${shown.length} shown + ${left} more ≠ ${waiting} waiting`);
      const svg = q.querySelector('svg[role="img"]');
      if (!svg?.querySelector('title')?.textContent || !svg.querySelector('desc')?.textContent?.includes('abandoned')) {
        problems.push(`${name}: the chart has no title or description`);
      }
    }
    // The all-queues line (two queues or more): as legible, whole, on screen.
    for (const t of document.querySelectorAll<HTMLElement>('#queue-totals > [data-testid="queue-total"]')) {
      const box = t.getBoundingClientRect();
      if (box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) problems.push('all queues: off screen');
      if (t.scrollHeight > t.clientHeight + 1 || t.scrollWidth > t.clientWidth + 1) problems.push('all queues: overflows');
      for (const dd of t.querySelectorAll<HTMLElement>('.queue-key dd')) {
        const px = parseFloat(getComputedStyle(dd).fontSize);
        sizes.push(px);
        if (dd.scrollWidth > dd.clientWidth + 1) problems.push(`all queues: "${dd.textContent}" cut across`);
      }
    }
    return { u, problems, panels: panels.length, sizes };
  });
}

const screens = [
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '3840x2160', width: 3840, height: 2160 },
];

for (let n = 1; n <= 12; n++) {
  for (const s of screens) {
    test(`${n} queue(s) at ${s.name}: key numbers legible, nothing overflows`, async ({ browser }, testInfo) => {
      await queues(n);
      const context = await browser.newContext({ viewport: { width: s.width, height: s.height } });
      const page = await context.newPage();
      await page.goto(`${wb.url}/queues`);
      await expect(page.getByTestId('connection')).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });
      await expect(page.locator('#queues > [data-testid="queue"]')).toHaveCount(n);
      // The last queue's figures have arrived.
      await expect(page.locator('#queues > [data-testid="queue"]').last()).toHaveAttribute('data-abandon', /\d/);
      await page.waitForTimeout(300);
      const m = await measure(page);
      await shoot(page, testInfo, n === 12 ? `queues-${s.name}` : `queues-${n}-${s.name}`, n === 12 && s.name === '1920x1080');
      expect(m.problems).toEqual([]);
      expect(Math.min(...m.sizes)).toBeGreaterThanOrEqual(48 * m.u - 0.01);
      await expect(page.getByTestId('queue-total')).toHaveCount(n > 1 ? 1 : 0);
      await context.close();
    });
  }
}

test('all queues together: one line above the panels with the sums, on the wall, the board and the API', async ({ page }) => {
  await queues(3);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${wb.url}/queues`);
  const total = page.getByTestId('queue-total');
  // 1 + 2 + 3 callers waiting; each queue answered 2 (one within 20 s) and
  // lost one caller after 48 s (the 2 s one is a short abandon): 3 of 9.
  await expect(total.locator('[data-key="waiting"] dd')).toHaveText('6');
  await expect(total.locator('[data-key="sl"] dd')).toHaveText('33%');
  await expect(total.locator('.queue-today dd').first()).toHaveText('6');
  await expect(total.locator('.queue-head')).toHaveText('All queues');
  // Measured in one synchronous pass, so that a push replacing the line
  // cannot detach it halfway.
  const m = await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="queue-total"]')!;
    const box = el.getBoundingClientRect();
    const first = document.querySelector('#queues > [data-testid="queue"]')!.getBoundingClientRect();
    const dds = [...el.querySelectorAll<HTMLElement>('.queue-key dd')];
    return {
      sizes: dds.map((dd) => parseFloat(getComputedStyle(dd).fontSize)),
      cut: dds.some((dd) => dd.scrollWidth > dd.clientWidth + 1) || el.scrollHeight > el.clientHeight + 1,
      above: box.bottom <= first.top + 0.5,
      height: box.height,
    };
  });
  expect(Math.min(...m.sizes)).toBeGreaterThanOrEqual(48);
  expect(m.cut).toBe(false);
  expect(m.above).toBe(true);
  // One line: the key numbers and today's figures side by side.
  expect(m.height).toBeLessThan(130);
  // The board's side panel and the API carry the same total.
  await page.goto(`${wb.url}/`);
  await expect(page.getByTestId('queue-total').locator('[data-key="waiting"] dd')).toHaveText('6');
  const state = await (await page.request.get(`${wb.url}/api/v1/state`)).json();
  expect(state.queueTotals).toHaveLength(1);
  expect(state.queueTotals[0]).toMatchObject({ name: '', waiting: 6, answeredToday: 6, slThresholdSeconds: 20 });
  expect(state.queueTotals[0].waitingCalls).toHaveLength(6);
});

test('the service level is explained on focus and the window follows the select', async ({ page }) => {
  await queues(2);
  await page.goto(`${wb.url}/queues?window=30`);
  const q = page.locator('#queues > [data-testid="queue"]').first();
  await expect(q).toHaveAttribute('data-sl', /\d/);
  // 1 of 2 answered calls within 20 s, the long abandon counted, the short one not: 33 %.
  await expect(q.locator('[data-key="sl"] dd')).toHaveText('33%');
  const label = q.locator('[data-key="sl"] dt');
  await label.focus();
  await expect(label).toHaveAttribute('title', /20 s ÷ \(answered \+ abandoned calls\); callers who hung up within 5 s are short abandons/);
  await expect(q.locator('.queue-windows dd[data-window="30"]')).toBeVisible();
  await expect(q.locator('.queue-windows dd[data-window="15"]')).toBeHidden();
  await page.getByTestId('window').selectOption('60');
  await expect(q.locator('.queue-windows dd[data-window="60"]')).toBeVisible();
  await expect(page).toHaveURL(/window=60/);
  // The board's side panel shows the same numbers, compact.
  await page.goto(`${wb.url}/`);
  await expect(page.locator('#queues > [data-testid="queue"]').first().locator('[data-key="sl"] dd')).toHaveText('33%');
});
