"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useSession } from "next-auth/react";
import type { ReactNode } from "react";

import { SignOutButton } from "@/components/sign-out-button";

const LINKS = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/race", label: "Race lab" },
];

export function AppShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const { data: session } = useSession();
  return (
    <>
      <header className="shell-header">
        <Link href="/dashboard" className="brand">
          Bat<span>on</span>
        </Link>
        <nav className="shell-nav">
          {LINKS.map((link) => (
            <Link key={link.href} href={link.href} aria-current={pathname === link.href ? "page" : undefined}>
              {link.label}
            </Link>
          ))}
        </nav>
        {session?.user.email && <span className="shell-user">{session.user.email}</span>}
        <SignOutButton />
      </header>
      <main className="page">{children}</main>
    </>
  );
}
