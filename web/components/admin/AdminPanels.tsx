"use client";
/** The administrator's panels (AdminPage loads this module while the role is checked, not with the page). */
import { AuditTimeline } from "./AuditTimeline.tsx";
import { BreakGlassReview } from "./BreakGlassReview.tsx";
import { PauseControl } from "./PauseControl.tsx";
import { RelayerStatus } from "./RelayerStatus.tsx";
import { StaffManager } from "./StaffManager.tsx";

export function AdminPanels() {
  return (
    <>
      <PauseControl />
      <StaffManager />
      <RelayerStatus />
      <BreakGlassReview />
      <AuditTimeline />
    </>
  );
}
