// Two-factor authentication as a person meets it: setting it up from the profile by typing
// the key into an authenticator (here the otpauth package plays the phone), signing in with a
// code and with a backup code, and mandatory 2FA holding a user at setup.
import { expect, test, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { ownServer } from './server';
import { createUser, firstSignIn, hydrated, owner, signIn, signInAsOwner, signOut, unique } from './session';

const chosen = 'Quiet-Harbour-Lantern-27';

type Phone = { totp: TOTP; codes: string[] };

/** On the setup page: reads the key as a person would type it, confirms, keeps the codes. */
async function setUpTwoFactor(page: Page): Promise<Phone> {
  await expect(page).toHaveURL(/\/two-factor$/);
  await hydrated(page);
  await expect(page.getByRole('img', { name: 'QR code of your two-factor key' })).toBeVisible();
  const key = await page.getByLabel('Setup key').inputValue();
  const totp = new TOTP({ secret: Secret.fromBase32(key.replace(/\s/g, '')), digits: 6, period: 30, algorithm: 'SHA1' });
  await page.getByLabel('Code from the app').fill('000000' === totp.generate() ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(page.getByText('That code is not right')).toBeVisible();
  await page.getByLabel('Code from the app').fill(totp.generate());
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  const list = page.getByRole('list', { name: 'Your backup codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = await list.getByRole('listitem').allTextContents();
  expect(codes.every((c) => /^[a-z0-9]{5}-[a-z0-9]{5}$/.test(c))).toBe(true);
  await expect(page.getByRole('link', { name: 'Download codes' })).toHaveAttribute('download', 'gatehouse-backup-codes.txt');
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  return { totp, codes };
}

/** The code at setup is spent; the next step's code is already inside the drift window. */
function nextCode(phone: Phone): string {
  return phone.totp.generate({ timestamp: Date.now() + 30_000 });
}

async function enterCode(page: Page, code: string) {
  await expect(page).toHaveURL(/\/login\/code/);
  await hydrated(page);
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

test('a user sets up 2FA, then signs in with a code and with a backup code', async ({ page }) => {
  const alan = unique('alan');
  await signInAsOwner(page);
  await createUser(page, alan, null);
  await signOut(page);
  await firstSignIn(page, alan, chosen);

  await page.goto('/profile');
  await hydrated(page);
  const section = page.getByRole('region', { name: 'Two-factor authentication' });
  await expect(section).toContainText('Off.');
  await section.getByRole('link', { name: 'Set up two-factor authentication' }).click();
  const phone = await setUpTwoFactor(page);
  await signOut(page);

  await signIn(page, alan, chosen);
  await enterCode(page, nextCode(phone));
  await signOut(page);

  await signIn(page, alan, chosen);
  await enterCode(page, phone.codes[0]);
  await page.goto('/profile');
  await expect(page.getByRole('region', { name: 'Two-factor authentication' })).toContainText('9 of 10 backup codes left.');
  await signOut(page);

  // A spent backup code is refused.
  await signIn(page, alan, chosen);
  await expect(page).toHaveURL(/\/login\/code/);
  await hydrated(page);
  await page.getByLabel('Authentication code').fill(phone.codes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('That code is not right')).toBeVisible();
  await signOut(page);
});

// Mandatory 2FA holds every sign-in on the server, and the owner turns on 2FA of their own:
// on a server of its own, so no other spec meets either.
test.describe('mandatory 2FA', () => {
  ownServer('mandatory-2fa', Number(process.env.GATEHOUSE_E2E_MANDATORY_2FA_PORT ?? 3713));
  // On a server of its own this flow also makes the owner and a user and two second factors:
  // about 40 s on a loaded 2-core machine.
  test.setTimeout(90_000);

  test('mandatory 2FA makes a user set it up at their next sign-in', async ({ page }) => {
    const hopper = unique('hopper');
    await signInAsOwner(page);
    await createUser(page, hopper, null);

    // The owner has no 2FA yet, so may not require it of everyone.
    await page.goto('/settings');
    await hydrated(page);
    await page.getByLabel('Require two-factor authentication').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('alert')).toContainText('for your own account');

    await page.goto('/profile');
    await hydrated(page);
    await page.getByRole('link', { name: 'Set up two-factor authentication' }).click();
    const ownerPhone = await setUpTwoFactor(page);
    await page.goto('/settings');
    await hydrated(page);
    await page.getByLabel('Require two-factor authentication').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Saved.')).toBeVisible();
    await signOut(page);

    // Hopper chooses a password, then is held at setup until 2FA is on.
    await firstSignIn(page, hopper, chosen, 'Two-factor authentication');
    await expect(page.getByText('This server requires two-factor authentication')).toBeVisible();
    await page.goto('/users');
    await expect(page).toHaveURL(/\/two-factor$/);
    await setUpTwoFactor(page);
    await signOut(page);

    // The owner signs in with a backup code, makes 2FA optional again and turns their own off.
    await signIn(page, owner.username, owner.password);
    await enterCode(page, ownerPhone.codes[0]);
    await page.goto('/settings');
    await hydrated(page);
    await page.getByLabel('Require two-factor authentication').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Saved.')).toBeVisible();
    await page.goto('/profile');
    await hydrated(page);
    const section = page.getByRole('region', { name: 'Two-factor authentication' });
    await section.getByLabel('Your password').fill(owner.password);
    await section.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await expect(section).toContainText('Off.');
  });
});
