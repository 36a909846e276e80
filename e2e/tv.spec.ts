import { test, expect, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { Wallboard, company as companyID, freePort, telephony, presence, shoot } from './support';
import { local, internalCall, queueCall, completedCall, namedPeople, resetClock, eventsStart } from './tv-events';

// The board supervisors leave on the wall: TV layout, filters in the URL,
// freshness, queue alerts, today's figures, accessibility.
//
// Screenshots are saved as test artifacts; with UPDATE_SCREENSHOTS=1 they
// also replace the README's images in docs/screenshots/:
//   UPDATE_SCREENSHOTS=1 npx playwright test --config e2e/playwright.config.ts e2e/tv.spec.ts -g screenshots

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
  // A few at a time: fast, and the server sees a realistic burst.
  for (let i = 0; i < bodies.length; i += 25) {
    const statuses = await Promise.all(bodies.slice(i, i + 25).map((b) => wb.post(b)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  }
}

/** A company of n people in every state, some with a status message. */
async function company(n: number) {
  const states = ['registered', 'talking', 'ringing', 'registered', 'registered', 'unregistered'];
  const bodies: object[] = [];
  for (let i = 0; i < n; i++) {
    const ext = String(4000 + i);
    bodies.push(telephony(ext, states[i % states.length]));
    if (i % 7 === 3) bodies.push(presence(ext, 'dnd', 'Training'));
    if (i % 11 === 5) bodies.push(presence(ext, 'away', 'Lunch'));
  }
  await postAll(bodies);
}

/** Two teams with groups and departments, a queue with callers and today's figures. */
async function floor() {
  const ann = local('1001', 'Ann Archer', 'Sales', 'Field');
  const bob = local('1002', 'Bob Brown', 'Sales', 'Office');
  const cleo = local('1003', 'Cleo Chen', 'Support', 'Care');
  const dev = local('1004', 'Dev Dutta', 'Support', 'Care');
  await postAll([
    internalCall(ann, bob),
    internalCall(cleo, dev),
    telephony('1001', 'talking'),
    telephony('1002', 'talking'),
    telephony('1003', 'registered'),
    telephony('1004', 'registered'),
    presence('1004', 'away', 'Dentist'),
    completedCall('Support line', cleo, 10_000, 180_000),
    completedCall('Support line', dev, 20_000, 60_000),
  ]);
}

async function open(page: Page, query = '') {
  await page.goto(`${wb.url}/${query}`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
}

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

test('300 people on a 1920×1080 TV: pages of legible tiles, no scrolling', async ({ page }, testInfo) => {
  await company(300);
  await open(page, '?tv=1');
  await expect(page.locator('#tiles > [data-extension]')).toHaveCount(300);
  const fit = await page.evaluate(() => ({
    scrollHeight: document.documentElement.scrollHeight,
    scrollWidth: document.documentElement.scrollWidth,
    innerHeight,
    innerWidth,
    theme: document.documentElement.dataset.theme,
    font: parseFloat(getComputedStyle(document.querySelector('#tiles .tile-name')!).fontSize),
    pages: Number(document.getElementById('tiles')!.dataset.pages),
  }));
  expect(fit.scrollHeight).toBeLessThanOrEqual(fit.innerHeight);
  expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
  expect(fit.theme).toBe('dark');
  expect(fit.font).toBeGreaterThanOrEqual(28); // names readable from 4 m
  expect(fit.pages).toBeGreaterThan(1);
  // The last tile is on a later page, which says how many it leaves out.
  await expect(page.locator('#tiles > [data-extension="4299"]')).toBeHidden();
  await expect(page.locator('[data-pager="tiles"]')).toHaveText(new RegExp(`^Page 1 of ${fit.pages} · \\+\\d+ more$`));
  await shoot(page, testInfo, 'tv-300-1920x1080');
});

test('a few people get big tiles on the TV', async ({ page }) => {
  await company(12);
  await open(page, '?tv=1');
  const font = await page.locator('#tiles .tile-name').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(font).toBeGreaterThan(28); // larger than the legible minimum: there is room
  await expect(page.locator('#tiles')).toHaveAttribute('data-pages', '1');
  await expect(page.locator('[data-pager="tiles"]')).toBeHidden();
});

test('screenshots', async ({ page, browser }, testInfo) => {
  await floor();
  const named = namedPeople(60);
  await postAll(named.starts);
  await postAll(named.ends);
  await company(60);
  await postAll([queueCall('Support line', '+15550101'), queueCall('Support line', '+15550102')]);

  // Show the events a while after they happened.
  const shown = new Date(eventsStart() + 17 * 60_000 + 42_000);
  await page.clock.setFixedTime(shown);
  await open(page, '?tv=1');
  await expect(page.locator('[data-testid="queue"]')).toHaveAttribute('data-level', 'red');
  await shoot(page, testInfo, 'tv-1920x1080', true);

  await page.emulateMedia({ colorScheme: 'dark' }); // outside TV mode the board follows the system
  await open(page, '');
  await shoot(page, testInfo, 'board-1920x1080', true);

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.clock.setFixedTime(shown);
  await phone.goto(`${wb.url}/agent?me=1003`);
  await expect(phone.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await shoot(phone, testInfo, 'agent-390x844', true);
  await phone.goto(`${wb.url}/?theme=light`);
  await expect(phone.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await shoot(phone, testInfo, 'board-light-390x844', true);
  await phone.close();
});

test('no serious accessibility violations on /, /?tv=1, /agent and the light theme', async ({ page }) => {
  await floor();
  await postAll([queueCall('Support line', '+15550101'), queueCall('Support line', '+15550102')]);
  for (const query of ['/', '/?tv=1', '/agent', '/agent?me=1001', '/?theme=light', '/agent?theme=light']) {
    await page.goto(`${wb.url}${query}`);
    await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
    await expect(page.locator('[data-extension="1001"]').first()).toBeVisible();
    expect(await seriousViolations(page), query).toEqual([]);
  }
});

test('filters and sorting live in the URL and survive a reload', async ({ page }) => {
  await floor();
  await open(page);
  const tiles = page.locator('#tiles > [data-extension]:visible');
  await expect(tiles).toHaveCount(4);

  await page.getByLabel('Group').selectOption('Support');
  await expect(tiles).toHaveCount(2);
  await page.getByLabel('Department').selectOption('Care');
  await page.getByLabel('Sort by').selectOption('state');
  await page.getByLabel('Search').fill('dev');
  await expect(tiles).toHaveCount(1);
  await expect(page).toHaveURL(/group=Support/);
  await expect(page).toHaveURL(/department=Care/);
  await expect(page).toHaveURL(/sort=state/);
  await expect(page).toHaveURL(/q=dev/);

  await page.reload();
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(tiles).toHaveCount(1);
  await expect(tiles.first()).toHaveAttribute('data-extension', '1004');
  await expect(page.getByLabel('Group')).toHaveValue('Support');
  await expect(page.getByLabel('Department')).toHaveValue('Care');
  await expect(page.getByLabel('Sort by')).toHaveValue('state');
  await expect(page.getByLabel('Search')).toHaveValue('dev');
  // The header counts only what the filters show.
  await expect(page.locator('[data-count-state="away"] [data-count]')).toHaveText('1');
  await expect(page.locator('[data-count-state="talking"] [data-count]')).toHaveText('0');

  // Sorting by state puts talking before available.
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Group').selectOption('');
  await page.getByLabel('Department').selectOption('');
  const order = await tiles.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.state));
  expect(order).toEqual(['talking', 'talking', 'away', 'available']);
});

test('the freshness indicator leaves live when the server goes and comes back on its own', async ({ page }) => {
  await company(3);
  await open(page, '?tv=1');
  await page.evaluate(() => ((window as any).__mark = 'no-reload'));

  await wb.stop();
  await expect(page.locator('[data-connection]')).not.toHaveAttribute('data-connection', 'live', { timeout: 5_000 });

  await wb.start();
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });
  expect(await page.evaluate(() => (window as any).__mark)).toBe('no-reload');
});

test('a silent connection (a TV that slept) is dropped and reopened without a reload', async ({ page }) => {
  await page.clock.install();
  await company(3);
  let sockets = 0;
  page.on('websocket', () => sockets++);
  await open(page, '?tv=1');
  await page.evaluate(() => ((window as any).__mark = 'no-reload'));
  expect(sockets).toBe(1);

  // As far as the page can tell, no frame arrived for 50 s: the socket is dead.
  await page.clock.fastForward(50_000);
  await expect(page.locator('[data-connection]')).not.toHaveAttribute('data-connection', 'live');
  await expect(page.locator('[data-connection-text]')).toContainText('Stale since');
  await expect(page.getByTestId('stale')).toContainText('Not live — data from');

  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  expect(sockets).toBe(2);
  expect(await page.evaluate(() => (window as any).__mark)).toBe('no-reload');
});

test('a busy queue raises an alert that can be acknowledged, and sound needs a click', async ({ page }) => {
  // The queue calls below are dated about 10 s after the events start; 20 s later, two callers
  // waiting make the queue amber (and not the waiting time, which is short).
  await page.clock.setFixedTime(new Date(eventsStart() + 30_000));
  await floor();
  await open(page);
  const queue = page.locator('[data-testid="queue"][data-queue="Support line"]');
  await expect(queue).toHaveAttribute('data-level', 'ok');
  // Key numbers: both calls answered within 20 s (service level 100%), nobody
  // waiting, free members unknown as no queue call has rung anyone today.
  // Today's figures: two answered, none abandoned, 15 s average wait, 2:00
  // average talk.
  await expect(queue.locator('dl.figures dd')).toHaveText(['100%', '0', '–', '–', '2', '0 · 0%', '0', '0', '0:15', '2:00']);
  await expect(page.locator('#agents [data-agent="1003"]')).toContainText('3:00');

  await postAll([queueCall('Support line', '+15550101'), queueCall('Support line', '+15550102')]);
  await expect(queue).toHaveAttribute('data-level', 'amber');
  await expect(queue).toContainText('Busy');
  const alert = page.locator('[data-testid="alert"]');
  await expect(alert).toContainText('Busy: Support line');

  await alert.getByRole('button', { name: /Acknowledge/ }).click();
  await expect(alert).toHaveCount(0);
  await expect(queue).toHaveAttribute('data-level', 'amber'); // acknowledged, still busy

  const sound = page.getByRole('button', { name: 'Sound off' });
  await expect(sound).toHaveAttribute('aria-pressed', 'false');
  await sound.click();
  await expect(page.locator('#sound')).toHaveAttribute('aria-pressed', 'true');
});

test('queue levels rise and fall with hysteresis; the TV grid adapts to the count; durations read 1h 17m', async ({ page }) => {
  await open(page);
  const src = await page.locator('script[type="module"]').getAttribute('src');
  const got = await page.evaluate(async (src) => {
    const m = await import(src!);
    const walk = (steps: [number, number][], t = m.DEFAULT_THRESHOLDS) => {
      let level = 'ok';
      return steps.map(([waiting, wait]) => (level = m.nextLevel(level, waiting, wait, t)));
    };
    // A queue's own thresholds, as the page's #queue-thresholds list gives them.
    const own = m.withOverrides(m.DEFAULT_THRESHOLDS, { amberWaiting: '4', redWaiting: '8', amberWait: '120', redWait: '300' });
    return {
      up: walk([[0, 0], [1, 30], [2, 0], [4, 100], [5, 0], [0, 200]]),
      down: walk([[5, 0], [4, 0], [3, 149], [1, 0], [0, 44], [0, 0]]),
      own: walk([[2, 0], [4, 0], [3, 0], [8, 0], [7, 0], [6, 0], [0, 110], [2, 0], [0, 0]], own),
      low: m.withOverrides(m.DEFAULT_THRESHOLDS, { amberWaiting: '1', amberWait: '' }),
      // A 1920×1080 TV's tiles box, 308 × 157 px tiles at 28 px.
      grid300: m.fitTiles(300, 1400, 950, 308, 157, 8),
      grid12: m.fitTiles(12, 1400, 950, 308, 157, 8),
      // Space for a side list's items: the small one gets all it wants.
      share: m.share(1000, [2, 40, 0], [150, 100, 60], [8, 8, 8], 30),
      // Pages of a side list by each item's own height, not its tallest's.
      paginate: m.paginate([100, 100, 300, 50, 50], 250, 8),
      durations: [m.duration(59_000), m.duration(3599_000), m.duration(4_620_000), m.duration(36_000_000)],
      fold: m.fold('Élodie Ñúñez'),
    };
  }, src);
  expect(got.up).toEqual(['ok', 'ok', 'amber', 'amber', 'red', 'red']);
  // Red holds at 4 waiting; amber holds while anyone waits or the wait is ≥ 45 s.
  expect(got.down).toEqual(['red', 'red', 'amber', 'amber', 'ok', 'ok']);
  // Own thresholds keep the defaults' hysteresis: amber holds at 3 waiting
  // or 105 s, red at 7.
  expect(got.own).toEqual(['ok', 'amber', 'amber', 'red', 'red', 'amber', 'amber', 'ok', 'ok']);
  // A quiet queue always settles: amber at 1 waiting clears below 1.
  expect([got.low.amberWaiting, got.low.clearWaiting, got.low.amberWait, got.low.clearWait]).toEqual([1, 1, 60, 45]);
  // 300 tiles take pages at the legible size; 12 fit one page, larger.
  expect(got.paginate).toEqual([0, 0, 1, 2, 2]);
  expect(got.grid300).toEqual({ scale: 1, cols: 4, rows: 5, perPage: 20, pages: 15 });
  expect(got.grid12.pages).toBe(1);
  expect(got.grid12.scale).toBeGreaterThan(1);
  expect(got.grid12.perPage).toBeGreaterThanOrEqual(12);
  expect(got.share[0]).toBe(2);
  expect(got.share[1]).toBeGreaterThan(0);
  expect(got.share[1]).toBeLessThan(40);
  expect(got.share[2]).toBe(0);
  expect(got.durations).toEqual(['0:59', '59:59', '1h 17m', '10h 00m']);
  expect(got.fold).toBe('elodie nunez');
});

test("a queue's configured thresholds replace the defaults, also for rows pushed later", async ({ page }) => {
  await page.clock.setFixedTime(new Date(eventsStart() + 30_000));
  await floor();
  await open(page);
  // What the server renders from the configuration file's queues: section.
  await page.evaluate((company) => {
    const list = document.createElement('ul');
    list.id = 'queue-thresholds';
    list.hidden = true;
    list.innerHTML = `<li data-company="${company}" data-queue="Support line" data-amber-waiting="3" data-red-waiting="6" data-amber-wait="90" data-red-wait="240"></li>`;
    document.getElementById('queues')!.after(list);
  }, companyID);
  const queue = page.locator('[data-testid="queue"][data-queue="Support line"]');
  await postAll([queueCall('Support line', '+15550101'), queueCall('Support line', '+15550102')]);
  await expect(queue.locator('[data-key="waiting"] dd')).toHaveText('2');
  await expect(queue).toHaveAttribute('data-level', 'ok'); // the default would be amber
  await postAll([queueCall('Support line', '+15550103')]);
  await expect(queue).toHaveAttribute('data-level', 'amber');
});

test('the agent view highlights me= and calls by tel: links', async ({ page }) => {
  await floor();
  await page.goto(`${wb.url}/agent?me=1003`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(page.locator('#people > [aria-current="true"]')).toHaveAttribute('data-extension', '1003');
  await expect(page.getByRole('link', { name: '1003, call Cleo Chen' })).toHaveAttribute('href', 'tel:1003');
});
