import { test, expect, Page } from '@playwright/test';
import { Wallboard, freePort, telephony } from './support';

// A push touches only what it changed: with 1,000 people on the page, one
// person's change replaces that person's element and rewrites the header
// count it moved, and nothing else (durations tick once a second, apart).

let wb: Wallboard;

test.beforeEach(async () => {
  wb = new Wallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

const N = 1000;

async function company() {
  const bodies = Array.from({ length: N }, (_, i) => telephony(String(4000 + i), i % 3 ? 'registered' : 'talking'));
  for (let i = 0; i < bodies.length; i += 25) {
    const statuses = await Promise.all(bodies.slice(i, i + 25).map((b) => wb.post(b)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  }
}

/** watch records which elements the page changes, leaving out ticking durations and the clock. */
async function watch(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as any).__mutations = seen;
    const ticking = (n: Node | null) => !!(n && (n.nodeType === 1 ? (n as Element) : n.parentElement)?.closest('time[data-since], #clock'));
    new MutationObserver((records) => {
      for (const r of records) {
        if (ticking(r.target)) continue;
        const el = (r.target.nodeType === 1 ? r.target : r.target.parentElement) as Element;
        seen.push(`${r.type}:${el.closest('[id]')?.id ?? el.tagName}${r.attributeName ? `[${r.attributeName}]` : ''}`);
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

for (const query of ['/', '/?tv=1&rotate=0', '/agent']) {
  test(`one change among ${N} people touches one element and its count (${query})`, async ({ page }) => {
    test.setTimeout(120_000);
    await company();
    await page.goto(`${wb.url}${query}`);
    await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
    await expect(page.locator('[data-extension="4999"]').first()).toBeAttached();
    await page.waitForTimeout(1_200); // let the first frame's work settle
    await watch(page);
    expect(await wb.post(telephony('4001', 'talking'))).toBe(200);
    await expect(page.locator('[data-extension="4001"]').first()).toHaveAttribute('data-state', 'talking');
    await page.waitForTimeout(1_200); // and a tick
    const seen: string[] = await page.evaluate(() => (window as any).__mutations);
    const list = query.startsWith('/agent') ? 'people' : 'tiles';
    const allowed = new RegExp(`^(childList:${list}|childList:(user|counts)-?.*|attributes:user-[^\\[]+\\[(hidden|data-off|data-crowded|data-full|class|aria-current)\\]|childList:counts|characterData:counts)$`);
    const unexpected = seen.filter((m) => !allowed.test(m));
    expect(unexpected).toEqual([]);
    // The new element (its name fitted on the TV), and two counts
    // (talking up, available down).
    expect(seen.length).toBeLessThanOrEqual(8);
  });
}
