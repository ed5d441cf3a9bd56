// Local receivers for the alert channels (loopback, port 0): a webhook endpoint that
// records every POST and answers as scripted, and an SMTP server (the smtp-server
// package) that records every message.
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { listenLoopback } from './loopback-http.js';

export interface WebhookHit {
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly hits: WebhookHit[];
  /** Status of the next answers (default 200); `hang` never answers. */
  answer: number | 'hang';
  /** Called on each request before it is answered. */
  onRequest?: (hit: WebhookHit) => void;
  close(): Promise<void>;
}

export async function webhookReceiver(): Promise<WebhookReceiver> {
  const receiver = { hits: [] as WebhookHit[], answer: 200 as number | 'hang', onRequest: undefined as ((hit: WebhookHit) => void) | undefined };
  const { url, close } = await listenLoopback((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const hit = { body, headers: req.headers };
      receiver.hits.push(hit);
      receiver.onRequest?.(hit);
      if (receiver.answer === 'hang') return;
      res.writeHead(receiver.answer).end('ok');
    });
  });
  return Object.assign(receiver, { url: `${url}/hook`, close });
}

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

export async function smtpReceiver(): Promise<{ url: string; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}
