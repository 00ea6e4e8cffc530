import { z } from 'zod';
import type { Clock } from '../../core/kit/clock';
import type { RawResponse } from '../shared/http-transport';
import type { Redactor } from '../shared/redaction';
import type { ItentialAuth } from './config';
import { badResponse, type FailureContext, jsonBody, looksLikeHtml, statusError } from './errors';
import { SYSTEM_ID } from './definition';
import type { Transport } from './http';
import { UpstreamError } from '../../core/errors';

/** How a request proves who it is: `?token=` for login and static tokens, a Bearer header for OAuth. */
export interface Credential {
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

interface Entry {
  promise: Promise<Credential>;
  credential?: Credential;
  expiresAt?: number;
}

const oauthTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});

export function credentialVariables(auth: ItentialAuth): string {
  switch (auth.kind) {
    case 'token':
      return 'ITENTIAL_TOKEN';
    case 'login':
      return 'ITENTIAL_USERNAME and ITENTIAL_PASSWORD';
    case 'oauth':
      return 'ITENTIAL_CLIENT_ID and ITENTIAL_CLIENT_SECRET (and the client’s roles in Itential)';
  }
}

/**
 * Holds the current credential. One login at a time: requests that hit a 401 together share the
 * renewal started by the first of them.
 */
export class Authenticator {
  private entry?: Entry;

  constructor(
    private readonly auth: ItentialAuth,
    private readonly transport: Transport,
    private readonly redactor: Redactor,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly refreshMarginMs: number,
  ) {}

  get renewable(): boolean {
    return this.auth.kind !== 'token';
  }

  /** `timeoutMs` bounds a login this call has to start (a picker cannot wait for a slow login). */
  current(timeoutMs: number): Promise<Credential> {
    const entry = this.entry;
    const expiring =
      entry?.expiresAt !== undefined && this.clock.now().getTime() >= entry.expiresAt - this.refreshMarginMs;
    if (!entry || expiring) return this.obtain(timeoutMs).promise;
    return entry.promise;
  }

  /** After a 401 with `used`: a new credential, shared with every other request rejected with the same one. */
  renew(used: Credential, timeoutMs: number): Promise<Credential> | undefined {
    if (!this.renewable) return undefined;
    if (!this.entry || this.entry.credential === used) return this.obtain(timeoutMs).promise;
    return this.entry.promise;
  }

  private obtain(timeoutMs: number): Entry {
    const entry: Entry = { promise: Promise.resolve({}) };
    entry.promise = this.fetchCredential(Math.min(timeoutMs, this.timeoutMs)).then(
      ({ credential, expiresInMs }) => {
        entry.credential = credential;
        if (expiresInMs !== undefined) entry.expiresAt = this.clock.now().getTime() + expiresInMs;
        return credential;
      },
      (err: unknown) => {
        if (this.entry === entry) this.entry = undefined;
        throw err;
      },
    );
    this.entry = entry;
    return entry;
  }

  private async fetchCredential(
    timeoutMs: number,
  ): Promise<{ credential: Credential; expiresInMs?: number }> {
    const ctx: FailureContext = {
      action: this.auth.kind === 'oauth' ? 'get an OAuth token' : 'log in',
      oneShot: false,
      credentialHint: credentialVariables(this.auth),
      redactor: this.redactor,
    };
    if (this.auth.kind === 'login') {
      const res = await this.transport.send({
        method: 'POST',
        path: '/login',
        json: { user: { username: this.auth.username, password: this.auth.password } },
        timeoutMs,
        action: ctx.action,
        oneShot: false,
      });
      const token = this.loginToken(res, ctx);
      this.redactor.add(token);
      return { credential: { params: { token } } };
    }
    if (this.auth.kind === 'oauth') {
      const res = await this.transport.send({
        method: 'POST',
        path: '/oauth/token',
        form: {
          grant_type: 'client_credentials',
          client_id: this.auth.clientId,
          client_secret: this.auth.clientSecret,
        },
        timeoutMs,
        action: ctx.action,
        oneShot: false,
      });
      this.rejectFailure(res, ctx);
      const parsed = oauthTokenSchema.safeParse(jsonBody(res, ctx));
      if (!parsed.success) throw badResponse('a token response without access_token', ctx);
      this.redactor.add(parsed.data.access_token);
      return {
        credential: { headers: { Authorization: `Bearer ${parsed.data.access_token}` } },
        expiresInMs: parsed.data.expires_in !== undefined ? parsed.data.expires_in * 1000 : undefined,
      };
    }
    // A static token: never renewed, so a 401 is final.
    return { credential: { params: { token: this.auth.token } } };
  }

  /** /login answers with the bare token (some versions quote it as a JSON string). */
  private loginToken(res: RawResponse, ctx: FailureContext): string {
    this.rejectFailure(res, ctx);
    if (looksLikeHtml(res)) throw badResponse('an HTML page instead of a token', ctx);
    const text = res.text.trim();
    let token = text;
    if (text.startsWith('"')) {
      const parsed = jsonBody(res, ctx);
      token = typeof parsed === 'string' ? parsed : '';
    }
    if (token === '' || token.startsWith('{') || /\s/.test(token)) {
      throw badResponse('something other than a token', ctx);
    }
    return token;
  }

  private rejectFailure(res: RawResponse, ctx: FailureContext): void {
    if (res.status >= 200 && res.status < 300) return;
    const err = statusError(res, ctx);
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new UpstreamError({
        system: SYSTEM_ID,
        action: ctx.action,
        kind: 'auth',
        httpStatus: res.status,
        upstreamCode: err.code,
        message: `Itential refused the bot's credentials (${err.message})`,
        hint: `Check ${ctx.credentialHint}.`,
        retryable: false,
      });
    }
    throw err;
  }
}
