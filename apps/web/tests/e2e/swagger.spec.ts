import { expect, test } from "@playwright/test";

import { newAccount, registerAccount } from "./support/api";
import { e2eEnvironment } from "./support/environment";

test("Swagger UI's Authorize button signs in with the password flow and calls a protected route", async ({ page }) => {
  const { apiUrl } = await e2eEnvironment();
  const account = newAccount("swagger");
  await registerAccount(account);

  // Every asset must come from the API itself: no CDN is reachable (or wanted) here.
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(apiUrl)) foreign.push(request.url());
  });

  await page.goto(`${apiUrl}/docs`);
  await page.getByRole("button", { name: "Authorize" }).first().click();
  const dialog = page.locator(".modal-ux");
  await dialog.locator("#oauth_username").fill(account.email);
  await dialog.locator("#oauth_password").fill(account.password);
  const token = page.waitForResponse((r) => r.url() === `${apiUrl}/auth/token` && r.request().method() === "POST");
  await dialog.locator("button.modal-btn.authorize").click();
  expect((await token).status()).toBe(200);
  await expect(dialog.locator("button.modal-btn", { hasText: "Logout" })).toBeVisible();
  await dialog.locator("button.btn-done").click();

  const operation = page.locator(".opblock", { has: page.locator('[data-path="/users/me"]') }).first();
  await operation.locator(".opblock-summary").click();
  await operation.getByRole("button", { name: "Try it out" }).click();
  const me = page.waitForResponse((r) => r.url() === `${apiUrl}/users/me`);
  await operation.getByRole("button", { name: "Execute" }).click();
  const response = await me;
  expect(response.status()).toBe(200);
  expect((await response.json()).email).toBe(account.email);
  expect(response.request().headers().authorization).toMatch(/^Bearer ey/);
  await expect(operation.locator(".live-responses-table tr.response .response-col_status").first()).toContainText("200");

  expect(foreign).toEqual([]);
});
