// Sessions and the audit log as people meet them: a user ends one of their sessions from
// another browser, which is then signed out, and an admin ends the rest from the user's
// page; an admin filters the activity by user and date
// and downloads the CSV; an API key made on the profile answers the REST API.
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { createUser, firstSignIn, hydrated, signIn, signInAsOwner, signOut, unique } from './session';

const chosen = 'Velvet-Compass-Orchard-41';

test('a user ends a session from another browser, which is signed out', async ({ page, browser }) => {
  const nell = unique('nell');
  await signInAsOwner(page);
  const nellsPage = await createUser(page, nell, null);
  await signOut(page);
  await firstSignIn(page, nell, chosen);

  const other = await browser.newContext();
  const phone = await other.newPage();
  await signIn(phone, nell, chosen);
  await expect(phone.getByRole('heading', { name: 'Overview' })).toBeVisible();

  await page.goto('/profile');
  await hydrated(page);
  const sessions = page.getByRole('list', { name: 'Your sessions' });
  await expect(sessions.getByRole('listitem')).toHaveCount(2);
  await expect(sessions).toContainText('This device');
  await sessions.getByRole('button', { name: /^End the session of/ }).click();
  await expect(sessions.getByRole('listitem')).toHaveCount(1);

  await phone.goto('/profile');
  await expect(phone).toHaveURL(/\/login/);
  await other.close();

  // The owner, elsewhere, sees nell's last session on her page and ends it.
  const desk = await browser.newContext();
  const admin = await desk.newPage();
  await signInAsOwner(admin);
  await admin.goto(nellsPage);
  await hydrated(admin);
  const hers = admin.getByRole('list', { name: `${nell}'s sessions` });
  await expect(hers.getByRole('listitem')).toHaveCount(1);
  await expect(hers).not.toContainText('This device');
  await admin.getByText('End all sessions', { exact: true }).click();
  await admin.getByRole('button', { name: 'End them' }).click();
  await expect(admin.getByText('Not signed in anywhere.')).toBeVisible();
  await desk.close();

  await page.goto('/profile');
  await expect(page).toHaveURL(/\/login/);
});

test('an admin filters the activity by user and date and downloads the CSV', async ({ page }) => {
  const olga = unique('olga');
  await signInAsOwner(page);
  await createUser(page, olga, null);
  const today = new Date().toISOString().slice(0, 10);
  await page.goto('/activity');
  await hydrated(page);
  await page.getByLabel('User (actor or target)').fill(olga);
  await page.getByLabel('From', { exact: true }).fill(today);
  await page.getByLabel('To', { exact: true }).fill(today);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`user=${olga}`));
  const table = page.getByRole('table', { name: 'Activity' });
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText('user.create');
  await expect(page.locator('[data-chain]')).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const file = await download;
  const csv = fs.readFileSync(await file.path(), 'utf8').trim().split(/\r?\n/);
  expect(csv[0]).toBe('id,at,actor,on_behalf_of,action,target,ip,user_agent,details');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toContain('"user.create"');
  expect(csv[1]).toContain(`"${olga}"`);

  // A day with nothing in it says so.
  await page.goto(`/activity?user=${olga}&from=2001-01-01&to=2001-01-02`);
  await expect(page.getByText('Nothing matches')).toBeVisible();
  await signOut(page);
});

test('a key made on the profile is shown once and answers the REST API', async ({ page, request }) => {
  await signInAsOwner(page);
  await page.goto('/profile');
  await hydrated(page);
  const form = page.getByRole('form', { name: 'Make an API key' });
  await form.getByLabel('Label').fill('backup script');
  await form.getByLabel('Your password').fill('Analytical-Engine-1843');
  await form.getByRole('button', { name: 'Make key' }).click();
  const field = page.getByLabel('New API key');
  await expect(field).toHaveValue(/^gate_[0-9A-Za-z]{43}$/);
  const key = await field.inputValue();
  await expect(page.getByRole('list', { name: 'Your API keys' })).toContainText('backup script');

  const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${key}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).username).toBe('ada');

  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('New API key')).toHaveCount(0);
  await page.getByRole('list', { name: 'Your API keys' }).getByText('Revoke').first().click();
  await page.getByRole('button', { name: 'Revoke key' }).click();
  await expect(page.getByRole('list', { name: 'Your API keys' })).toContainText('revoked');
  const refused = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('key_revoked');
  await signOut(page);
});
