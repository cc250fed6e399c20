/** Open NextAuth's encrypted session cookie with the test's secret (the browser never can). */
import type { BrowserContext, Cookie } from "@playwright/test";
import { decode, type JWT } from "next-auth/jwt";

import { e2eEnvironment } from "./environment";

export const SESSION_COOKIE = "next-auth.session-token";

export async function sessionCookie(context: BrowserContext): Promise<Cookie> {
  const { webUrl } = await e2eEnvironment();
  const cookie = (await context.cookies(webUrl)).find((candidate) => candidate.name === SESSION_COOKIE);
  if (!cookie) throw new Error("no session cookie");
  return cookie;
}

export async function sessionToken(context: BrowserContext): Promise<JWT> {
  const { nextAuthSecret } = await e2eEnvironment();
  const token = await decode({ token: (await sessionCookie(context)).value, secret: nextAuthSecret });
  if (!token) throw new Error("session cookie does not decode");
  return token;
}
