// Signing in and out as a person does, shared by the specs.
import { expect, type Page } from '@playwright/test';

export const owner = { username: 'ada', email: 'ada@example.org', fullName: 'Ada Lovelace', password: 'Analytical-Engine-1843' };

export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
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
