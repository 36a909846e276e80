import { test, expect, Browser, Page, TestInfo } from '@playwright/test';
import { Wallboard, freePort, telephony, presence, shoot } from './support';
import { namedPeople, local, internalCall, queueCall, completedCall, personName, resetClock } from './tv-events';

// The TV from 4 m, at every company size: names ≥ 28 px, state words and
// timers ≥ 24 px (proportionally larger on a 4K screen at device scale 1),
// nothing clipped, and pages instead of shrinking, each saying which page it
// is and how many people it leaves out.

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

/** n named people in every state, some with a status message, and some calls. */
async function company(n: number, calls = 0) {
  const named = namedPeople(n);
  await postAll(named.starts);
  await postAll(named.ends);
  const states = ['registered', 'talking', 'ringing', 'registered', 'registered', 'unregistered'];
  const bodies: object[] = [];
  for (let i = 0; i < n; i++) {
    const ext = String(4000 + i);
    bodies.push(telephony(ext, states[i % states.length]));
    if (i % 7 === 3) bodies.push(presence(ext, 'dnd', 'Training'));
    if (i % 11 === 5) bodies.push(presence(ext, 'away', 'Lunch with the whole support team'));
  }
  for (let i = 0; i < calls; i++) {
    const a = local(String(4000 + 2 * i), personName(2 * i), 'Sales', 'Floor');
    const b = local(String(4001 + 2 * i), personName(2 * i + 1), 'Sales', 'Floor');
    bodies.push(internalCall(a, b));
  }
  bodies.push(queueCall('Support line', '+15550101'), queueCall('Sales line', '+15550102'));
  await postAll(bodies);
}

const screens = [
  { name: '1920x1080', width: 1920, height: 1080, scale: 1 },
  { name: '3840x2160@1', width: 3840, height: 2160, scale: 1 },
  { name: '3840x2160@2', width: 1920, height: 1080, scale: 2 }, // a 4K TV at device scale 2: 1920×1080 CSS pixels
  { name: '1366x768', width: 1366, height: 768, scale: 1 },
];

type Measure = {
  u: number;
  scroll: { h: number; w: number; innerH: number; innerW: number };
  shown: number;
  total: number;
  pages: number;
  pager: string;
  problems: string[];
};

/** measure checks every element on screen against the legible sizes. */
async function measure(page: Page): Promise<Measure> {
  return page.evaluate(() => {
    const u = Math.max(1, innerHeight / 1080);
    const problems: string[] = [];
    const px = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
    const visible = (el: Element) => (el as HTMLElement).offsetParent !== null && el.getClientRects().length > 0;
    const check = (el: Element, what: string, min: number) => {
      if (!visible(el)) return;
      const e = el as HTMLElement;
      const label = `${what} "${e.textContent}" (${e.closest('[id]')?.id})`;
      if (px(e) < min * u - 0.01) problems.push(`${label}: ${px(e)} px < ${min * u}`);
      if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth) problems.push(`${label}: clipped across (${e.scrollWidth} > ${e.clientWidth})`);
      if (e.scrollHeight > e.clientHeight + 1 && getComputedStyle(e).overflowY !== 'visible') problems.push(`${label}: clipped down (${e.scrollHeight} > ${e.clientHeight})`);
      if (e.textContent!.includes('…')) problems.push(`${label}: ellipsis`);
      const r = e.getBoundingClientRect();
      if (r.bottom > innerHeight || r.right > innerWidth) problems.push(`${label}: off screen`);
      // Inside its parent (an inline timer has no scroll size of its own),
      // and inside its tile or card, not under its border.
      for (const box of [e.parentElement!, e.closest('.tile, .card')]) {
        const b = box?.getBoundingClientRect();
        if (b && (r.bottom > b.bottom + 0.5 || r.right > b.right + 0.5 || r.left < b.left - 0.5)) problems.push(`${label}: outside its box`);
      }
    };
    const tiles = [...document.querySelectorAll('#tiles > [data-extension]')];
    const shown = tiles.filter(visible);
    for (const t of shown) {
      check(t.querySelector('.tile-name')!, 'name', 28);
      check(t.querySelector('.tile-state > span')!, 'state', 24);
      for (const since of t.querySelectorAll('time[data-since]')) check(since, 'timer', 24);
      // Whom a call is with is shortened ("Kenji T. · 219"), never cut.
      for (const p of t.querySelectorAll('.tile-party')) {
        if (visible(p) && p.scrollWidth > p.clientWidth) problems.push(`call party "${p.textContent}" (${t.id}): cut (${p.scrollWidth} > ${p.clientWidth})`);
      }
    }
    for (const el of document.querySelectorAll('.side time[data-since]')) check(el, 'timer', 24);
    for (const el of document.querySelectorAll('#calls .font-semibold, #queues [data-level-word]')) if (el.textContent) check(el, 'state', 24);
    // Nothing in the side runs past its bottom (where it would be cut).
    const side = document.querySelector('.side')!.getBoundingClientRect();
    for (const el of document.querySelectorAll('.side li, .side tr, .side [data-pager]')) {
      if (visible(el) && el.getBoundingClientRect().bottom > side.bottom + 0.5) problems.push(`side item ${el.id || el.textContent} cut at the bottom`);
    }
    const list = document.getElementById('tiles')!;
    const pager = document.querySelector('[data-pager="tiles"]') as HTMLElement;
    // The header takes one line: on a narrow TV the counts keep their icon
    // and number.
    const header = document.querySelector('.page-header') as HTMLElement;
    if (header.offsetHeight > 48 * u) problems.push(`header: ${header.offsetHeight} px high, more than one line`);
    return {
      u,
      scroll: { h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth, innerH: innerHeight, innerW: innerWidth },
      shown: shown.length,
      total: tiles.length,
      pages: Number(list.dataset.pages),
      pager: pager.hidden ? '' : pager.textContent!,
      problems,
    };
  });
}

