// POST /admin/cli {argv, cwd}: runs a CLI command in this server (on its open store) for a
// second CLI process, streaming what the command prints as NDJSON lines: {"stdout": …},
// {"stderr": …}, a keep-alive {} every 20 s, and last {"exit": code}. Streaming keeps a
// long `run-once` within HTTP timeouts and shows its progress as it happens.
import { isAbsolute } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sendAdminError } from '../reply.js';

const KEEP_ALIVE_MS = 20_000;

interface CliBody {
  argv: string[];
  cwd: string;
}

export async function cliRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: CliBody }>('/admin/cli', {
    // no gzip: each line must reach the CLI when written, not when a compressor flushes
    compress: false,
    schema: {
      summary: 'Run a pricekeep CLI command in this server (loopback and admin secret only)',
      tags: ['admin'],
      body: {
        type: 'object',
        required: ['argv', 'cwd'],
        additionalProperties: false,
        properties: {
          argv: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 100_000 } },
          cwd: { type: 'string', minLength: 1, maxLength: 4096 },
        },
      },
    },
    handler: async (request, reply) => {
      const admin = request.server.pricekeep.admin!;
      const { argv, cwd } = request.body;
      if (!isAbsolute(cwd)) return sendAdminError(reply, 400, 'invalid_body', 'cwd must be an absolute path');
      const stream = new PassThrough();
      const line = (value: object) => {
        if (!stream.writableEnded) stream.write(`${JSON.stringify(value)}\n`);
      };
      const keepAlive = setInterval(() => line({}), KEEP_ALIVE_MS);
      request.log.info({ command: argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ') }, 'admin: running CLI command');
      void admin
        .runCli(argv, cwd, { stdout: (text) => line({ stdout: text }), stderr: (text) => line({ stderr: text }) })
        .catch((error: Error) => {
          request.log.error({ err: error }, 'admin: CLI command failed');
          line({ stderr: `pricekeep: unexpected error in the server: ${error.message}\n` });
          return 1;
        })
        .then((exit) => {
          clearInterval(keepAlive);
          line({ exit });
          stream.end();
        });
      return reply.type('application/x-ndjson; charset=utf-8').send(stream);
    },
  });
}
