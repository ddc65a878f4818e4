import { chromium } from 'playwright';
const base = process.argv[2];
const out = process.argv[3];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await ctx.newPage();
const hyd = () => page.waitForFunction(() => document.body.dataset.hydrated === 'true' || document.body.dataset.scripts === 'off');
await page.goto(base + '/setup'); await hyd();
await page.getByLabel('Username').fill('ada');
await page.getByLabel('Full name').fill('Ada Lovelace');
await page.getByLabel('Email').fill('ada@example.org');
await page.getByLabel('Password', { exact: true }).fill('Correct-Horse-Battery-9');
await page.getByLabel('Confirm password').fill('Correct-Horse-Battery-9');
await page.getByRole('button', { name: 'Create owner account' }).click();
await page.getByRole('heading', { name: 'Overview' }).waitFor();
// a second session
const other = await browser.newContext({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' });
const p2 = await other.newPage();
await p2.goto(base + '/login'); await p2.getByLabel('Username or email').fill('ada'); await p2.getByLabel('Password').fill('Correct-Horse-Battery-9');
await p2.getByRole('button', { name: 'Sign in' }).click(); await p2.getByRole('heading', { name: 'Overview' }).waitFor();
await page.goto(base + '/profile'); await hyd();
const form = page.getByRole('form', { name: 'Make an API key' });
await form.getByLabel('Label').fill('Nightly backup of the whole directory to the NAS in the basement');
await form.getByLabel('Expires after (days, empty for never)').fill('90');
await form.getByLabel('Your password').fill('Correct-Horse-Battery-9');
await form.getByRole('button', { name: 'Make key' }).click();
await page.getByLabel('New API key').waitFor();
await form.getByLabel('Label').fill('read-only monitor');
await page.locator('input[name=read_only]').check();
await form.getByLabel('Your password').fill('Correct-Horse-Battery-9');
await form.getByRole('button', { name: 'Make key' }).click();
await page.waitForTimeout(800);
for (const [path, name] of [['/profile', 'profile'], ['/activity?action=auth', 'activity'], ['/settings', 'settings'], ['/settings/api', 'api']]) {
  for (const scheme of ['light', 'dark']) {
    for (const width of [390, 1280]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      await page.goto(base + path); await hyd();
      if (name === 'api') { await page.locator('main details summary').first().click(); }
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/${name}-${scheme}-${width}.png`, fullPage: true });
    }
  }
}
// focus ring on an End button
await page.emulateMedia({ colorScheme: 'light' }); await page.setViewportSize({ width: 1280, height: 900 });
await page.goto(base + '/activity?user=nobody-at-all'); await hyd();
await page.screenshot({ path: `${out}/activity-empty.png`, fullPage: true });
await browser.close();
