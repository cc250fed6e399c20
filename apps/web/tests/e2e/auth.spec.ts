import { expect, test } from "@playwright/test";

import { newAccount, registerAccount } from "./support/api";
import { signIn } from "./support/flows";

test("register, sign in and land on the dashboard", async ({ page }) => {
  const account = newAccount("register");
  await page.goto("/register");

  // The API validates; its 422 lands next to the field it is about.
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#password-error")).toContainText(/at least 8 characters/i);
  await expect(page.locator("#email-error")).toHaveCount(0);

  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/login\?registered=1/);
  await expect(page.getByRole("status")).toContainText("Account created");
  await expect(page.getByLabel("Email")).toHaveValue(account.email);

  await page.getByLabel("Password").fill(`${account.password}-wrong`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Incorrect email or password.");

  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("profile-email")).toHaveText(account.email);
  await expect(page.getByTestId("api-ready")).toHaveText("Database ok");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("registering an address twice shows the API's 409 on the email field", async ({ page }) => {
  const account = newAccount("twice");
  await registerAccount(account);
  await page.goto("/register");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#email-error")).toBeVisible();
  await expect(page).toHaveURL(/\/register$/);
});

test("protected pages redirect to /login, and back after signing in", async ({ page }) => {
  for (const path of ["/dashboard", "/race"]) {
    await page.goto(path);
    await expect(page).toHaveURL(new RegExp(`/login\\?callbackUrl=${encodeURIComponent(path)}`));
  }
  const account = newAccount("callback");
  await registerAccount(account);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/race$/);
  await expect(page.getByRole("heading", { name: "Race lab" })).toBeVisible();
});

test("signed-in users skip the sign-in page", async ({ page }) => {
  const account = newAccount("skip");
  await registerAccount(account);
  await signIn(page, account);
  await page.goto("/login");
  await expect(page).toHaveURL(/\/dashboard$/);
});