async function openTV(browser: Browser, screen: (typeof screens)[number], query = '?tv=1&rotate=0') {
  const context = await browser.newContext({ viewport: { width: screen.width, height: screen.height }, deviceScaleFactor: screen.scale });
  const page = await context.newPage();
  await page.goto(`${wb.url}/${query}`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  return page;
}

for (const n of [12, 48, 300, 1000]) {
  test(`${n} people are legible on every TV size, in pages when they do not fit`, async ({ browser }, testInfo) => {
    test.setTimeout(n >= 1000 ? 240_000 : 120_000);
    await company(n, n >= 300 ? 40 : 3);
    for (const screen of screens) {
      const page = await openTV(browser, screen);
      await expect(page.locator('#tiles > [data-extension]')).toHaveCount(n);
      const m = await measure(page);
      await shoot(page, testInfo, `tv-${n}-${screen.name}`);
      expect(m.problems.slice(0, 10), screen.name).toEqual([]);
      expect(m.scroll.h, screen.name).toBeLessThanOrEqual(m.scroll.innerH);
      expect(m.scroll.w, screen.name).toBeLessThanOrEqual(m.scroll.innerW);
      // Every page but the last is full, and the pager says what is left out.
      expect(m.pages, screen.name).toBe(Math.ceil(n / m.shown));
      if (m.pages > 1) expect(m.pager, screen.name).toBe(`Page 1 of ${m.pages} · +${n - m.shown} more`);
      else expect(m.shown, screen.name).toBe(n);
      // Side lists that do not fit say so.
      for (const list of ['calls', 'queues', 'conferences']) {
        const got = await page.evaluate((id) => {
          const items = [...document.getElementById(id)!.children] as HTMLElement[];
          const on = items.filter((el) => el.offsetParent !== null).length;
          const pager = document.querySelector(`[data-pager="${id}"]`) as HTMLElement;
          return { items: items.length, on, pager: pager.hidden ? '' : pager.textContent };
        }, list);
        if (got.on < got.items) expect(got.pager, `${screen.name} ${list}`).toMatch(new RegExp(`^(Page 1 of \\d+ · )?\\+${got.items - got.on} more$`));
        else expect(got.pager, `${screen.name} ${list}`).toBe('');
      }
      await page.context().close();
    }
  });
}

test('pages turn every rotate= seconds, in the same order every cycle', async ({ browser }) => {
  test.setTimeout(90_000);
  await company(48);
  const page = await openTV(browser, screens[0], '?tv=1&rotate=3');
  const pager = page.locator('[data-pager="tiles"]');
  const pages = Number(await page.locator('#tiles').getAttribute('data-pages'));
  expect(pages).toBeGreaterThan(1);
  const seen: string[][] = [];
  for (let i = 0; i < 2 * pages; i++) {
    await expect(pager).toContainText(`Page ${(i % pages) + 1} of ${pages}`, { timeout: 5_000 });
    seen.push(await page.locator('#tiles > [data-extension]:visible').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.extension!)));
  }
  const cycle = seen.slice(0, pages);
  expect(seen.slice(pages)).toEqual(cycle); // the same order every cycle
  const everyone = cycle.flat();
  expect(new Set(everyone).size).toBe(48); // each person on exactly one page
  expect(everyone).toHaveLength(48);
});

