import { test, expect } from '@playwright/test';
import { Wallboard, freePort } from './support';
import { queueCall, resetClock } from './tv-events';

// Alerts are shared: an acknowledgement on one screen clears the alert on
// every screen of the company, says who and when, and survives a reload
// (it is the board's, through the log, not the page's memory).

let wb: Wallboard;

test.beforeEach(async () => {
  resetClock();
  wb = new Wallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

test('an acknowledgement on one page clears the alert on another and after a reload', async ({ context }, testInfo) => {
  // Dated 40 minutes ago: the caller has waited long enough for red.
  expect(await wb.post(queueCall('Support', '+15550142'))).toBe(200);
  const first = await context.newPage();
  const second = await context.newPage();
  for (const p of [first, second]) {
    await p.goto(`${wb.url}/?tv=1`);
    await expect(p.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
    await expect(p.getByTestId('alert')).toHaveCount(1);
    await expect(p.getByTestId('alert')).toHaveAttribute('data-alert', 'red');
  }

  await first.getByTestId('alert').getByRole('button', { name: /^Acknowledge/ }).click();
  await expect(first.getByTestId('alert')).toHaveCount(0);
  // The other screen hears it from the board.
  await expect(second.getByTestId('alert')).toHaveCount(0);
  await expect(second.getByTestId('alert-acked')).toHaveText(/^Support: Critical acknowledged at \d{1,2}:\d\d/);
  await expect(second.locator('#queues > [data-queue="Support"]')).toHaveAttribute('data-acked', 'red');
  const shot = testInfo.outputPath('tv-alert-acknowledged.png');
  await second.screenshot({ path: shot });
  await testInfo.attach('tv-alert-acknowledged', { path: shot, contentType: 'image/png' });

  await second.reload();
  await expect(second.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(second.getByTestId('alert-acked')).toHaveCount(1);
  await expect(second.getByTestId('alert')).toHaveCount(0);

  // And across a restart of the server.
  await wb.stop();
  await wb.start();
  const third = await context.newPage();
  await third.goto(`${wb.url}/?tv=1`);
  await expect(third.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(third.getByTestId('alert-acked')).toHaveCount(1);
  await expect(third.getByTestId('alert')).toHaveCount(0);
});
