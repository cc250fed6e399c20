import { expect, test } from "@playwright/test";

import { newAccount, refreshAtApi, registerAccount, sessionStats } from "./support/api";
import { signIn } from "./support/flows";
import { SESSION_COOKIE, sessionCookie, sessionToken } from "./support/session";

test("the session cookie is HttpOnly and SameSite=Lax", async ({ page, context }) => {
  const account = newAccount("cookie");
  await registerAccount(account);
  await signIn(page, account);
  const cookie = await sessionCookie(context);
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe("Lax");
  expect(cookie.path).toBe("/");
});

test("no refresh token is visible to page JavaScript", async ({ page, context }) => {
  const account = newAccount("hidden");
  await registerAccount(account);
  await signIn(page, account);
  const { refreshToken, accessToken } = await sessionToken(context);
  expect(refreshToken).toBeTruthy();

  const seen = await page.evaluate(async () => {
    const storage = (store: Storage) => Object.keys(store).map((key) => `${key}=${store.getItem(key)}`).join("\n");
    const response = await fetch("/api/auth/session");
    return {
      cookies: document.cookie,
      session: await response.text(),
      localStorage: storage(window.localStorage),
      sessionStorage: storage(window.sessionStorage),
      html: document.documentElement.outerHTML,
    };
  });
  expect(seen.cookies).not.toContain(SESSION_COOKIE);
  for (const [where, text] of Object.entries(seen)) {
    expect(text, where).not.toContain(refreshToken!);
    expect(text.toLowerCase(), where).not.toContain("refresh_token");
    expect(text, where).not.toContain("refreshToken");
  }
  // The access token is what the tab needs, so the session does expose it.
  const session = JSON.parse(seen.session) as { accessToken: string; user: { email: string } };
  expect(session.accessToken).toBe(accessToken);
  expect(session.user.email).toBe(account.email);
});

test("signing out revokes the session at the API and locks the protected pages", async ({ page, context }) => {
  const account = newAccount("signout");
  await registerAccount(account);
  await signIn(page, account);
  const { refreshToken } = await sessionToken(context);
  if (!refreshToken) throw new Error("no refresh token in the session cookie");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signedOut=1/);
  await expect(page.getByRole("status")).toHaveText("You are signed out.");
  expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain(SESSION_COOKIE);

  const replay = await refreshAtApi(refreshToken);
  expect(replay.status).toBe(400);
  expect(replay.body).toMatchObject({ error: "invalid_grant", error_code: "session_revoked" });
  expect(await sessionStats(account.email)).toMatchObject({ sessions: 1, revokedSessions: 1 });

  for (const path of ["/dashboard", "/race"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  }
});
