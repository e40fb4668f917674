"use client";
/**
 * The administrator's activity page entry: the admin gate (with a session). The view itself
 * (ActivityView.tsx: the merged log, filters, CSV export, verification) is fetched while the role
 * is checked, not with the page's first load.
 */
import dynamic from "next/dynamic";
import { useEffect } from "react";
import { AccessGate } from "../AccessGate.tsx";
import { Spinner } from "../Progress.tsx";

const loadView = () => import("./ActivityView.tsx").then((module) => module.ActivityView);
const ActivityView = dynamic(loadView, { loading: () => <Spinner label="Opening the activity log…" /> });

export function ActivityPage() {
  useEffect(() => void loadView(), []);
  return (
    <AccessGate roles={["admin"]} session purpose="see the activity log">
      {() => <ActivityView />}
    </AccessGate>
  );
}
