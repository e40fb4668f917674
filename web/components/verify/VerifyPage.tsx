"use client";
/**
 * Public verification, no wallet: the file is hashed in the browser (nothing is uploaded) and its
 * SHA-1 and SHA-256 are compared with the ledger; or a pasted digest is looked up. A link with
 * ?sha256=…&sha1=… (e.g. from a QR code) opens pre-filled and answers at once.
 */
import dynamic from "next/dynamic";
import { useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";
import { formatBytes } from "#core/reports/limits.ts";
import type { VerifyInput, VerifyStep } from "#core/verify/verify.ts";
import { clearsOutcome } from "#web/lib/forms.ts";
import { useLedgerReader } from "#web/lib/ledgerContext.tsx";
import { useAction, type Progress } from "#web/lib/useAction.ts";
import { ErrorBox } from "../ErrorBox.tsx";
import { TextField } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";

// The verification (hashing, the chain's records) and its verdict load with the first check, not with the page.
const Verdict = dynamic(() => import("./Verdict.tsx").then((m) => m.Verdict));

type Tab = "file" | "digest";

export function VerifyPage() {
  const reader = useLedgerReader();
  const params = useSearchParams();
  /** A verification link's digests (?sha256=…&sha1=…): the page opens on the digest tab, pre-filled. */
  const link = { sha256: params.get("sha256") ?? undefined, sha1: params.get("sha1") ?? undefined };
  const linked = Boolean(link.sha256 || link.sha1);
  const [tab, setTab] = useState<Tab>(linked ? "digest" : "file");
  const [fileInfo, setFileInfo] = useState<{ name: string; size: number } | null>(null);
  const [digestText, setDigestText] = useState(link.sha256 ?? link.sha1 ?? "");
  const [dragging, setDragging] = useState(false);
  const prefilled = useRef(false);

  const check = useAction(async (progress: Progress<VerifyStep>, input: VerifyInput) =>
    (await import("#core/verify/verify.ts")).verifyReport(reader, input, { onProgress: progress }),
  );

  const { run } = check;
  useEffect(() => {
    if (prefilled.current) return;
    const sha256 = params.get("sha256") ?? undefined;
    const sha1 = params.get("sha1") ?? undefined;
    if (!sha256 && !sha1) return;
    prefilled.current = true;
    void run({ kind: "link", sha1, sha256 });
  }, [params, run]);

  const onFile = (file: File | undefined) => {
    if (!file) return;
    setFileInfo({ name: file.name, size: file.size });
    void check.run({ kind: "file", file, name: file.name });
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    onFile(event.dataTransfer.files[0]);
  };

  const onDigest = (event: FormEvent) => {
    event.preventDefault();
    void check.run({ kind: "digest", digest: digestText });
  };

  return (
    <>
      <p className="lead">
        Check that a report file is genuine. Your file never leaves this device: only its fingerprints (SHA-1 and SHA-256) are compared with the public ledger.
        No wallet needed.
      </p>
      <div className="tabs" role="tablist" aria-label="How to verify">
        <button type="button" role="tab" id="tab-file" aria-controls="panel-file" aria-selected={tab === "file"} onClick={() => setTab("file")}>
          Check a file
        </button>
        <button type="button" role="tab" id="tab-digest" aria-controls="panel-digest" aria-selected={tab === "digest"} onClick={() => setTab("digest")}>
          Look up a digest
        </button>
      </div>
      {tab === "file" ? (
        <div id="panel-file" role="tabpanel" aria-labelledby="tab-file">
          <div
            className={dragging ? "dropzone dragging" : "dropzone"}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <p>
              <strong>Drop the report file here</strong> or
            </p>
            <label className="btn btn-primary">
              Choose a file
              <input type="file" className="visually-hidden" data-testid="verify-file" onChange={(e) => onFile(e.target.files?.[0])} />
            </label>
            {fileInfo ? (
              <p className="muted small">
                {fileInfo.name} · {formatBytes(fileInfo.size)}
              </p>
            ) : null}
          </div>
        </div>
      ) : (
        <form id="panel-digest" role="tabpanel" aria-labelledby="tab-digest" className="form" onSubmit={onDigest}>
          <TextField
            label="SHA-256 or SHA-1 digest"
            value={digestText}
            onChange={clearsOutcome(check, (e) => setDigestText(e.target.value))}
            help="64 hexadecimal digits for SHA-256, 40 for SHA-1."
            spellCheck={false}
            autoComplete="off"
            className="mono"
          />
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={check.pending}>
              Look up
            </button>
          </div>
        </form>
      )}
      {check.step === "hashing" ? <Spinner label="Computing the file's digests in your browser…" /> : null}
      {check.step === "checking" ? <Spinner label="Asking the ledger…" /> : null}
      <ErrorBox error={check.error} />
      {check.result ? <Verdict result={check.result} /> : null}
    </>
  );
}
