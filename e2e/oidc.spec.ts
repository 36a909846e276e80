import { test, expect, Page } from '@playwright/test';
import { freePort } from './support';
import { Provider, SSOWallboard, people } from './oidcserver';

// Single sign-on through a real OpenID provider, in the browser: the
// wallboard's button, the provider's own login form, back to the board.

let idp: Provider;
let wb: SSOWallboard;

test.beforeEach(async () => {
  idp = new Provider();
  await idp.start();
  wb = new SSOWallboard(await freePort(), idp.issuer);
  await wb.start();
});

test.afterEach(async () => {
  await wb.stop();
  await idp.stop();
});

/** Signs in at the provider's form, from the wallboard's login page. */
async function signIn(page: Page, who: { username: string; password: string }) {
  await page.getByTestId('sso').click();
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}login/username`));
  await page.locator('#username').fill(who.username);
  await page.locator('#password').fill(who.password);
  await page.getByRole('button', { name: 'Login' }).click();
}

async function sessionCookie(page: Page) {
  return (await page.context().cookies(wb.url)).find((c) => c.name === 'wallboard_session');
}

test('a supervisor signs in with the identity provider by group, sees the board, and logs out', async ({ page }) => {
  await page.goto(`${wb.url}/`);
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  // Password login is off: only the provider's button.
  await expect(page.locator('#password')).toHaveCount(0);
  await expect(page.getByTestId('sso')).toHaveText('Sign in with Corp ID');

  await signIn(page, people.sue);
  await expect(page).toHaveURL(`${wb.url}/`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  const cookie = await sessionCookie(page);
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
  // The state cookie is spent.
  expect((await page.context().cookies(`${wb.url}/login/oidc`)).find((c) => c.name === 'wallboard_oidc')).toBeUndefined();
  // A supervisor may look at history; the API answers for the own company only.
  expect((await page.request.get(`${wb.url}/history`)).status()).toBe(200);
  expect((await page.request.get(`${wb.url}/api/v1/state?company=it_w000999`)).status()).toBe(403);

  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(`${wb.url}/`);
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
});

test('an agent named by email lands on the agent view; someone unknown is told they have no access', async ({ page, browser }) => {
  await page.goto(`${wb.url}/login`);
  await signIn(page, people.ann);
  await expect(page).toHaveURL(`${wb.url}/agent`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  expect((await page.request.get(`${wb.url}/api/v1/history`)).status()).toBe(403);

  const other = await browser.newPage();
  await other.goto(`${wb.url}/login`);
  await signIn(other, people.eve);
  await expect(other.getByTestId('login-problem')).toHaveText('Your account has no access to this board. Ask an administrator to add you.');
  expect((await other.context().cookies(wb.url)).find((c) => c.name === 'wallboard_session')).toBeUndefined();
  await other.close();
});

for (const mode of ['expired', 'tampered'] as const) {
  test(`an ${mode} ID token is refused`, async ({ page }) => {
    await idp.mode(mode);
    await page.goto(`${wb.url}/`);
    await signIn(page, people.sue);
    await expect(page.getByTestId('login-problem')).toHaveText('Signing in with the identity provider failed. Try again.');
    expect(await sessionCookie(page)).toBeUndefined();
    await page.goto(`${wb.url}/`);
    await expect(page).toHaveURL(/\/login\?next=%2F$/);

    // The same person, once the provider answers properly again.
    await idp.mode('normal');
    await signIn(page, people.sue);
    await expect(page).toHaveURL(`${wb.url}/`);
  });
}
