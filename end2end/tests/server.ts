// A server of a spec's own, beside the shared one from playwright.config.ts, for what the
// shared one must not see: a brand-new instance (setup), settings that change every sign-in
// (mandatory 2FA), or mail left in the outbox. Each runs without SMTP on a fresh database,
// removed afterwards.
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/**
 * Starts a server named `name` on `port` before the tests of the file (or `describe` block)
 * it is called in, and stops it after them; those tests then talk to it. Its mail stays in
 * its outbox.
 */
export function ownServer(name: string, port: number) {
  const tmp = path.join(root, 'end2end', `.tmp-${name}`);
  let server: ChildProcess | undefined;

  test.use({ baseURL: `http://127.0.0.1:${port}` });

  test.beforeAll(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    const env = {
      PATH: process.env.PATH ?? '',
      GATEHOUSE_HTTP_ADDR: `127.0.0.1:${port}`,
      GATEHOUSE_DATABASE_URL: `sqlite://${tmp}/gatehouse.db?mode=rwc`,
      GATEHOUSE_DATA_DIR: path.join(tmp, 'data'),
      GATEHOUSE_LDAP_ADDR: '',
      GATEHOUSE_LDAPS_ADDR: '',
      RUST_LOG: 'warn',
    };
    server = spawn('./target/release/gatehouse', ['serve'], { cwd: root, stdio: 'ignore', env });
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

  test.afterAll(async () => {
    const running = server;
    server = undefined;
    if (running && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });
}
