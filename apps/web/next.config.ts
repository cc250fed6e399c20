import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The generated client is an ESM workspace package; let Next compile it with the app.
  transpilePackages: ["@baton/api-client"],
  turbopack: { root: new URL("../..", import.meta.url).pathname },
};

export default nextConfig;
