import { AppShell } from "@/components/app-shell";

import { Dashboard } from "./dashboard";

export default function DashboardPage() {
  return (
    <AppShell>
      <Dashboard />
    </AppShell>
  );
}
