// Signing in and out as a person does, shared by the specs.
import { expect, type Page } from '@playwright/test';

export const owner = { username: 'ada', email: 'ada@example.org', fullName: 'Ada Lovelace', password: 'Analytical-Engine-1843' };

/**
 * `name` with a random suffix ("bob-k3x9qz"): the specs share one server, so each makes the
 * people, groups and addresses it needs under names no other spec, or earlier test, uses.
 */
export function unique(name: string): string {
  const suffix = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
  return `${name}-${suffix}`;
}

/** Waits until the WASM bundle has hydrated the page, so clicks are handled by the app; the
 *  sign-in pages ship no bundle (`data-scripts="off"`) and are ready as soon as they load. */
export async function hydrated(page: Page) {
  await page.waitForFunction(
    () => document.body.dataset.hydrated === 'true' || document.body.dataset.scripts === 'off',
  );
}

/** Signs in as the owner, creating them first when this server is new. */
export async function signInAsOwner(page: Page) {
  await page.goto('/');
  if (page.url().endsWith('/setup')) {
    await hydrated(page);
    await page.getByLabel('Username').fill(owner.username);
    await page.getByLabel('Full name').fill(owner.fullName);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password', { exact: true }).fill(owner.password);
    await page.getByLabel('Confirm password').fill(owner.password);
    await page.getByRole('button', { name: 'Create owner account' }).click();
  } else if (page.url().includes('/login')) {
    await signIn(page, owner.username, owner.password);
  }
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

export async function signIn(page: Page, login: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page) {
  await page.context().clearCookies();
}

/** The password the owner gives new users on the "New user" page. */
export const temporary = 'Temporary-Pass-2026';

/** Creates a user from the "New user" page; returns the new user's page URL. */
export async function createUser(page: Page, username: string, role: string | null): Promise<string> {
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Full name').fill(`${username} Example`);
  await page.getByLabel('Email').fill(`${username}@example.org`);
  if (role) await page.getByLabel('Role').selectOption(role);
  await page.getByLabel('Temporary password').fill(temporary);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page).toHaveURL(/\/users\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: `${username} Example` })).toBeVisible();
  return page.url();
}

/** First sign-in with the temporary password: choosing `chosen` is the only way on. */
export async function firstSignIn(page: Page, username: string, chosen: string, landing = 'Overview') {
  await signIn(page, username, temporary);
  await expect(page).toHaveURL(/\/password$/);
  await hydrated(page);
  await page.getByLabel('Current password').fill(temporary);
  await page.getByLabel('New password', { exact: true }).fill(chosen);
  await page.getByLabel('Repeat the new password').fill(chosen);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { name: landing })).toBeVisible();
}
