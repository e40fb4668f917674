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

/** Clicks "Unlock my key" (signature, and the key's publication where the page asks for it). */
export async function unlockKey(page: Page): Promise<void> {
  const button = page.getByRole("button", { name: "Unlock my key" });
  await button.click();
  await button.waitFor({ state: "detached" });
}

/** Clicks `trigger` and returns the bytes of the download it starts. */
export async function downloadBytes(page: Page, trigger: Locator): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent("download"), trigger.click()]);
  const path = await download.path();
  return readFile(path);
}
