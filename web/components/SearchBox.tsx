"use client";
/** A search box over a list already loaded in the page (each list decides what matches). */
import { useId } from "react";

export function SearchBox({
  label,
  value,
  onChange,
  placeholder,
  testId,
}: {
  label: string;
  value: string;
  onChange: (text: string) => void;
  placeholder?: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field search-box">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} data-testid={testId} autoComplete="off" />
    </div>
  );
}
