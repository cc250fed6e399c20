/** The README's pictures (run with `npm run screenshots -w @baton/web`; they land in docs/screenshots). */
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect, test } from "@playwright/test";

import { newAccount, registerAccount } from "./support/api";
import { signIn } from "./support/flows";

const folder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../docs/screenshots");
const shot = (name: string) => path.join(folder, `${name}.png`);

test("screenshots for the README", async ({ page }) => {
  const account = newAccount("ada");
  await registerAccount(account);

  await page.goto("/login?registered=1");
  await page.getByLabel("Email").fill(account.email);
  await expect(page.getByRole("status")).toBeVisible();
  await page.screenshot({ path: shot("sign-in") });

  await signIn(page, account);
  await expect(page.getByTestId("sessions")).toBeVisible();
  await expect(page.getByTestId("api-ready")).toBeVisible();
  await page.screenshot({ path: shot("dashboard"), fullPage: true });

  await page.getByRole("link", { name: "Race lab" }).click();
  await page.getByRole("button", { name: "Expire token and race" }).click();
  await expect(page.getByTestId("race-phase")).toHaveText("done", { timeout: 20_000 });
  await expect(page.getByTestId("stat-refreshes")).toHaveText("1");
  await page.screenshot({ path: shot("race-lab"), fullPage: true });
});
