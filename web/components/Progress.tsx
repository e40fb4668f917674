"use client";
/** Progress indicators: a spinner with a label, and a list of named steps. */

export function Spinner({ label }: { label: string }) {
  return (
    <span className="spinner-wrap" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </span>
  );
}

export interface Step {
  readonly id: string;
  readonly label: string;
}

/** Steps before `current` are done, `current` is running; `done` marks all complete. */
export function StepList({ steps, current, done = false }: { steps: readonly Step[]; current?: string; done?: boolean }) {
  const index = done ? steps.length : steps.findIndex((s) => s.id === current);
  return (
    <ol className="steps" aria-label="Progress">
      {steps.map((step, i) => {
        const state = i < index ? "done" : i === index ? "active" : "todo";
        return (
          <li key={step.id} className={`step step-${state}`} aria-current={state === "active" ? "step" : undefined}>
            <span className="step-mark" aria-hidden="true">
              {state === "done" ? "✓" : i + 1}
            </span>
            {step.label}
            <span className="visually-hidden">{state === "done" ? " (done)" : state === "active" ? " (in progress)" : ""}</span>
          </li>
        );
      })}
    </ol>
  );
}
