// Reads the mails the SMTP sink (smtp-sink.mjs) stored, as a person reads their inbox.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';

const dir = path.resolve(__dirname, '..', '.mail');

type Mail = { to: string[]; data: string };

/** Which mail to an address to read: the `nth` (from 1) of those that mention `mentioning`. */
type Which = { nth?: number; mentioning?: string };

/** The mail's text with quoted-printable soft line breaks joined up. */
function text(mail: Mail): string {
  return mail.data.replace(/=\r\n/g, '');
}

function mailsTo(address: string): Mail[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Mail)
    .filter((m) => m.to.includes(address));
}

/**
 * Waits for a mail to `address` and returns the link to `route` in it: the first mail, or the
 * one `which` picks. An address several specs share (the owner's) needs `mentioning`, since
 * other specs' mail to it may come first.
 */
export async function linkFromMail(address: string, route: string, which: Which = {}): Promise<string> {
  const { nth = 1, mentioning } = which;
  let link = '';
  await expect
    .poll(
      () => {
        const mail = mailsTo(address).filter((m) => !mentioning || text(m).includes(mentioning))[nth - 1];
        if (!mail) return '';
        const match = text(mail).match(new RegExp(`https?://[^\\s"<>]+${route}[A-Za-z0-9_-]*`));
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
