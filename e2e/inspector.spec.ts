import { test, expect } from '@playwright/test';
import { freePort, telephony } from './support';
import { SecureWallboard, password, admin, supervisor } from './authserver';

let wb: SecureWallboard;

test.beforeEach(async () => {
  wb = new SecureWallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

test('the integration inspector shows a signed webhook and a forged one as they arrive', async ({ page }) => {
  await page.goto(`${wb.url}/admin/integrations`);
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fintegrations$/);
  await page.locator('#email').fill(admin);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${wb.url}/admin/integrations`);
  await expect(page.getByTestId('webhook-url')).toHaveText(`${wb.url}/webhooks/wildix`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(page.locator('[data-integration="e2e001"] [data-first]')).toHaveText('No event yet');
  await expect(page.locator('[data-category="telephony"]')).not.toHaveAttribute('data-seen', '');

  // Signed: it appears among the accepted events, its integration has a
  // first event, and telephony is among what Wildix sends.
  expect(await wb.post(telephony('1301', 'talking'))).toBe(200);
  const accepted = page.getByTestId('accepted').locator('tr[data-type="presence:telephony"]');
  await expect(accepted.locator('[data-who]')).toHaveText('1301');
  await expect(accepted).toHaveAttribute('data-verdict', 'accepted');
  await expect(page.locator('[data-integration="e2e001"] [data-first] time')).toBeVisible();
  await expect(page.locator('[data-category="telephony"]')).toHaveAttribute('data-seen', '');

  // Forged: it appears among the refusals, with its reason and address,
  // and nothing of its body.
  const forged = JSON.stringify(telephony('1302', 'talking'));
  const res = await fetch(`${wb.url}/webhooks/wildix`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': '0'.repeat(64) },
    body: forged,
  });
  expect(res.status).toBe(401);
  const refused = page.getByTestId('rejections').locator('tr[data-reason="bad_signature"]');
  await expect(refused).toHaveAttribute('data-status', '401');
  await expect(refused).toContainText('127.0.0.1');
  await expect(page.locator('body')).not.toContainText('1302');
});

test('a supervisor may not open the inspector', async ({ page }) => {
  await page.goto(`${wb.url}/login`);
  await page.locator('#email').fill(supervisor);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${wb.url}/`);
  const res = await page.request.get(`${wb.url}/admin/integrations`);
  expect(res.status()).toBe(403);
});
