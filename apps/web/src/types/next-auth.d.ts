import type { DefaultSession } from "next-auth";

/** Why a session can no longer be refreshed: the user has to sign in again. */
export type SessionError = "RefreshTokenRejected";

declare module "next-auth" {
  /** What `authorize` hands to the `jwt` callback on sign-in (never reaches the browser). */
  interface User {
    id: string;
    email: string;
    accessToken: string;
    accessTokenExpires: number;
    accessTokenLifetime: number;
    refreshToken: string;
    scopes: string[];
  }

  /** What components see: everything they need to call the API, never the refresh token. */
  interface Session {
    user: { id: string; email: string } & Omit<DefaultSession["user"], "email">;
    accessToken: string | null;
    /** Epoch milliseconds. */
    accessTokenExpires: number;
    /** The access token's whole lifetime in milliseconds (for showing how much of it is left). */
    accessTokenLifetime: number;
    scopes: string[];
    /** Refresh-token rotations this session has gone through (each one reached the API once). */
    rotations: number;
    error?: SessionError;
  }
}

declare module "next-auth/jwt" {
  /** The encrypted session cookie's content (JWE, HTTP-only): the refresh token lives only here. */
  interface JWT {
    sub: string;
    email: string;
    accessToken: string | null;
    accessTokenExpires: number;
    accessTokenLifetime: number;
    refreshToken: string | null;
    scopes: string[];
    rotations: number;
    error?: SessionError;
    /** The API's `error_code` for the failed refresh, for logs and the sign-in page. */
    errorCode?: string;
  }
}
