// A loopback SMTP server for the Playwright run: Gatehouse sends its mail here, and each
// message lands as JSON in end2end/.mail/ for the tests to read links from.
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';

const port = Number(process.env.SMTP_SINK_PORT ?? 3725);
const dir = path.resolve(process.env.SMTP_SINK_DIR ?? '.mail');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
let count = 0;

net
  .createServer((socket) => {
    let buffer = '';
    let inData = false;
    let to = [];
    let data = [];
    const reply = (line) => socket.write(`${line}\r\n`);
    reply('220 sink.test ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            count += 1;
            const file = path.join(dir, `${Date.now()}-${String(count).padStart(4, '0')}.json`);
            fs.writeFileSync(file, JSON.stringify({ to, data: data.join('\r\n') }));
            to = [];
            data = [];
            reply('250 OK: queued');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const command = line.toUpperCase();
        if (command.startsWith('EHLO')) reply('250-sink.test\r\n250 8BITMIME');
        else if (command.startsWith('RCPT TO')) {
          to.push(line.slice(8).trim().replace(/^</, '').replace(/>$/, ''));
          reply('250 OK');
        } else if (command === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (command === 'QUIT') {
          reply('221 Bye');
          socket.end();
        } else reply('250 OK');
      }
    });
    socket.on('error', () => {});
  })
  .listen(port, '127.0.0.1', () => console.log(`SMTP sink on 127.0.0.1:${port}, mail in ${dir}`));
