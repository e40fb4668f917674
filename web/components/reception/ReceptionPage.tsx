"use client";
import { RoleGate } from "../RoleGate.tsx";

export function ReceptionPage() {
  return <RoleGate role="receptionist">{() => <p className="muted">Coming next.</p>}</RoleGate>;
}
