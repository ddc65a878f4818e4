// Page weight and time to interactive of the release build, as a browser with an empty cache
// sees them: `node end2end/weigh.mjs` (after `make build`; `make bench` runs it).
//
// For each page, five cold loads: the bytes transferred (headers and encoded bodies of every
// response until the page is interactive and the network is idle) and the time from the start
// of navigation until the page is interactive (hydrated, or loaded for pages without a
// bundle). Once on loopback, once as a phone: 4x slower CPU, 150 ms round trips, 1.6 Mbit/s
// down. Prints medians as a Markdown table.
import { chromium } from 'playwright';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.GATEHOUSE_WEIGH_PORT ?? 3790);
const base = `http://127.0.0.1:${port}`;
const runs = Number(process.env.GATEHOUSE_WEIGH_RUNS ?? 5);
const owner = { username: 'weigher', password: 'Correct-Horse-Battery-9' };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-weigh-'));
const server = spawn('./target/release/gatehouse', ['serve'], {
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

async function up() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gatehouse did not start');
}

const ready = () =>
  document.body?.dataset.hydrated === 'true' || document.body?.dataset.scripts === 'off';

/** Creates the owner and a second user; returns the owner's cookies and that user's page. */
async function prepare(browser) {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto('/setup');
  await page.waitForFunction(ready);
  await page.getByLabel('Username').fill(owner.username);
  await page.getByLabel('Full name').fill('Owner');
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password', { exact: true }).fill(owner.password);
  await page.getByLabel('Confirm password').fill(owner.password);
  await page.getByRole('button', { name: 'Create owner account' }).click();
  await page.waitForURL(`${base}/`);
  await page.goto('/users/new');
  await page.waitForFunction(ready);
  await page.getByLabel('Username').fill('someone');
  await page.getByLabel('Email').fill('someone@example.com');
  await page.getByLabel('Temporary password').fill('a temporary password 1');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.waitForURL(/\/users\/[0-9a-f-]{36}/);
  const userPage = new URL(page.url()).pathname;
  const state = await context.storageState();
  await context.close();
  return { state, userPage };
}

async function load(browser, url, state, phone) {
  const context = await browser.newContext({ baseURL: base, storageState: state });
  const page = await context.newPage();
  if (phone) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
  }
  // The moment the page became interactive, in the page's own clock.
  await page.addInitScript(() => {
    const mark = () => {
      if (window.__interactive === undefined) window.__interactive = performance.now();
    };
    new MutationObserver(() => {
      if (document.body?.dataset.hydrated === 'true') mark();
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
    document.addEventListener('DOMContentLoaded', () => {
      if (document.body?.dataset.scripts === 'off') mark();
    });
  });
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(url);
  await page.waitForFunction(() => window.__interactive !== undefined, null, { timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  const ms = await page.evaluate(() => window.__interactive);
  let bytes = 0;
  for (const r of responses) {
    const sizes = await r.request().sizes();
    bytes += sizes.responseHeadersSize + sizes.responseBodySize;
  }
  const landed = new URL(page.url()).pathname;
  await context.close();
  return { bytes, ms, landed };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await up();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const { state, userPage } = await prepare(browser);
  const pages = [
    ['/login', undefined],
    ['/', state],
    ['/users', state],
    [userPage, state],
    ['/groups', state],
    ['/invites', state],
    ['/activity', state],
    ['/settings', state],
    ['/profile', state],
  ];
  console.log('| page | transferred (KiB) | interactive, loopback (ms) | interactive, phone (ms) |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [url, cookies] of pages) {
    const fast = [];
    const slow = [];
    for (let i = 0; i < runs; i++) fast.push(await load(browser, url, cookies, false));
    for (let i = 0; i < runs; i++) slow.push(await load(browser, url, cookies, true));
    if (fast[0].landed !== url) throw new Error(`${url} landed on ${fast[0].landed}`);
    const name = url === userPage ? '/users/:id' : url;
    const kib = (median(fast.map((r) => r.bytes)) / 1024).toFixed(1);
    console.log(`| ${name} | ${kib} | ${Math.round(median(fast.map((r) => r.ms)))} | ${Math.round(median(slow.map((r) => r.ms)))} |`);
  }
  await browser.close();
} finally {
  server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
