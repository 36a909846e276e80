import { test, expect, Page } from '@playwright/test';
import { Wallboard, freePort, telephony } from './support';
import { namedPeople, personName, resetClock } from './tv-events';

// The agents' view on a phone: a search that stays on screen and ignores
// accents, a "free only" filter, the viewer's own row pinned at the top, and
// keyboard focus that survives a push replacing its row.

let wb: Wallboard;

test.use({ viewport: { width: 390, height: 844 } });

test.beforeEach(async () => {
  resetClock();
  wb = new Wallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

const N = 40;

async function colleagues() {
  const named = namedPeople(N);
  for (const list of [named.starts, named.ends]) {
    for (const b of list) expect(await wb.post(b)).toBe(200);
  }
  const states = ['registered', 'talking', 'ringing', 'unregistered'];
  for (let i = 0; i < N; i++) expect(await wb.post(telephony(String(4000 + i), states[i % states.length]))).toBe(200);
}

async function open(page: Page, query = '') {
  await page.goto(`${wb.url}/agent${query}`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
}

const rows = (page: Page) => page.locator('#people > [data-extension]:visible');

test('the search ignores accents and says when nobody matches', async ({ page }) => {
  await colleagues();
  await open(page);
  await expect(rows(page)).toHaveCount(N);
  const search = page.getByLabel('Search colleagues');
  await search.fill('elodie');
  const elodies = Array.from({ length: N }, (_, i) => personName(i)).filter((n) => n.startsWith('Élodie'));
  expect(elodies.length).toBeGreaterThan(1);
  await expect(rows(page)).toHaveCount(elodies.length);
  for (const text of await rows(page).allTextContents()) expect(text).toContain('Élodie');
  await expect(page.getByTestId('no-match')).toBeHidden();

  await search.fill('muñoz zz');
  await expect(rows(page)).toHaveCount(0);
  await expect(page.getByTestId('no-match')).toHaveText('No colleague matches “muñoz zz”');
  await search.fill('');
  await expect(rows(page)).toHaveCount(N);
  await expect(page.getByTestId('no-match')).toBeHidden();
});

test('"free only" shows the free colleagues and survives a reload', async ({ page }) => {
  await colleagues();
  await open(page);
  await page.getByLabel('Free only').check();
  await expect(page).toHaveURL(/free=1/);
  await expect(rows(page)).toHaveCount(N / 4);
  for (const s of await rows(page).evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.state))) expect(s).toBe('available');
  // Someone who becomes free appears at once.
  expect(await wb.post(telephony('4001', 'registered'))).toBe(200);
  await expect(rows(page)).toHaveCount(N / 4 + 1);
  await page.reload();
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(page.getByLabel('Free only')).toBeChecked();
  await expect(rows(page)).toHaveCount(N / 4 + 1);
  await page.getByLabel('Search colleagues').fill('zzz');
  await expect(page.getByTestId('no-match')).toHaveText('No free colleague matches “zzz”');
});

test('me= pins my own row at the top, also after a push, and the search stays on screen', async ({ page }) => {
  await colleagues();
  await open(page, '?me=4021');
  const first = page.locator('#people > [data-extension]').first();
  await expect(first).toHaveAttribute('data-extension', '4021');
  await expect(first).toHaveAttribute('aria-current', 'true');
  expect(await wb.post(telephony('4021', 'talking'))).toBe(200);
  await expect(page.locator('#people > [data-extension="4021"]')).toHaveAttribute('data-state', 'talking');
  await expect(first).toHaveAttribute('data-extension', '4021');

  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  expect(await page.evaluate(() => scrollY)).toBeGreaterThan(500);
  const box = await page.getByLabel('Search colleagues').boundingBox();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThan(150);
});

test('keyboard focus survives a push that replaces its row', async ({ page }) => {
  await colleagues();
  await open(page);
  const link = page.locator('#people > [data-extension="4002"] a[href="tel:4002"]');
  await link.focus();
  expect(await wb.post(telephony('4002', 'registered'))).toBe(200);
  await expect(page.locator('#people > [data-extension="4002"]')).toHaveAttribute('data-state', 'available');
  const focused = await page.evaluate(() => {
    const a = document.activeElement as HTMLElement;
    return { href: a.getAttribute('href'), connected: a.isConnected, row: a.closest('li')?.dataset.state };
  });
  // The element that has focus is the new row's link, not a detached one.
  expect(focused).toEqual({ href: 'tel:4002', connected: true, row: 'available' });
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => (document.activeElement as HTMLElement).closest('li')?.dataset.extension)).not.toBe('4002');
});

test('every name on a phone is whole: a long one wraps, none is cut', async ({ page }) => {
  await colleagues();
  // A name known only by its email, as the PBX sends for some users.
  const byEmail = telephony('4099', 'registered');
  expect(await wb.post({ ...byEmail, data: { ...byEmail.data, email: 'bartholomew.featherstonehaugh-montgomery@example.test' } })).toBe(200);
  await open(page);
  await expect(rows(page)).toHaveCount(N + 1);
  const cut = await page.evaluate(() =>
    [...document.querySelectorAll('#people > [data-extension] .font-medium')]
      .filter((el) => el.scrollWidth > el.clientWidth || getComputedStyle(el).textOverflow === 'ellipsis' || el.getBoundingClientRect().right > innerWidth)
      .map((el) => el.textContent),
  );
  expect(cut).toEqual([]);
  const long = page.locator('#people > [data-extension="4024"] .font-medium');
  await expect(long).toHaveText(personName(24)); // whole, on two lines
});
