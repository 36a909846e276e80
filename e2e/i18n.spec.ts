import { test, expect, Page } from '@playwright/test';
import { Wallboard, freePort, telephony, presence } from './support';

// The board in Italian (asked with lang=) and the agent view in German
// (asked by the browser's Accept-Language): the page, the first frame, the
// pushes and the words the browser writes itself all speak the language.

let wb: Wallboard;

test.beforeEach(async () => {
  wb = new Wallboard(await freePort());
  await wb.start();
  expect(await wb.post(telephony('3001', 'registered'))).toBe(200);
  expect(await wb.post(presence('3001', 'available', ''))).toBe(200);
  expect(await wb.post(telephony('3002', 'registered'))).toBe(200);
  expect(await wb.post(presence('3002', 'dnd', 'Formazione'))).toBe(200);
});

test.afterEach(async () => {
  await wb.stop();
});

function tile(page: Page, extension: string) {
  return page.locator(`[data-extension="${extension}"]`).first();
}

/** The text CSS writes before an empty list (content: attr(data-empty)). */
async function emptyText(page: Page, selector: string) {
  return page.locator(selector).evaluate((el) => getComputedStyle(el, '::before').content);
}

test('the board in Italian: page, pushes, legend, empty lists and the indicator', async ({ page }) => {
  await page.goto(`${wb.url}/?lang=it`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'it');
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(page.getByTestId('connection')).toContainText('In diretta');

  await expect(tile(page, '3001')).toContainText('Disponibile');
  await expect(tile(page, '3002')).toContainText('Non disturbare');
  await expect(tile(page, '3002')).toHaveAttribute('title', 'non disturbare: Formazione');
  await expect(page.getByTestId('legend').locator('summary')).toHaveText('Legenda: cosa colora un riquadro');
  await expect(page.getByRole('heading', { name: 'Chiamate attive' })).toBeVisible();
  expect(await emptyText(page, '#calls')).toBe('"Nessuna chiamata attiva"');
  await expect(page.getByTestId('sound')).toHaveText('Audio disattivato');

  // A push arrives in Italian too.
  expect(await wb.post(telephony('3001', 'ringing'))).toBe(200);
  await expect(tile(page, '3001')).toHaveAttribute('data-telephony', 'ringing');
  await expect(tile(page, '3001')).toContainText('Squilla');
  await expect(tile(page, '3001')).toHaveAttribute('title', 'squilla (il telefono segnala ringing)');

  // Nothing of the page is left in English.
  const text = await page.locator('body').innerText();
  for (const english of ['Active calls', 'Queues', 'Conferences', 'Available', 'Ringing', 'Legend:']) {
    expect(text).not.toContain(english);
  }
  expect(text).not.toMatch(/\b[AP]M\b/);
  // The header clock follows the page's language: 24-hour in Italian.
  await expect(page.locator('#clock')).toHaveText(/^\d{2}:\d{2}/);
});

test.describe('the agent view in German, from the browser', () => {
  test.use({ locale: 'de-DE' });

  test('page, pushes and search speak German', async ({ page }) => {
    await page.goto(`${wb.url}/agent`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
    await expect(page.locator('#q')).toHaveAttribute('placeholder', 'Nach Name oder Durchwahl suchen');
    await expect(page.getByText('Nur freie')).toBeVisible();
    await expect(tile(page, '3001')).toContainText('Verfügbar');
    await expect(tile(page, '3002')).toContainText('Nicht stören');

    expect(await wb.post(telephony('3002', 'talking'))).toBe(200);
    await expect(tile(page, '3002')).toHaveAttribute('data-telephony', 'talking');
    await expect(tile(page, '3002')).toContainText('Im Gespräch');
    await expect(tile(page, '3002')).toHaveAttribute('title', 'im Gespräch (Telefon meldet talking)');

    // The browser's own words: a search that matches nobody.
    await page.locator('#q').fill('zzzz');
    await expect(page.getByTestId('no-match')).toContainText('Kein Kollege passt zu');
  });
});
