"use client";
import { RoleGate } from "../RoleGate.tsx";

export function PatientPage() {
  return <RoleGate role="patient">{() => <p className="muted">Coming next.</p>}</RoleGate>;
}
