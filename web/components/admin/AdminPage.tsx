"use client";
import dynamic from "next/dynamic";
import { useEffect } from "react";
import { AccessGate } from "../AccessGate.tsx";
import { Spinner } from "../Progress.tsx";

// The panels (staff forms, audit timeline, pause, relayer) are fetched while the role is checked,
// not with the page's first load.
const loadPanels = () => import("./AdminPanels.tsx").then((module) => module.AdminPanels);
const AdminPanels = dynamic(loadPanels, { loading: () => <Spinner label="Opening the administration…" /> });

export function AdminPage() {
  useEffect(() => void loadPanels(), []);
  return (
    <AccessGate roles={["admin"]} purpose="use the administrator page">
      {() => <AdminPanels />}
    </AccessGate>
  );
}
