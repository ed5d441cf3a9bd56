// Access to the dashboard. Open on a loopback bind (with a check of the Host header, so a
// DNS-rebinding page cannot reach it by a name of its own); on any other bind, or with
// PRICEKEEP_WEB_AUTH=required, a login with the admin password. Every change needs the
// CSRF token: the session's when logged in, the process's own when open.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyPassword } from '../../auth/password.js';
import { adminPasswordHash } from '../../store/web-auth.js';
import { isLoopbackHost, loginRequired } from './auth-mode.js';
import { cookieValue, LOGIN_COOKIE, readCookies, SESSION_COOKIE } from './cookies.js';
import { LoginLimiter } from './login-limiter.js';
import { closeSession, findSession, openSession, randomToken, sameToken } from './session.js';
import { shellHtml } from './shell.js';
import { WebError } from './web-error.js';

export interface WebAuthState {
  /** The login is required on this server. */
  readonly required: boolean;
  readonly loggedIn: boolean;
  /** The token this request's page must send back with changes. */
  readonly csrf: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    webAuth: WebAuthState | null;
  }
}

/** Paths served without a session (the login page and the files it loads). */
function isPublic(path: string): boolean {
  return path === '/login' || path === '/favicon.ico' || path.startsWith('/app/assets/');
}

function boundHost(app: FastifyInstance): string {
  const address = app.server.address();
  if (address && typeof address === 'object') return address.address;
  // Not listening (inject() in tests): the configured address.
  return app.pricekeep.config.api.host;
}

function hostName(header: string | undefined): string {
  const host = header ?? '';
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

function isSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

function safeNext(next: unknown): string {
  // Only a local path: never an open redirect to another site.
  return typeof next === 'string' && /^\/(?!\/)[^\\]*$/.test(next) ? next : '/';
}

export function installWebAuth(app: FastifyInstance): void {
  const { config, clock, store } = app.pricekeep;
  const openCsrf = randomToken();
  const limiter = new LoginLimiter(clock);
  app.decorateRequest('webAuth', null);

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    const required = loginRequired(config.web.auth, boundHost(app));
    if (!required) {
      if (!isLoopbackHost(hostName(request.headers.host))) {
        throw new WebError('forbidden_host', 'this dashboard answers only to loopback host names (open mode)');
      }
      request.webAuth = { required, loggedIn: false, csrf: openCsrf };
    } else {
      const token = readCookies(request.headers.cookie).get(SESSION_COOKIE);
      const session = token ? await findSession(store, token, clock()) : null;
      if (session) request.webAuth = { required, loggedIn: true, csrf: session.csrfToken };
      else if (isPublic(path) || (path === '/login' && request.method === 'POST')) {
        request.webAuth = { required, loggedIn: false, csrf: '' };
      } else if (path.startsWith('/app/api/') || request.method !== 'GET') {
        throw new WebError('unauthorized', 'sign in first');
      } else {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      }
    }
    if (request.method !== 'GET' && request.method !== 'HEAD' && path !== '/login') {
      const sent = (request.headers['x-csrf-token'] as string | undefined) ?? undefined;
      // Form posts (sign out) carry it in the body, checked in their route.
      if (path !== '/logout' && !sameToken(sent, request.webAuth!.csrf)) {
        throw new WebError('csrf', 'missing or wrong CSRF token (reload the page)');
      }
    }
  });

  app.get('/login', async (request, reply) => {
    if (!request.webAuth!.required || request.webAuth!.loggedIn) return reply.redirect('/', 303);
    // Login CSRF: the form echoes a token that only this browser holds in a cookie.
    const token = randomToken();
    reply.header('set-cookie', cookieValue(LOGIN_COOKIE, token, { maxAgeSeconds: 3600, secure: isSecure(request) }));
    return reply.type('text/html; charset=utf-8').send(shellHtml(token, 'pricekeep: sign in'));
  });

  app.post('/login', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const back = (error: string) => reply.redirect(`/login?next=${encodeURIComponent(next)}&error=${encodeURIComponent(error)}`, 303);
    if (!request.webAuth!.required) return reply.redirect('/', 303);
    if (!sameToken(String(body.csrf ?? ''), readCookies(request.headers.cookie).get(LOGIN_COOKIE))) {
      return back('The sign-in form expired; try again.');
    }
    const wait = limiter.retryAfterMs(request.ip);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      return reply
        .code(429)
        .header('retry-after', Math.ceil(wait / 1000))
        .type('text/html; charset=utf-8')
        .send(`<!doctype html><title>pricekeep</title><p>Too many failed sign-ins: try again in ${minutes} minute(s). <a href="/login">Sign in</a></p>`);
    }
    const hash = await adminPasswordHash(store);
    if (!hash) return back('No password is set: run `pricekeep admin set-password` on the server.');
    const password = typeof body.password === 'string' ? body.password : '';
    if (!(await verifyPassword(password, hash))) {
      limiter.fail(request.ip);
      return back('Wrong password.');
    }
    limiter.succeed(request.ip);
    const session = await openSession(store, clock(), config.web.sessionHours);
    reply.header('set-cookie', [
      cookieValue(SESSION_COOKIE, session.token, { maxAgeSeconds: session.maxAgeSeconds, secure: isSecure(request) }),
      cookieValue(LOGIN_COOKIE, '', { maxAgeSeconds: 0, secure: isSecure(request) }),
    ]);
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!sameToken(String(body.csrf ?? ''), request.webAuth!.csrf)) throw new WebError('csrf', 'missing or wrong CSRF token');
    const token = readCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (token) await closeSession(store, token);
    reply.header('set-cookie', cookieValue(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: isSecure(request) }));
    return reply.redirect(request.webAuth!.required ? '/login' : '/', 303);
  });
}

