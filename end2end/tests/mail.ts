// Reads the mails the SMTP sink (smtp-sink.mjs) stored, as a person reads their inbox.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';

const dir = path.resolve(__dirname, '..', '.mail');

type Mail = { to: string[]; data: string };

function mailsTo(address: string): Mail[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Mail)
    .filter((m) => m.to.includes(address));
}

/** Waits for the newest mail to `address` and returns the link to `route` in it. */
export async function linkFromMail(address: string, route: string, nth = 1): Promise<string> {
  let link = '';
  await expect
    .poll(
      () => {
        const mail = mailsTo(address)[nth - 1];
        if (!mail) return '';
        const text = mail.data.replace(/=\r\n/g, '');
        const match = text.match(new RegExp(`https?://[^\\s"<>]+${route}[A-Za-z0-9_-]*`));
        link = match ? match[0] : '';
        return link;
      },
      { timeout: 20_000, message: `a mail to ${address} with a ${route} link` },
    )
    .not.toBe('');
  return link;
}

export function mailCount(address: string): number {
  return mailsTo(address).length;
}
