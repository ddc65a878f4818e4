// Without SMTP (the default) mail waits in the outbox and Settings shows its links to pass
// on. A link is the access it grants: an admin must never see the link of an owner invite.
// This spec runs its own server without GATEHOUSE_SMTP_URL, beside the shared one.
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createUser, firstSignIn, hydrated, signInAsOwner, signOut } from './session';

const port = Number(process.env.GATEHOUSE_E2E_NO_SMTP_PORT ?? 3712);
const root = path.resolve(__dirname, '..', '..');
const tmp = path.join(root, 'end2end', '.tmp-no-smtp');
let server: ChildProcess | undefined;

test.use({ baseURL: `http://127.0.0.1:${port}` });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  server = spawn('./target/release/gatehouse', ['serve'], {
    cwd: root,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH ?? '',
      GATEHOUSE_HTTP_ADDR: `127.0.0.1:${port}`,
      GATEHOUSE_DATABASE_URL: `sqlite://${tmp}/gatehouse.db?mode=rwc`,
      GATEHOUSE_DATA_DIR: path.join(tmp, 'data'),
      GATEHOUSE_LDAP_ADDR: '',
      GATEHOUSE_LDAPS_ADDR: '',
      RUST_LOG: 'warn',
    },
  });
  await expect
    .poll(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
      } catch {
        return 0;
      }
    }, { timeout: 30_000 })
    .toBe(200);
});

test.afterAll(() => {
  server?.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
});

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
  await signInAsOwner(page);
  await createUser(page, 'dave', 'admin');
  await invite(page, 'heir@example.org', 'owner');
  await invite(page, 'plain@example.org', 'user');
  await page.goto('/settings');
  await hydrated(page);
  await expect(mailRow(page, 'heir@example.org').getByLabel('Link in this mail')).toHaveValue(/\/invite\//);

  await signOut(page);
  await firstSignIn(page, 'dave', 'Quiet-Harbour-Lantern-26');
  await page.goto('/settings');
  await hydrated(page);
  await expect(mailRow(page, 'plain@example.org').getByLabel('Link in this mail')).toHaveValue(/\/invite\//);
  await expect(mailRow(page, 'heir@example.org')).toBeVisible();
  await expect(mailRow(page, 'heir@example.org').getByLabel('Link in this mail')).toHaveCount(0);
  await expect(page.getByLabel('Link in this mail')).toHaveCount(1);
});
