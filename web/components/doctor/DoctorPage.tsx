"use client";
import { RoleGate } from "../RoleGate.tsx";

export function DoctorPage() {
  return <RoleGate role="doctor">{() => <p className="muted">Coming next.</p>}</RoleGate>;
}
