/** Multi-step UI flows shared by the browser tests (each step through the app, as a user would). */
import { readFile } from "node:fs/promises";
import type { Locator, Page } from "playwright-core";
import { findDemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";

export function demoPerson(handle: string) {
  const person = findDemoPerson(handle);
  if (!person) throw new Error(`No demo person ${handle}`);
  return { ...person, address: demoAccount(person).address };
}

export interface StaffInput {
  readonly account: string;
  readonly role: "doctor" | "receptionist";
  readonly name: string;
  readonly department: string;
  readonly contact: string;
}

export async function fillStaffForm(page: Page, values: StaffInput): Promise<Locator> {
  const form = page.getByRole("form", { name: "Add a staff member" });
  await form.getByLabel("Account address").fill(values.account);
  await form.getByLabel("Role").selectOption(values.role);
  await form.getByLabel("Name").fill(values.name);
  await form.getByLabel("Department or specialty").fill(values.department);
  await form.getByLabel("Professional contact").fill(values.contact);
  return form;
}

/** Adds demo person `handle` as staff through the admin page (already open and connected). */
export async function addDemoStaff(page: Page, handle: string): Promise<void> {
  const p = demoPerson(handle);
  if (p.role !== "doctor" && p.role !== "receptionist") throw new Error(`${handle} is not staff`);
  const form = await fillStaffForm(page, { account: p.address, role: p.role, name: p.displayName, department: p.department ?? "", contact: p.contact ?? "" });
  await form.getByRole("button", { name: "Add staff member" }).click();
  await page.getByTestId("staff-table").locator(`tr[data-account="${p.address}"]`).waitFor();
  await waitForValue(form.getByLabel("Account address"), ""); // the form is ready for the next one
}

/** Waits until an input shows `value`. */
export async function waitForValue(input: Locator, value: string): Promise<void> {
  const handle = await input.elementHandle();
  await input.page().waitForFunction(([el, wanted]) => (el as HTMLInputElement).value === wanted, [handle, value] as const);
}

/**
 * The page's one "Unlock and sign in" step (just "Unlock my key" where the page needs no session,
 * or the account is signed in already): the identity signature (and the key's publication where
 * the page asks for it), then the sign-in signature where asked; waits until the page shows.
 */
export async function unlockKey(page: Page): Promise<void> {
  const card = page.getByTestId("unlock-card");
  await card.getByRole("button", { name: /^(Unlock and sign in|Unlock my key)$/ }).click();
  await card.waitFor({ state: "detached" });
}

/** Clicks `trigger` and returns the bytes of the download it starts. */
export async function downloadBytes(page: Page, trigger: Locator): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent("download"), trigger.click()]);
  const path = await download.path();
  return readFile(path);
}

/**
 * Opens a report from its row as a user does: Open, then the report shown in the page (PDF pages
 * drawn, or the image); returns the bytes its Download button saves, and closes the viewer.
 */
export async function openReport(page: Page, row: Locator): Promise<Buffer> {
  const viewer = await openReportViewer(page, row);
  const bytes = await downloadBytes(page, viewer.getByRole("button", { name: "Download" }));
  await viewer.getByRole("button", { name: "Close" }).click();
  await viewer.waitFor({ state: "detached" });
  return bytes;
}

/** Clicks the row's Open and waits for the report to be drawn in the viewer; returns the viewer. */
export async function openReportViewer(page: Page, row: Locator): Promise<Locator> {
  await row.getByRole("button", { name: "Open" }).click();
  const viewer = reportViewer(page);
  await viewer.waitFor({ state: "visible", timeout: 60_000 });
  await viewer.locator('[data-testid="report-page"], [data-testid="report-image"]').first().waitFor({ timeout: 60_000 });
  return viewer;
}

/** The report viewer open on the page (each list has its own dialog; one is open at a time). */
export function reportViewer(page: Page): Locator {
  return page.locator('dialog[open][data-testid="report-viewer"]');
}

/** Whether a canvas of the page has drawn pixels that are not all white (a rendered PDF page). */
export async function canvasHasInk(canvas: Locator): Promise<boolean> {
  return canvas.evaluate((element) => {
    const c = element as HTMLCanvasElement;
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) ink++;
    return ink > 100;
  });
}

export interface UploadInForm {
  readonly patient: string;
  readonly file: { readonly name: string; readonly mimeType: string; readonly buffer: Buffer | Uint8Array };
  readonly title: string;
  readonly kind: string;
}

/** Fills the doctor's upload form and opens the review step (the file drawn, the details shown); returns the review section. */
export async function reviewUpload(page: Page, upload: UploadInForm): Promise<Locator> {
  const form = page.getByRole("form", { name: "Upload a report" });
  await form.getByLabel("Patient").fill(upload.patient);
  await form.getByLabel("Report file (PDF, PNG or JPEG)").setInputFiles({ ...upload.file, buffer: Buffer.from(upload.file.buffer) });
  await form.getByLabel("Title").fill(upload.title);
  await form.getByLabel("Kind of report").selectOption(upload.kind);
  await form.getByRole("button", { name: "Review before registering" }).click();
  const review = page.getByTestId("upload-review");
  await review.waitFor();
  return review;
}

/** Outcome of a transaction's toast (web/lib/txToast.tsx): sonner's `data-type`. */
export type ToastState = "loading" | "success" | "error";

/** The transaction toasts on the page in state `state` (still shown, not leaving), optionally with `text`. */
export function transactionToasts(page: Page, state: ToastState, text?: string | RegExp): Locator {
  const toasts = page.locator(`[data-testid="tx-toast"][data-type="${state}"]:not([data-removed="true"])`);
  return text === undefined ? toasts : toasts.filter({ hasText: text });
}

/** Waits for the transaction toast in `state` with `text` (the latest if several) and returns it. */
export async function waitForToast(page: Page, state: ToastState, text?: string | RegExp, timeout?: number): Promise<Locator> {
  const toast = transactionToasts(page, state, text).last();
  await toast.waitFor(timeout === undefined ? {} : { timeout });
  return toast;
}

/** The confirmation dialog a destructive button opened (web/components/ConfirmButton.tsx). */
export function confirmDialog(scope: Page | Locator): Locator {
  return scope.getByRole("alertdialog", { name: "Are you sure?" });
}

/** Presses `button` (default "Confirm") in the open confirmation dialog and waits for it to close. */
export async function confirmAction(scope: Page | Locator, button = "Confirm"): Promise<void> {
  const dialog = confirmDialog(scope);
  await dialog.getByRole("button", { name: button, exact: true }).click();
  await dialog.waitFor({ state: "detached" });
}

/**
 * Technical words a patient, doctor or receptionist must never be shown (issue 11): environment
 * variable names, the wallet library's "Injected" / "Provider not found", IPFS CIDs (the word or a
 * CID itself). The technical details behind a closed "Technical details" toggle are not shown, and
 * not checked.
 */
export const TECHNICAL_WORDS: readonly RegExp[] = [
  /MEDLEDGER_\w*/,
  /NEXT_PUBLIC_\w*/,
  /\bInjected\b/,
  /Provider not found/i,
  /\bCIDs?\b/,
  /\bbaf[a-z2-7]{50,}\b/, // a CIDv1 (base32)
  /\bQm[1-9A-HJ-NP-Za-km-z]{44}\b/, // a CIDv0
];

/** The technical words in the text the page shows now (its rendered text: closed <details> and hidden parts excluded). */
export async function technicalWordsShown(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  return TECHNICAL_WORDS.flatMap((pattern) => {
    const found = pattern.exec(text);
    return found ? [found[0]] : [];
  });
}
