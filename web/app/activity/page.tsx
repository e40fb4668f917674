import type { Metadata } from "next";
import { ActivityPage } from "#web/components/activity/ActivityPage.tsx";

export const metadata: Metadata = { title: "Activity" };

export default function Page() {
  return (
    <>
      <h1>Activity</h1>
      <ActivityPage />
    </>
  );
}
