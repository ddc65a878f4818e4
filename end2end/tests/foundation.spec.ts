// The first minutes of a new instance: setup wizard, dashboard, sign out, sign in, wrong password.
// A new instance is this spec's own server (see server.ts), so it starts at the setup wizard
// whichever specs ran before; its tests are one story on it, in order.
import { expect, test, type Page } from '@playwright/test';
import { ownServer } from './server';

const owner = { username: 'Ada', email: 'ada@example.org', fullName: 'Ada Lovelace', password: 'Analytical-Engine-1843' };

ownServer('foundation', Number(process.env.GATEHOUSE_E2E_FOUNDATION_PORT ?? 3711));
test.describe.configure({ mode: 'serial' });

/**
 * Collects console errors: a CSP violation or a hydration failure shows up there. The browser
 * also logs each 4xx answer, which the forms expect (a refused password is a 401), so those
 * are left out.
 */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    const expected = /Failed to load resource: the server responded with a status of 4\d\d/;
    if (msg.type() === 'error' && !expected.test(msg.text())) errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** Waits until the WASM bundle has hydrated the page, so clicks are handled by the app; the
 *  sign-in pages ship no bundle (`data-scripts="off"`) and are ready as soon as they load. */
async function hydrated(page: Page) {
  await page.waitForFunction(
    () => document.body.dataset.hydrated === 'true' || document.body.dataset.scripts === 'off',
  );
}

test('the setup wizard creates the owner and lands on the dashboard', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Welcome to Gatehouse' })).toBeVisible();
  await hydrated(page);

  // Live feedback comes from the same rules the server applies.
  await page.getByLabel('Username').fill('admin');
  await expect(page.getByText('"admin" is reserved; choose another username.')).toBeVisible();
  await page.getByLabel('Username').fill(owner.username);
  await expect(page.getByText('You will sign in as "ada".')).toBeVisible();
  await page.getByLabel('Full name').fill(owner.fullName);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password', { exact: true }).fill('short');
  await expect(page.getByText('Too short. Use at least 10 characters.')).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill(owner.password);
  await expect(page.getByText(/^Strong/)).toBeVisible();

  // A mismatch is refused by the server and shown next to the field.
  await page.getByLabel('Confirm password').fill('Something-Else-1843');
  await page.getByRole('button', { name: 'Create owner account' }).click();
  await expect(page.getByText('The passwords do not match.')).toBeVisible();

  await page.getByLabel('Confirm password').fill(owner.password);
  await page.getByRole('button', { name: 'Create owner account' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Account menu' }).or(page.getByLabel('Account menu'))).toContainText('ada');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('setup is gone once the owner exists', async ({ page }) => {
  const response = await page.goto('/setup');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('sign out, sign in again, and a wrong password is refused', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Username or email').fill('ada');
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

  await page.getByLabel('Account menu').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Gatehouse' })).toBeVisible();

  // Pages need a session again.
  await page.goto('/users');
  await expect(page).toHaveURL(/\/login\?next=\/users$/);
  await hydrated(page);

  await page.getByLabel('Username or email').fill('ada');
  await page.getByLabel('Password').fill('Not-The-Password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Incorrect username or password.');

  await page.getByLabel('Username or email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByRole('table', { name: 'Users' })).toContainText('ada@example.org');
  // The failed attempt and the sign-ins are in the activity log.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('table', { name: 'Activity' })).toContainText('auth.login.failed');
  expect(errors).toEqual([]);
});

test('sign-in works before the WASM bundle loads', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Username or email').fill('ada');
  await page.getByLabel('Password').fill('Not-The-Password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Incorrect username or password.');
  await page.getByLabel('Username or email').fill('ada');
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await context.close();
});
