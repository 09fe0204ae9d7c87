#!/usr/bin/env node
// A local stand-in for Slack's Web API, for the README's tutorial and for trying the examples without a Slack
// workspace: it answers `auth.test` (the credential's connection test) and `chat.postMessage` the way Slack does
// (HTTP 200 with `ok`), on 127.0.0.1 only, and prints each message it receives — never the Authorization header.
//
//   node examples/slack-stand-in.mjs              # http://127.0.0.1:9000
//   node examples/slack-stand-in.mjs --port 0     # any free port (the real one is printed)
//
// Then point Flero's Slack calls at it: `FLERO_SERVICE_BASE_URLS=slack=http://127.0.0.1:9000 npx flero serve`
// (or `flero run … --service-base-url slack=http://127.0.0.1:9000` for a local run).
import { createServer } from 'node:http';

const at = process.argv.indexOf('--port');
const port = at > 0 ? Number(process.argv[at + 1]) : 9000;
let sent = 0;

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => {
    body += d;
  });
  req.on('end', () => {
    const method = (req.url ?? '').split('?')[0].split('/').pop();
    const answer = (json) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(json));
    };
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) return answer({ ok: false, error: 'not_authed' });
    if (method === 'auth.test') return answer({ ok: true, team: 'Local stand-in', user: 'flero-bot' });
    if (method !== 'chat.postMessage') return answer({ ok: false, error: 'unknown_method' });
    let message;
    try {
      message = JSON.parse(body);
    } catch {
      return answer({ ok: false, error: 'invalid_json' });
    }
    if (!message.channel || !message.text) return answer({ ok: false, error: 'no_text' });
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++sent).padStart(6, '0')}`;
    process.stdout.write(`slack stand-in: message ${ts} to ${message.channel}: ${message.text}\n`);
    return answer({ ok: true, channel: 'C0STANDIN', ts, message: { text: message.text } });
  });
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`Slack stand-in listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGINT', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
