import { expect, type Page } from "@playwright/test";

import type { Account } from "./api";
import { e2eEnvironment } from "./environment";

export async function signIn(page: Page, account: Account): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("profile-email")).toHaveText(account.email);
}

/** Sleep until every access token issued before now has expired at the API. */
export async function waitPastAccessTokenExpiry(page: Page): Promise<void> {
  const { accessTokenTtlSeconds } = await e2eEnvironment();
  await page.waitForTimeout(accessTokenTtlSeconds * 1000 + 1_200);
}

/** Count the tab's session updates (NextAuth's `update()` is a POST to /api/auth/session). */
export function countSessionUpdates(page: Page): () => number {
  let count = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/auth/session") count += 1;
  });
  return () => count;
}
