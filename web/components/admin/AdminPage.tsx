"use client";
import { RoleGate } from "../RoleGate.tsx";
import { AuditTimeline } from "./AuditTimeline.tsx";
import { PauseControl } from "./PauseControl.tsx";
import { StaffManager } from "./StaffManager.tsx";

export function AdminPage() {
  return (
    <RoleGate role="admin">
      {() => (
        <>
          <PauseControl />
          <StaffManager />
          <AuditTimeline />
        </>
      )}
    </RoleGate>
  );
}
