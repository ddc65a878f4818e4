// Without SMTP (the default) mail waits in the outbox and Settings shows its links to pass
// on. A link is the access it grants: an admin must never see the link of an owner invite.
// This spec runs its own server without GATEHOUSE_SMTP_URL (see server.ts).
import { expect, test } from '@playwright/test';
import { ownServer } from './server';
import { createUser, firstSignIn, hydrated, signInAsOwner, signOut, unique } from './session';

ownServer('no-smtp', Number(process.env.GATEHOUSE_E2E_NO_SMTP_PORT ?? 3712));

async function invite(page: import('@playwright/test').Page, email: string, role: string) {
  await page.goto('/invites');
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Send invite' }).click();
  await expect(page.getByRole('cell', { name: email, exact: true })).toBeVisible();
}

/** The "Recent mail" row of the mail to `to`. */
function mailRow(page: import('@playwright/test').Page, to: string) {
  return page.getByRole('table', { name: 'Recent mail' }).getByRole('row').filter({ hasText: to });
}

test("an admin's Email delivery shows no link of an unsent owner invite", async ({ page }) => {
  const dave = unique('dave');
  const heir = `${unique('heir')}@example.org`;
  const plain = `${unique('plain')}@example.org`;
  await signInAsOwner(page);
  await createUser(page, dave, 'admin');
  await invite(page, heir, 'owner');
  await invite(page, plain, 'user');
  await page.goto('/settings');
  await hydrated(page);
  await expect(mailRow(page, heir).getByLabel('Link in this mail')).toHaveValue(/\/invite\//);

  await signOut(page);
  await firstSignIn(page, dave, 'Quiet-Harbour-Lantern-26');
  await page.goto('/settings');
  await hydrated(page);
  await expect(mailRow(page, plain).getByLabel('Link in this mail')).toHaveValue(/\/invite\//);
  await expect(mailRow(page, heir)).toBeVisible();
  await expect(mailRow(page, heir).getByLabel('Link in this mail')).toHaveCount(0);
  await expect(page.getByLabel('Link in this mail')).toHaveCount(1);
});
