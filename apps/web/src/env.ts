/**
 * The one reader of `process.env` (server only). Values are validated once, on first use, so that
 * `next build` can import server modules without runtime secrets; `next start` fails fast instead.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const MIN_SECRET_LENGTH = 32;
const DEV_SECRET_FILE = "nextauth-secret";

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** `next build` sets this; nothing is served during a build, so secrets may be absent. */
  NEXT_PHASE: z.string().optional(),
  /** Where the Next server reaches the API (server-side calls: sign-in, refresh, revoke). */
  BATON_API_URL: z.url().default("http://127.0.0.1:8000"),
  /** Where the browser reaches the API (needs the web origin in the API's BATON_CORS_ORIGINS). */
  BATON_PUBLIC_API_URL: z.url().optional(),
  /** Git-ignored folder for generated development secrets. */
  BATON_WEB_DATA_DIR: z.string().min(1).default(".baton"),
  NEXTAUTH_URL: z.url().optional(),
  NEXTAUTH_SECRET: z.string().min(MIN_SECRET_LENGTH).optional(),
});

export type ServerEnv = {
  nodeEnv: "development" | "test" | "production";
  apiUrl: string;
  publicApiUrl: string;
  nextAuthUrl: string;
  nextAuthSecret: string;
  /** `Secure` cookies with the `__Secure-` prefix whenever the app is served over https. */
  useSecureCookies: boolean;
};

let cached: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
  cached ??= parse(process.env);
  return cached;
}

function parse(source: NodeJS.ProcessEnv): ServerEnv {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new Error(`Invalid environment for @baton/web:\n${z.prettifyError(result.error)}`);
  }
  const raw = result.data;
  const building = raw.NEXT_PHASE === "phase-production-build";
  const production = raw.NODE_ENV === "production" && !building;
  if (production && !raw.NEXTAUTH_URL) {
    throw new Error("NEXTAUTH_URL is required in production (the public origin of this app).");
  }
  if (production && !raw.NEXTAUTH_SECRET) {
    throw new Error(`NEXTAUTH_SECRET is required in production (at least ${MIN_SECRET_LENGTH} random characters).`);
  }
  const nextAuthUrl = raw.NEXTAUTH_URL ?? "http://localhost:3000";
  const nextAuthSecret = raw.NEXTAUTH_SECRET ?? (building ? "" : devSecret(raw.BATON_WEB_DATA_DIR));
  return {
    nodeEnv: raw.NODE_ENV,
    apiUrl: stripSlash(raw.BATON_API_URL),
    publicApiUrl: stripSlash(raw.BATON_PUBLIC_API_URL ?? raw.BATON_API_URL),
    nextAuthUrl,
    nextAuthSecret,
    useSecureCookies: nextAuthUrl.startsWith("https://"),
  };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Generate the development secret once; concurrent first starts agree on one file (link is atomic). */
function devSecret(dataDir: string): string {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, DEV_SECRET_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const candidate = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(candidate, randomBytes(48).toString("base64url"), { mode: 0o600 });
  try {
    linkSync(candidate, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(candidate, { force: true });
  }
  return readFileSync(file, "utf8").trim();
}
