/**
 * Browser end-to-end tests: Debian's Chromium against a production build (`next build` first, then
 * `next start` here) and a real API with a 5-second access token, each on a free port.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { defineConfig } from "@playwright/test";

import { e2eEnvironment } from "./tests/e2e/support/environment";

const webDir = path.dirname(fileURLToPath(import.meta.url));
const apiDir = path.resolve(webDir, "../api");
const chromium = process.env.BATON_E2E_CHROMIUM ?? "/usr/bin/chromium";

if (!existsSync(path.join(webDir, ".next", "BUILD_ID"))) {
  throw new Error("No production build in apps/web/.next: run `npx turbo run build --filter=@baton/web` first (make test-e2e does).");
}

const e2e = await e2eEnvironment();
const screenshots = process.env.BATON_E2E_SCREENSHOTS === "1";
const apiLog = path.join(e2e.dataDir, "api.log");
if (!process.env.TEST_WORKER_INDEX) console.log(`e2e: API log in ${apiLog}`);

export default defineConfig({
  testDir: "tests/e2e",
  testIgnore: screenshots ? [] : ["**/screenshots.spec.ts"],
  // The scenarios wait for real token expiry and count rotations in one database: run them one by one.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: e2e.webUrl,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: [
    {
      name: "api",
      // The API's logs go to a file beside its database (the path is printed below), not into the report.
      command: `(uv run baton-api migrate && exec uv run uvicorn baton_api.main:app --host 127.0.0.1 --port ${e2e.apiPort}) >> "${apiLog}" 2>&1`,
      cwd: apiDir,
      url: `${e2e.apiUrl}/ready`,
      timeout: 120_000,
      reuseExistingServer: false,
      env: {
        BATON_ENV: "test",
        BATON_DATA_DIR: path.join(e2e.dataDir, "api"),
        BATON_ACCESS_TOKEN_TTL_SECONDS: String(e2e.accessTokenTtlSeconds),
        BATON_BCRYPT_ROUNDS: "4",
        BATON_CORS_ORIGINS: JSON.stringify([e2e.webUrl]),
        // The Next server (127.0.0.1) forwards each browser's address on sign-in and refresh.
        BATON_TRUSTED_PROXIES: JSON.stringify(["127.0.0.1"]),
      },
    },
    {
      name: "web",
      command: `npx next start --hostname 127.0.0.1 --port ${e2e.webPort}`,
      cwd: webDir,
      url: `${e2e.webUrl}/login`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        NEXTAUTH_URL: e2e.webUrl,
        NEXTAUTH_SECRET: e2e.nextAuthSecret,
        BATON_API_URL: e2e.apiUrl,
        BATON_PUBLIC_API_URL: e2e.apiUrl,
      },
    },
  ],
});
