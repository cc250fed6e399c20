/**
 * NextAuth.js (v4) configuration: Credentials sign-in against the API's token endpoint, refresh-token
 * rotation in the `jwt` callback, RFC 7009 revocation on sign-out.
 */
import type { NextAuthOptions, Session, User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import type { TokenResponse } from "@baton/api-client";

import { isFatal, passwordGrant, readMe, refreshGrant, revoke } from "@/auth/api";
import { refreshOnce } from "@/auth/refresh";
import { isStaleTokenReport } from "@/auth/shared";
import { serverEnv } from "@/env";

/** Refresh this long before the access token expires, but never more than a fifth of its life. */
export const MAX_EXPIRY_MARGIN_MS = 10_000;

export function expiryMargin(lifetimeMs: number): number {
  return Math.min(MAX_EXPIRY_MARGIN_MS, lifetimeMs / 5);
}

export function needsRefresh(token: JWT, now: number): boolean {
  return now >= token.accessTokenExpires - expiryMargin(token.accessTokenLifetime);
}

function accessTokenFields(tokens: TokenResponse, now: number) {
  const lifetime = tokens.expires_in * 1000;
  return {
    accessToken: tokens.access_token,
    accessTokenExpires: now + lifetime,
    accessTokenLifetime: lifetime,
    refreshToken: tokens.refresh_token,
    scopes: tokens.scope.split(" ").filter(Boolean),
  };
}

/** The `jwt` callback's refresh step: one rotation per refresh token (see `refreshOnce`). */
export async function rotate(token: JWT, now: () => number = Date.now): Promise<JWT> {
  if (!token.refreshToken) return token;
  const result = await refreshOnce(token.refreshToken, refreshGrant);
  if (result.ok) {
    const { error: _error, errorCode: _errorCode, ...rest } = token;
    return { ...rest, ...accessTokenFields(result.tokens, now()), rotations: token.rotations + 1 };
  }
  if (isFatal(result)) {
    // invalid_grant: reused, revoked, expired... The session is over; keep no dead credentials.
    return { ...token, accessToken: null, refreshToken: null, error: "RefreshTokenRejected", errorCode: result.errorCode };
  }
  // 429, 5xx or an unreachable API: keep the tokens; the client retries with backoff.
  console.warn("[baton/web] refresh failed transiently", { status: result.status, code: result.errorCode });
  return token;
}

export async function jwtCallback({
  token,
  user,
  trigger,
  session,
}: {
  token: JWT;
  user?: User;
  trigger?: "signIn" | "signUp" | "update";
  session?: unknown;
}): Promise<JWT> {
  if (user) {
    return {
      sub: user.id,
      email: user.email,
      accessToken: user.accessToken,
      accessTokenExpires: user.accessTokenExpires,
      accessTokenLifetime: user.accessTokenLifetime,
      refreshToken: user.refreshToken,
      scopes: user.scopes,
      rotations: 0,
    };
  }
  if (token.error) return token;
  // A tab saw the API reject exactly the token we hold: refresh even if our clock disagrees.
  const reportedStale =
    trigger === "update" && isStaleTokenReport(session) && session.staleAccessToken === token.accessToken;
  if (reportedStale || needsRefresh(token, Date.now())) return rotate(token);
  return token;
}

/** What the browser gets from `/api/auth/session`: never the refresh token. */
export function sessionCallback({ session, token }: { session: Session; token: JWT }): Session {
  return {
    expires: session.expires,
    user: { id: token.sub, email: token.email },
    accessToken: token.accessToken,
    accessTokenExpires: token.accessTokenExpires,
    accessTokenLifetime: token.accessTokenLifetime,
    scopes: token.scopes,
    rotations: token.rotations,
    ...(token.error ? { error: token.error } : {}),
  };
}

async function authorize(credentials: Record<"email" | "password", string> | undefined): Promise<User> {
  const email = credentials?.email?.trim() ?? "";
  const password = credentials?.password ?? "";
  if (!email || !password) throw new Error("missing_credentials");
  const now = Date.now();
  const result = await passwordGrant(email, password);
  if (!result.ok) throw new Error(result.errorCode ?? (result.status === 0 ? "api_unreachable" : "sign_in_failed"));
  const fields = accessTokenFields(result.tokens, now);
  const me = await readMe(fields.accessToken);
  return { id: me.id, email: me.email, ...fields };
}

export function authOptions(): NextAuthOptions {
  const env = serverEnv();
  return {
    secret: env.nextAuthSecret,
    useSecureCookies: env.useSecureCookies,
    session: { strategy: "jwt" },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        authorize,
      }),
    ],
    callbacks: {
      jwt: jwtCallback,
      session: sessionCallback,
    },
    events: {
      // Runs before NextAuth clears the cookie: end the session on the API first (RFC 7009).
      async signOut({ token }) {
        if (!token?.refreshToken) return;
        try {
          await revoke(token.refreshToken);
        } catch (error) {
          console.error("[baton/web] revocation failed; the cookie is cleared anyway", error);
        }
      },
    },
  };
}
