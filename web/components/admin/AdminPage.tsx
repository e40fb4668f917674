"use client";
import { AccessGate } from "../AccessGate.tsx";
import { AuditTimeline } from "./AuditTimeline.tsx";
import { PauseControl } from "./PauseControl.tsx";
import { RelayerStatus } from "./RelayerStatus.tsx";
import { StaffManager } from "./StaffManager.tsx";

export function AdminPage() {
  return (
    <AccessGate roles={["admin"]} purpose="use the administrator page">
      {() => (
        <>
          <PauseControl />
          <StaffManager />
          <RelayerStatus />
          <AuditTimeline />
        </>
      )}
    </AccessGate>
  );
}