test('exceptions first: everyone not available comes before the available', async ({ browser }) => {
  await company(48);
  const page = await openTV(browser, screens[0], '?tv=1&rotate=0&sort=exceptions');
  const states = await page.locator('#tiles > [data-extension]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.state));
  const firstFree = states.indexOf('available');
  expect(firstFree).toBeGreaterThan(0);
  expect(states.slice(firstFree).every((s) => s === 'available')).toBe(true);
});

test('a name too long for two lines shows as "Given F.", never cut', async ({ browser }) => {
  await postAll([internalCall(local('4000', 'Bartholomew Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff', 'Sales', 'Floor'), local('4001', 'Li Chen', 'Sales', 'Floor'))]);
  await postAll([telephony('4000', 'talking'), telephony('4001', 'talking')]);
  const page = await openTV(browser, screens[0]);
  await expect(page.locator('[data-extension="4000"] .tile-name')).toHaveText('Bartholomew F.');
  await expect(page.locator('[data-extension="4001"] .tile-name')).toHaveText('Li Chen');
  expect((await measure(page)).problems).toEqual([]);
});

test('a name known only by its email shows its part before "@", broken after a dot rather than mid-word', async ({ browser }) => {
  await company(47);
  await postAll([internalCall(local('4100', 'alessandro.colombo@it-w555001.example.com', 'Sales', 'Floor'), local('4101', 'Li Chen', 'Sales', 'Floor'))]);
  await postAll([telephony('4100', 'registered')]);
  const page = await openTV(browser, screens[0]);
  const name = page.locator('[data-extension="4100"] .tile-name');
  await expect(name).toHaveText(/^alessandro\.\u200b?colombo$/);
  await expect(name).not.toHaveClass(/\bbreak\b/);
  expect((await measure(page)).problems).toEqual([]);
});

test('a TV that changes size lays itself out again, still legible and whole', async ({ browser }) => {
  await company(48, 3);
  const page = await openTV(browser, screens[0]);
  const before = await measure(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await expect.poll(async () => (await measure(page)).pages).toBeGreaterThan(before.pages);
  const after = await measure(page);
  expect(after.problems).toEqual([]);
  expect(after.scroll.h).toBeLessThanOrEqual(after.scroll.innerH);
  expect(after.pages).toBe(Math.ceil(48 / after.shown));
  await page.setViewportSize({ width: 3840, height: 2160 });
  await expect.poll(async () => (await measure(page)).u).toBe(2);
  expect((await measure(page)).problems).toEqual([]);
  await page.context().close();
});

test("the side gives its room to the queues first, then the calls, and today's figures per agent last", async ({ browser }, testInfo) => {
  // A busy hour: two queues with callers waiting, eight calls between
  // colleagues, and twelve agents with figures for today.
  const named = namedPeople(48);
  await postAll(named.starts);
  await postAll(named.ends);
  const bodies: object[] = [queueCall('Support line', '+15550101'), queueCall('Sales line', '+15550102')];
  for (let i = 0; i < 8; i++) {
    const a = local(String(4000 + 2 * i), personName(2 * i), 'Sales', 'Floor');
    const b = local(String(4001 + 2 * i), personName(2 * i + 1), 'Sales', 'Floor');
    bodies.push(internalCall(a, b));
  }
  for (let i = 0; i < 12; i++) bodies.push(completedCall(i % 2 ? 'Support line' : 'Sales line', local(String(4020 + i), personName(20 + i), 'Support', 'Floor'), 8_000, 60_000));
  await postAll(bodies);

  for (const screen of screens.filter((s) => s.name !== '1366x768')) {
    const page = await openTV(browser, screen);
    await expect(page.locator('#calls > li')).toHaveCount(10); // the two callers waiting too
    await expect(page.locator('#alerts [data-testid="alert"]')).toHaveCount(2); // and the side at its fullest
    await expect(page.locator('#agents > tr')).toHaveCount(12);
    const got = await page.evaluate(() => {
      const on = (id: string) => [...document.getElementById(id)!.children].filter((el) => (el as HTMLElement).offsetParent !== null);
      const u = innerHeight / 1080;
      const call = (on('calls')[0] ?? document.querySelector('#calls > li')) as HTMLElement;
      const line = parseFloat(getComputedStyle(call.querySelector('.font-semibold')!).lineHeight);
      const cols = getComputedStyle(document.getElementById('tiles')!).gridTemplateColumns.split(' ').length;
      return {
        queues: on('queues').length,
        calls: on('calls').length,
        agents: on('agents').length,
        // A call's lines: its state with its queue, then its parties.
        callLines: Math.round((call.clientHeight - 16 * u) / line),
        queueLine: call.querySelector('.call-queue') ? getComputedStyle(call.querySelector('.call-queue')!).display : 'none',
        head: Math.min(...[...document.querySelectorAll('.agent-figures th[scope="col"]')].map((th) => parseFloat(getComputedStyle(th).fontSize) / u)),
        cols,
      };
    });
    await shoot(page, testInfo, `tv-side-${screen.name}`);
    // The queues lead, the calls follow: both show, however busy.
    expect(got.queues, screen.name).toBeGreaterThanOrEqual(1);
    expect(got.calls, screen.name).toBeGreaterThanOrEqual(2);
    expect(got.callLines, screen.name).toBeLessThanOrEqual(2);
    // Today's figures per agent come after the live lists.
    if (got.agents > 0) expect(got.calls, screen.name).toBeGreaterThanOrEqual(3);
    expect(got.head, screen.name).toBeGreaterThanOrEqual(16);
    // The side's width never costs a column of tiles.
    expect(got.cols, screen.name).toBe(4);
    await page.context().close();
  }
});

test('a timer that grows ("59:59" becomes "1h 00m") lays its tile out again: nothing is cut', async ({ browser }) => {
  const named = namedPeople(48);
  await postAll(named.starts);
  await postAll(named.ends);
  // Every TV size, and one between (tiles at their narrowest).
  const sizes = [{ name: '1760x1080', width: 1760, height: 1080, scale: 1 }, ...screens];
  const pages = await Promise.all(sizes.map((screen) => openTV(browser, screen)));
  // Ann Kowalczyk-Wiśniewska (4003), whose name takes two lines, talking
  // and ringing for an hour less four seconds.
  const since = Math.floor(Date.now() / 1000) * 1000 - (3600 - 4) * 1000;
  for (const status of ['talking', 'rt']) expect(await wb.post({ ...telephony('4003', status), time: since })).toBe(200);
  for (const [i, page] of pages.entries()) {
    const timer = page.locator('#tiles > [data-extension="4003"] .tile-state time');
    if (i === 0) await expect(timer).toContainText('59:');
    await expect(timer).toContainText('1h 00m', { timeout: 10_000 });
  }
  await pages[0].waitForTimeout(200); // the next frame's layout
  for (const [i, page] of pages.entries()) {
    const cut = await page.locator('#tiles > [data-extension="4003"]').evaluate((t) => {
      const box = t.getBoundingClientRect();
      return [...t.querySelectorAll('*')]
        .filter((el) => (el as HTMLElement).offsetParent !== null && el.getClientRects().length > 0)
        .filter((el) => el.getBoundingClientRect().bottom > box.bottom - parseFloat(getComputedStyle(t).borderBottomWidth) + 0.5)
        .map((el) => `${el.className}: ${el.textContent}`);
    });
    expect(cut, sizes[i].name).toEqual([]);
    await page.context().close();
  }
});
