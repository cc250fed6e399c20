import { AppShell } from "@/components/app-shell";

import { RaceLab } from "./race-lab";

export default function RacePage() {
  return (
    <AppShell>
      <RaceLab />
    </AppShell>
  );
}
