// Joining as people do: from an invite mail, and by registering and waiting for approval.
// Mail goes through a real SMTP sink (smtp-sink.mjs); links are read from the received mail.
import { expect, test } from '@playwright/test';
import { linkFromMail } from './mail';
import { hydrated, owner, signIn, signInAsOwner, signOut, unique } from './session';

const chosen = 'Quiet-Harbour-Lantern-77';

test('an invited person follows the mailed link, signs up and lands on the dashboard', async ({ page }) => {
  const grace = unique('grace');
  const email = `${grace}@example.org`;
  await signInAsOwner(page);
  await page.goto('/invites');
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send invite' }).click();
  await expect(page.getByText(`Invite mailed to ${email}`)).toBeVisible();
  await expect(page.getByRole('cell', { name: email, exact: true })).toBeVisible();

  const link = await linkFromMail(email, '/invite/');
  await signOut(page);
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByText(email)).toBeVisible();
  // The username offered is the address's local part.
  await expect(page.getByLabel('Username')).toHaveValue(grace);
  await page.getByLabel('Full name').fill('Grace Hopper');
  await page.getByLabel('Password', { exact: true }).fill(chosen);
  await page.getByLabel('Confirm password').fill(chosen);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

  // The link was for one use.
  await signOut(page);
  await page.goto(link);
  await expect(page.getByText('This link has already been used.')).toBeVisible();
});

test('a registration waits for approval, the admin approves, and the person signs in', async ({ page }) => {
  const linus = unique('linus');
  const email = `${linus}@example.org`;
  await signInAsOwner(page);
  await page.goto('/settings');
  await hydrated(page);
  await page.getByLabel('With approval').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  await signOut(page);
  await page.goto('/login');
  await hydrated(page);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/register$/);
  await hydrated(page);
  await page.getByLabel('Username').fill(linus);
  await page.getByLabel('First name').fill('Linus');
  await page.getByLabel('Last name').fill('Torvalds');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(chosen);
  await page.getByLabel('Confirm password').fill(chosen);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Check your mail')).toBeVisible();
  // No account exists until the address is confirmed from the mailed link.
  await signIn(page, linus, chosen);
  await expect(page.getByText('Incorrect username or password.')).toBeVisible();

  const confirm = await linkFromMail(email, '/register/');
  await page.goto(confirm);
  await hydrated(page);
  await expect(page.getByText(linus, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByText("Your account waits for an administrator's approval")).toBeVisible();

  await signIn(page, linus, chosen);
  await expect(page.getByText("waiting for an administrator's approval")).toBeVisible();

  // The owner's mail is shared with other specs: the one about this registration.
  const review = await linkFromMail(owner.email, '/users/', { mentioning: linus });
  await signOut(page);
  await signInAsOwner(page);
  await expect(page.getByRole('link', { name: /Users\s*[1-9]\d*/ }).first()).toBeVisible();
  await page.goto(review);
  await hydrated(page);
  await page.getByText('Approve user').click();
  await page.getByRole('button', { name: `Approve ${linus}` }).click();
  await expect(page.getByText('active', { exact: true }).first()).toBeVisible();
  await linkFromMail(email, '/login', { nth: 2 });

  await signOut(page);
  await signIn(page, linus, chosen);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});
