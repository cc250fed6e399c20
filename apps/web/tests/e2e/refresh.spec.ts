import { expect, test } from "@playwright/test";

import { newAccount, registerAccount, revokeAtApi, sessionStats } from "./support/api";
import { countSessionUpdates, signIn, waitPastAccessTokenExpiry } from "./support/flows";
import { sessionToken } from "./support/session";

/** The dashboard's protected queries, fired in parallel. */
const PROTECTED_PATHS = ["/users/me", "/auth/sessions", "/users/me/security-events"];

test("after the access token expires, the dashboard's queries all succeed with one rotation", async ({ page }) => {
  const account = newAccount("expiry");
  await registerAccount(account);
  await signIn(page, account);
  expect(await sessionStats(account.email)).toMatchObject({ sessions: 1, rotated: 0 });

  const protectedCalls = new Map<string, number[]>(PROTECTED_PATHS.map((path) => [path, []]));
  page.on("response", (response) => {
    if (response.request().method() !== "GET") return;
    protectedCalls.get(new URL(response.url()).pathname)?.push(response.status());
  });
  const sessionUpdates = countSessionUpdates(page);
  await waitPastAccessTokenExpiry(page);
  await page.getByRole("button", { name: "Reload data" }).click();

  await expect.poll(() => [...protectedCalls.values()].every((statuses) => statuses.length >= 2)).toBe(true);
  await expect(page.getByTestId("fetch-state")).toHaveText("Up to date");
  await expect(page.getByTestId("profile-email")).toHaveText(account.email);
  await expect(page.getByTestId("sessions")).toBeVisible();
  await expect(page.getByTestId("events")).toContainText("sign in");
  await expect(page.locator("main").getByRole("alert")).toHaveCount(0);
  await expect(page.getByTestId("rotations")).toHaveText("1");
  // Each parallel query had its expired token rejected once, then its replay succeeded...
  expect(Object.fromEntries(protectedCalls)).toEqual(Object.fromEntries(PROTECTED_PATHS.map((path) => [path, [401, 200]])));
  // ...after one session update in the tab and one rotation at the API.
  expect(sessionUpdates()).toBe(1);
  expect(await sessionStats(account.email)).toEqual({ sessions: 1, revokedSessions: 0, refreshTokens: 2, rotated: 1 });
});

test("two tabs refreshing at the same moment both stay signed in", async ({ context }) => {
  const account = newAccount("tabs");
  await registerAccount(account);
  const first = await context.newPage();
  await signIn(first, account);
  const second = await context.newPage();
  await second.goto("/dashboard");
  await expect(second.getByTestId("profile-email")).toHaveText(account.email);

  await waitPastAccessTokenExpiry(first);
  await Promise.all([
    first.getByRole("button", { name: "Reload data" }).click(),
    second.getByRole("button", { name: "Reload data" }).click(),
  ]);
  for (const page of [first, second]) {
    await expect(page.getByTestId("rotations")).toHaveText("1");
    await expect(page.getByTestId("fetch-state")).toHaveText("Up to date");
    await expect(page.getByTestId("profile-email")).toHaveText(account.email);
    await expect(page.locator("main").getByRole("alert")).toHaveCount(0);
  }
  // One refresh token was spent for both tabs, and the family is still alive.
  expect(await sessionStats(account.email)).toMatchObject({ sessions: 1, revokedSessions: 0, rotated: 1 });
  for (const page of [first, second]) {
    await page.reload();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByTestId("profile-email")).toHaveText(account.email);
  }
});

test("the race lab: 20 parallel calls, one session update, one refresh at the API", async ({ page }) => {
  const account = newAccount("race");
  await registerAccount(account);
  await signIn(page, account);
  await page.getByRole("link", { name: "Race lab" }).click();
  await expect(page.getByTestId("call-count")).toHaveText("20");

  await page.getByRole("button", { name: "Expire token and race" }).click();
  await expect(page.getByTestId("race-phase")).toHaveText("done", { timeout: 20_000 });
  await expect(page.getByTestId("stat-succeeded")).toHaveText("20/20");
  await expect(page.getByTestId("stat-expired")).toHaveText("20");
  await expect(page.getByTestId("stat-updates")).toHaveText("1");
  await expect(page.getByTestId("stat-refreshes")).toHaveText("1");
  await expect(page.locator('rect[data-kind="session-update"]')).toHaveCount(1);
  await expect(page.locator('rect[data-kind="attempt-200"]')).toHaveCount(20);
  expect(await sessionStats(account.email)).toMatchObject({ revokedSessions: 0, rotated: 1 });
});

test("a refresh the API refuses (invalid_grant) signs the tab out with a message", async ({ page, context }) => {
  const account = newAccount("revoked");
  await registerAccount(account);
  await signIn(page, account);
  const { refreshToken } = await sessionToken(context);
  if (!refreshToken) throw new Error("no refresh token in the session cookie");
  await revokeAtApi(refreshToken); // e.g. signed out everywhere from another device

  await waitPastAccessTokenExpiry(page);
  await page.getByRole("button", { name: "Reload data" }).click();
  await expect(page).toHaveURL(/\/login\?error=SessionExpired/);
  await expect(page.getByRole("status")).toHaveText("Your session has ended. Please sign in again.");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
});
