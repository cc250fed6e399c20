"use client";

import { createContext, useContext, type ReactNode } from "react";

/** The API's public URL, read from the server's environment at request time (not baked into the build). */
const ApiBaseUrlContext = createContext<string | null>(null);

export function ApiConfigProvider({ baseUrl, children }: { baseUrl: string; children: ReactNode }) {
  return <ApiBaseUrlContext.Provider value={baseUrl}>{children}</ApiBaseUrlContext.Provider>;
}

export function useApiBaseUrl(): string {
  const baseUrl = useContext(ApiBaseUrlContext);
  if (!baseUrl) throw new Error("useApiBaseUrl() needs an <ApiConfigProvider> above it");
  return baseUrl;
}
