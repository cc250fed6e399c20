/**
 * Ports, folders and secrets of one e2e run. Playwright evaluates the config in every worker, so the
 * values are chosen once (in the runner process) and handed down through the environment.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";

export type E2EEnvironment = {
  apiPort: number;
  webPort: number;
  apiUrl: string;
  webUrl: string;
  dataDir: string;
  databasePath: string;
  nextAuthSecret: string;
  accessTokenTtlSeconds: number;
};

export const ACCESS_TOKEN_TTL_SECONDS = 5;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function e2eEnvironment(): Promise<E2EEnvironment> {
  const env = process.env;
  env.BATON_E2E_API_PORT ??= String(await freePort());
  env.BATON_E2E_WEB_PORT ??= String(await freePort());
  env.BATON_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "baton-e2e-"));
  env.BATON_E2E_NEXTAUTH_SECRET ??= randomBytes(48).toString("base64url");
  const apiPort = Number(env.BATON_E2E_API_PORT);
  const webPort = Number(env.BATON_E2E_WEB_PORT);
  const dataDir = env.BATON_E2E_DATA_DIR;
  return {
    apiPort,
    webPort,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    webUrl: `http://127.0.0.1:${webPort}`,
    dataDir,
    databasePath: path.join(dataDir, "api", "baton.sqlite3"),
    nextAuthSecret: env.BATON_E2E_NEXTAUTH_SECRET,
    accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
  };
}
