"use client";
/** A labelled form field with help text and an error message wired up for screen readers. */
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

interface FieldShell {
  readonly label: string;
  readonly error?: string;
  readonly help?: ReactNode;
}

function describedBy(id: string, error?: string, help?: ReactNode): string | undefined {
  const ids = [help ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

function Shell({ id, label, error, help, children }: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {help ? (
        <span id={`${id}-help`} className="help">
          {help}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function TextField({ label, error, help, ...input }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} error={error} help={help}>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, help)} {...input} />
    </Shell>
  );
}

export function TextArea({ label, error, help, ...input }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} error={error} help={help}>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, help)} {...input} />
    </Shell>
  );
}

export function SelectField({ label, error, help, children, ...select }: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} error={error} help={help}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, help)} {...select}>
        {children}
      </select>
    </Shell>
  );
}
