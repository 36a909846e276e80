import { execFileSync } from 'node:child_process';
import { test, expect, Page } from '@playwright/test';
import { binaryPath, freePort, telephony, company } from './support';
import { SecureWallboard, password, supervisor, agent, displayToken, apiToken } from './authserver';

let wb: SecureWallboard;

test.beforeEach(async () => {
  wb = new SecureWallboard(await freePort());
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
});

async function logIn(page: Page, email: string, pw: string) {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(pw);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('a supervisor logs in, sees the live board, and logs out', async ({ page }) => {
  expect(await wb.post(telephony('1001', 'talking'))).toBe(200);

  await page.goto(`${wb.url}/`);
  await expect(page).toHaveURL(/\/login\?next=%2F$/);

  await logIn(page, supervisor, 'not-the-password');
  await expect(page.getByTestId('login-problem')).toHaveText('The email or the password is not right.');

  await logIn(page, supervisor, password);
  await expect(page).toHaveURL(`${wb.url}/`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(page.locator('[data-extension="1001"]').first()).toHaveAttribute('data-telephony', 'talking');

  const cookie = (await page.context().cookies()).find((c) => c.name === 'wallboard_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');

  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(`${wb.url}/agent`);
  await expect(page).toHaveURL(/\/login\?next=%2Fagent$/);
});

test('logging out ends the session in every tab: the other board stops being live', async ({ page, context }) => {
  await page.goto(`${wb.url}/login`);
  await logIn(page, supervisor, password);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');

  // A second tab of the same browser logs out; a copy of the cookie is no
  // good any more, and the first tab's socket is closed by the server.
  const cookie = (await context.cookies()).find((c) => c.name === 'wallboard_session')!;
  const other = await context.newPage();
  await other.goto(`${wb.url}/`);
  await other.getByTestId('logout').click();
  await expect(other).toHaveURL(/\/login$/);

  // The first tab's socket is closed with 4401: it reloads, which takes
  // it to the login form (and back to the board after it).
  await expect(page).toHaveURL(/\/login\?next=%2F$/, { timeout: 10_000 });
  const res = await fetch(`${wb.url}/api/v1/state`, { headers: { Cookie: `wallboard_session=${cookie.value}` } });
  expect(res.status).toBe(401);
});

test('an agent lands on the agent view', async ({ page }) => {
  await page.goto(`${wb.url}/login`);
  await logIn(page, agent, password);
  await expect(page).toHaveURL(`${wb.url}/agent`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
});

test('password guessing is throttled, and an unknown email gets the same answer', async ({ page }) => {
  await page.goto(`${wb.url}/login`);
  await logIn(page, 'nobody@example.test', 'guess');
  const unknown = await page.getByTestId('login-problem').textContent();

  for (let i = 0; i < 5; i++) {
    await logIn(page, supervisor, `guess-${i}`);
    await expect(page.getByTestId('login-problem')).toHaveText(unknown!);
  }
  const answer = page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST');
  await logIn(page, supervisor, password);
  expect((await answer).status()).toBe(429);
  await expect(page.getByTestId('login-problem')).toHaveText('Too many failed attempts. Try again later.');
  expect((await page.context().cookies()).find((c) => c.name === 'wallboard_session')).toBeUndefined();
});

test('a display link shows the board without login and survives a restart', async ({ page }) => {
  expect(await wb.post(telephony('1001', 'ringing'))).toBe(200);
  await page.goto(`${wb.url}/display/${displayToken}?tv=1`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(page.locator('[data-extension="1001"]').first()).toHaveAttribute('data-telephony', 'ringing');

  await wb.stop();
  await expect(page.locator('[data-connection]')).not.toHaveAttribute('data-connection', 'live');
  await wb.start();
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });
  expect(await wb.post(telephony('1001', 'talking'))).toBe(200);
  await expect(page.locator('[data-extension="1001"]').first()).toHaveAttribute('data-telephony', 'talking');

  await page.reload();
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
});

test('names come from the directory and its CSV: no tile shows an email when a name is known', async ({ page }) => {
  for (const ext of ['4090', '4091']) expect(await wb.post(telephony(ext, 'registered'))).toBe(200);
  await page.goto(`${wb.url}/display/${displayToken}?tv=1`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(page.locator('#tiles > [data-extension="4090"] .tile-name')).toHaveText('Dana Directory');
  await expect(page.locator('#tiles > [data-extension="4090"]')).toHaveAttribute('data-group', 'Sales');
  await expect(page.locator('#tiles > [data-extension="4091"] .tile-name')).toHaveText('Cy Csv');
  for (const name of await page.locator('#tiles .tile-name').allTextContents()) expect(name).not.toContain('@');
});

test('protected routes refuse strangers; the webhook binds its company', async ({ request }) => {
  for (const path of ['/api/v1/state', '/ws']) {
    expect((await request.get(`${wb.url}${path}`)).status()).toBe(401);
  }
  expect((await request.get(`${wb.url}/display/${displayToken.slice(1)}`)).status()).toBe(404);
  const api = await request.get(`${wb.url}/api/v1/state`, { headers: { authorization: `Bearer ${apiToken}` } });
  expect(api.status()).toBe(200);

  const foreign = { ...telephony('1001', 'talking'), company: 'it_w999999' };
  expect(await wb.post(foreign)).toBe(403);
  const after = await (await request.get(`${wb.url}/api/v1/state`, { headers: { authorization: `Bearer ${apiToken}` } })).json();
  expect(after.users.map((u: { company: string }) => u.company)).not.toContain('it_w999999');
  expect(after.users.every((u: { company: string }) => u.company === company)).toBe(true);
});

test('-print-config shows the configuration without a secret', async () => {
  const out = execFileSync(binaryPath, [...wb.args('-print-config')], { env: wb.env() }).toString();
  expect(out).toContain(supervisor);
  for (const secret of [displayToken, apiToken, password, '$argon2id$']) {
    expect(out).not.toContain(secret);
  }
});
