"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";

import { ApiConfigProvider } from "@/lib/api-config";
import { getQueryClient } from "@/lib/query-client";

export function Providers({ apiBaseUrl, children }: { apiBaseUrl: string; children: ReactNode }) {
  const queryClient = getQueryClient();
  return (
    <ApiConfigProvider baseUrl={apiBaseUrl}>
      <SessionProvider>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </SessionProvider>
    </ApiConfigProvider>
  );
}
