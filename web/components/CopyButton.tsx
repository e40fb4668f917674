"use client";
/** A copy button that says "Copied" once the text is on the clipboard (and says so when the browser refuses). */
import { useEffect, useState } from "react";

export function CopyButton({ text, label = "Copy", testId }: { text: string; label?: string; testId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state !== "copied") return;
    const timer = setTimeout(() => setState("idle"), 4000);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = () => {
    if (!navigator.clipboard) return setState("failed");
    navigator.clipboard.writeText(text).then(
      () => setState("copied"),
      () => setState("failed"),
    );
  };
  return (
    <>
      <button type="button" className="btn btn-small" onClick={copy} data-testid={testId}>
        {state === "copied" ? "Copied ✓" : label}
      </button>
      <span role="status" className={state === "failed" ? "small" : "visually-hidden"}>
        {state === "copied" ? "Copied to the clipboard." : state === "failed" ? "This browser did not allow copying: select the text and copy it." : ""}
      </span>
    </>
  );
}
