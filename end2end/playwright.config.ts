// Playwright drives the release build (`make build`) as a person would, in Debian's Chromium.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.GATEHOUSE_E2E_PORT ?? 3710);
const smtpPort = Number(process.env.GATEHOUSE_E2E_SMTP_PORT ?? 3725);

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: [{
    // Mail goes to a loopback SMTP sink that stores each message for the tests to read.
    command: 'node smtp-sink.mjs',
    port: smtpPort,
    reuseExistingServer: false,
    timeout: 20_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { SMTP_SINK_PORT: String(smtpPort), SMTP_SINK_DIR: '.mail' },
  }, {
    // A fresh database for every run, in end2end/.tmp; started from the repo root so the
    // binary finds target/site the way `make run` does.
    command: 'rm -rf end2end/.tmp && exec ./target/release/gatehouse serve',
    cwd: '..',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      GATEHOUSE_HTTP_ADDR: `127.0.0.1:${port}`,
      GATEHOUSE_DATABASE_URL: 'sqlite://end2end/.tmp/gatehouse.db?mode=rwc',
      GATEHOUSE_DATA_DIR: 'end2end/.tmp/data',
      GATEHOUSE_LDAP_ADDR: '',
      GATEHOUSE_LDAPS_ADDR: '',
      GATEHOUSE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}?tls=none`,
      RUST_LOG: 'warn',
    },
  }],
});
