// Role restrictions as a person meets them: a viewer sees only disabled write controls and is
// refused when writing anyway; a user manager creates users whose role is fixed to `user`.
import { expect, test, type Page } from '@playwright/test';
import { createUser, firstSignIn, hydrated, signInAsOwner, signOut, unique } from './session';

const chosen = 'Quiet-Harbour-Lantern-26';

/** Every enabled control inside the page's forms that change something. */
function enabledWriteControls(page: Page) {
  return page.locator(
    'main form[method="post"] :is(button, select, textarea, input:not([type="hidden"])):enabled, main details > summary',
  );
}

/** The owner creates a user with this role (none: the default, `user`); returns their page URL. */
async function userMadeByOwner(page: Page, username: string, role: string | null): Promise<string> {
  await signInAsOwner(page);
  const url = await createUser(page, username, role);
  await signOut(page);
  return url;
}

test('the owner creates a user, suspends, reactivates and groups them', async ({ page }) => {
  const bob = unique('bob');
  const staff = unique('staff');
  await signInAsOwner(page);
  const bobUrl = await createUser(page, bob, null);
  await expect(page.getByRole('main').getByText('user', { exact: true }).first()).toBeVisible();
  await page.goto(bobUrl);
  await hydrated(page);
  await page.getByText('Suspend user').click();
  const dialog = page.getByRole('dialog', { name: `Suspend ${bob}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: `Suspend ${bob}` }).click();
  await expect(page.getByRole('main').getByText('suspended', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Reactivate user' }).click();
  await expect(page.getByRole('main').getByText('active', { exact: true })).toBeVisible();

  await page.goto('/groups/new');
  await hydrated(page);
  await page.getByLabel('Name').fill(staff);
  await page.getByLabel('Description (optional)').fill('Everyone on the payroll');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('heading', { name: staff })).toBeVisible();
  // The next free GID from 10000 up: which one depends on the groups other specs made.
  await expect(page.getByText(/GID 1\d{4}/)).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Username to add').fill(bob);
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('table', { name: 'Members' })).toContainText(bob);
  await page.goto(bobUrl);
  await expect(page.getByRole('region', { name: 'Groups' })).toContainText(staff);
  await signOut(page);
});

test('a viewer sees every write control disabled and is refused when writing anyway', async ({ page }) => {
  const vera = unique('vera');
  const bob = unique('bob');
  const bobUrl = await userMadeByOwner(page, bob, null);
  await userMadeByOwner(page, vera, 'viewer');
  await firstSignIn(page, vera, chosen);
  await page.goto(`/users?q=${bob}`);
  await expect(page.getByRole('link', { name: 'New user' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Users' })).toContainText(bob);

  await page.goto(bobUrl);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: `${bob} Example` })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save details' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Suspend user' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Delete user' })).toBeDisabled();
  await expect(enabledWriteControls(page)).toHaveCount(0);

  for (const path of ['/groups', '/settings']) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.getByRole('link', { name: 'New group' })).toHaveCount(0);
    await expect(enabledWriteControls(page)).toHaveCount(0);
  }
  await page.goto('/groups');
  await page.getByRole('link', { name: 'ldapusers' }).click();
  await expect(page.getByRole('heading', { name: 'ldapusers' })).toBeVisible();
  await hydrated(page);
  await expect(enabledWriteControls(page)).toHaveCount(0);

  // The page's own session, the server's answer: a forged write is still a 403.
  const bobId = bobUrl.split('/').pop()!;
  const status = await page.evaluate(async (id) => {
    const res = await fetch('/_fn/user_suspend', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ id }),
    });
    return res.status;
  }, bobId);
  expect(status).toBe(403);
  await page.goto(bobUrl);
  await expect(page.getByRole('main').getByText('active', { exact: true })).toBeVisible();
  await signOut(page);
});

test('a user manager creates a user and finds the role fixed to user', async ({ page }) => {
  const uma = unique('uma');
  await userMadeByOwner(page, uma, 'user_manager');
  await firstSignIn(page, uma, chosen);
  await page.goto('/users/new');
  await hydrated(page);
  const role = page.getByLabel('Role');
  await expect(role).toBeDisabled();
  await expect(role).toHaveValue('user');
  await expect(page.getByText('Your role creates users with the user role only.')).toBeVisible();
  await createUser(page, unique('dan'), null);
  await expect(page.getByRole('button', { name: 'Change role' })).toBeDisabled();
  await expect(page.getByRole('combobox', { name: 'Role' })).toHaveValue('user');
  await expect(page.getByRole('button', { name: 'Save details' })).toBeEnabled();
});
