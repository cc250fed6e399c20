import type { Metadata } from "next";
import type { ReactNode } from "react";

import { serverEnv } from "@/env";

import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "Baton",
  description: "Single-use rotating refresh tokens, FastAPI + Next.js",
};

// The API URL comes from the server's environment at request time, not from the build.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers apiBaseUrl={serverEnv().publicApiUrl}>{children}</Providers>
      </body>
    </html>
  );
}
