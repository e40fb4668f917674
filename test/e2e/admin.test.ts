/**
 * Browser tests of the admin page: staff management through the UI with an injected wallet, a
 * rejected transaction that keeps the form, validation, pause and the audit trail.
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser } from "playwright-core";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import {
  confirmAction,
  confirmDialog,
  demoPerson as person,
  fillStaffForm,
  technicalWordsShown,
  transactionToasts,
  waitForToast,
  waitForValue,
} from "#harness/browser/flows.ts";
import { connectTestWallet, goto, openSession, type AppSession } from "#harness/browser/app.ts";
import { launchBrowser, screenshot } from "#harness/browser/browser.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

describe("web app: admin page (browser)", function () {
  this.timeout(300_000);
  let stack: E2EStack;
  let browser: Browser;
  let admin: AppSession;

  before(async function () {
    stack = await startE2EStack();
    browser = await launchBrowser();
    admin = await openSession(browser, stack, { person: "admin" });
    await goto(admin.page, stack, "/admin");
    await connectTestWallet(admin.page);
    await admin.page.getByRole("heading", { name: "Staff", exact: true }).waitFor();
  });

  after(async function () {
    await admin?.close();
    await browser?.close();
    await stack?.stop();
  });

  it("validates the add-staff form before asking the wallet", async function () {
    const form = await fillStaffForm(admin.page, { account: "0x1234", role: "doctor", name: " ", department: "", contact: "" });
    const sentBefore = admin.wallet.calls.filter((c) => c === "eth_sendTransaction").length;
    await form.getByRole("button", { name: "Add staff member" }).click();
    await form.getByText("Enter an account address").waitFor();
    await form.getByText("A name is required").waitFor();
    expect(await form.getByLabel("Account address").getAttribute("aria-invalid")).to.equal("true");
    expect(admin.wallet.calls.filter((c) => c === "eth_sendTransaction").length).to.equal(sentBefore);
  });

  it("says so in a failed toast when the admin rejects the transaction (technical details closed), and keeps the form", async function () {
    const doctor = person("doctor1");
    const form = await fillStaffForm(admin.page, {
      account: doctor.address,
      role: "doctor",
      name: doctor.displayName,
      department: doctor.department ?? "",
      contact: doctor.contact ?? "",
    });
    admin.wallet.rejectNext("eth_sendTransaction");
    await form.getByRole("button", { name: "Add staff member" }).click();
    const failed = await waitForToast(admin.page, "error", "The staff member was not added");
    expect(await failed.textContent()).to.contain("You rejected the request in your wallet; nothing was sent.");
    // The technical part is there, but closed: a patient or receptionist reads the plain words only.
    const details = failed.getByTestId("error-details");
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).to.equal(false);
    expect(await details.getByText(/USER_REJECTED/).isVisible()).to.equal(false);
    expect(await form.getByLabel("Account address").inputValue()).to.equal(doctor.address);
    expect(await form.getByLabel("Name").inputValue()).to.equal(doctor.displayName);
    expect(await form.getByRole("alert").count(), "announced once: in the toast, not again in the form").to.equal(0);
    expect(await technicalWordsShown(admin.page)).to.deep.equal([]);
    await screenshot(admin.page, "admin-rejected");
    await details.getByText("Technical details").click();
    await details.getByText(/USER_REJECTED/).waitFor();
    await screenshot(admin.page, "admin-rejected-details");
  });

  it("adds a doctor and a receptionist through the UI and lists them with their details", async function () {
    const form = admin.page.getByRole("form", { name: "Add a staff member" });
    // The doctor's details are still in the form from the rejected attempt: submit again. The
    // failure's toast leaves; the new one goes from pending to confirmed.
    // The wallet holds the transaction until the pending toast has been seen (no race with a fast local chain).
    const handle = admin.wallet.handle.bind(admin.wallet);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    admin.wallet.handle = async (method, params) => {
      if (method === "eth_sendTransaction") await held;
      return handle(method, params);
    };
    try {
      await form.getByRole("button", { name: "Add staff member" }).click();
      await transactionToasts(admin.page, "error").waitFor({ state: "detached" });
      const pending = await waitForToast(admin.page, "loading", `Adding ${person("doctor1").displayName}…`);
      expect(await pending.textContent()).to.contain("Confirm in your wallet if it asks");
      await screenshot(admin.page, "admin-toast-pending");
      release();
      await pending.waitFor({ state: "detached" }); // the same toast, now confirmed
    } finally {
      admin.wallet.handle = handle;
    }
    const confirmed = await waitForToast(admin.page, "success", `${person("doctor1").displayName} was added as doctor.`);
    expect(await confirmed.textContent(), "no explorer on the local chain: no made-up link").to.contain("Confirmed by the network.");
    expect(await confirmed.locator("a").count()).to.equal(0);
    await screenshot(admin.page, "admin-toast-confirmed");
    await waitForValue(form.getByLabel("Account address"), "");

    const receptionist = person("receptionist1");
    await fillStaffForm(admin.page, {
      account: receptionist.address,
      role: "receptionist",
      name: receptionist.displayName,
      department: receptionist.department ?? "",
      contact: receptionist.contact ?? "",
    });
    await form.getByRole("button", { name: "Add staff member" }).click();
    await waitForToast(admin.page, "success", `${receptionist.displayName} was added as receptionist.`);

    const table = admin.page.getByTestId("staff-table");
    const doctorRow = table.locator(`tr[data-account="${person("doctor1").address}"]`);
    const receptionRow = table.locator(`tr[data-account="${receptionist.address}"]`);
    await doctorRow.waitFor();
    await receptionRow.waitFor();
    expect(await doctorRow.textContent())
      .to.contain("Dr. Ada Lovelace")
      .and.contain("Doctor")
      .and.contain("Cardiology")
      .and.contain("active");
    expect(await receptionRow.textContent())
      .to.contain("Rita Reyes")
      .and.contain("Receptionist")
      .and.contain("rita.reyes@medledger.example");
    await screenshot(admin.page, "admin-staff");
  });

  it("edits, deactivates and reactivates a staff member", async function () {
    const doctor = person("doctor1");
    const row = admin.page.getByTestId("staff-table").locator(`tr[data-account="${doctor.address}"]`);
    await row.getByRole("button", { name: `Edit ${doctor.displayName}` }).click();
    const edit = admin.page.getByRole("form", { name: `Edit ${doctor.displayName}` });
    await edit.getByLabel("Department or specialty").fill("Cardiology and internal medicine");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await edit.waitFor({ state: "detached" });
    await row.getByText("Cardiology and internal medicine").waitFor();

    // Cancelled, nothing happens: no transaction, still active, focus back on the button.
    const sent = admin.wallet.calls.filter((c) => c === "eth_sendTransaction").length;
    const deactivate = row.getByRole("button", { name: `Deactivate ${doctor.displayName}`, exact: true }).first();
    await deactivate.click();
    const dialog = confirmDialog(admin.page);
    await dialog.waitFor();
    expect(await dialog.textContent()).to.contain(`${doctor.displayName} will no longer be able to register or amend reports`);
    expect(await admin.page.evaluate(() => document.activeElement?.textContent)).to.equal("Cancel");
    await screenshot(admin.page, "admin-confirm-deactivate");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await admin.page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).to.equal(`Deactivate ${doctor.displayName}`);
    expect(admin.wallet.calls.filter((c) => c === "eth_sendTransaction").length, "cancelled: nothing sent").to.equal(sent);
    expect(await row.textContent())
      .to.contain("active")
      .and.not.contain("deactivated");
    // Confirmed, it happens.
    await deactivate.click();
    await confirmAction(admin.page, `Deactivate ${doctor.displayName}`);
    await waitForToast(admin.page, "success", `${doctor.displayName} is deactivated.`);
    await row.getByText("deactivated").waitFor();
    expect(admin.wallet.calls.filter((c) => c === "eth_sendTransaction").length).to.equal(sent + 1);
    await row.getByRole("button", { name: `Reactivate ${doctor.displayName}` }).click();
    await row.getByText("active", { exact: true }).waitFor();
  });

  it("pauses and resumes the ledger", async function () {
    const state = admin.page.getByTestId("pause-state");
    expect(await state.getAttribute("data-paused")).to.equal("false");
    await admin.page.getByRole("button", { name: "Pause all changes" }).click();
    expect(await confirmDialog(admin.page).textContent()).to.contain("until you resume");
    await confirmAction(admin.page, "Pause all changes");
    await admin.page.locator('[data-testid="pause-state"][data-paused="true"]').waitFor();
    // Every role is told before starting work that would fail: here a doctor, and the public verify page.
    const doctor = await openSession(browser, stack, { person: "doctor1" });
    try {
      for (const path of ["/doctor", "/verify"]) {
        await goto(doctor.page, stack, path);
        const banner = doctor.page.getByTestId("paused-banner");
        await banner.waitFor();
        expect(await banner.textContent()).to.contain("no report can be registered, shared or changed");
      }
      await screenshot(doctor.page, "paused-banner");
      await admin.page.getByRole("button", { name: "Resume (unpause)" }).click();
      await admin.page.locator('[data-testid="pause-state"][data-paused="false"]').waitFor();
      await goto(doctor.page, stack, "/doctor");
      await doctor.page.getByRole("heading", { level: 1, name: "Doctor" }).waitFor();
      expect(await doctor.page.getByTestId("paused-banner").count()).to.equal(0);
    } finally {
      await doctor.close();
    }
  });

  it("shows every event in the audit trail, filterable by type and actor", async function () {
    const audit = admin.page.getByTestId("audit-table");
    await audit.locator('tr[data-event="Unpaused"]').waitFor();
    for (const event of ["StaffAdded", "StaffUpdated", "StaffDeactivated", "StaffReactivated", "Paused", "Unpaused"]) {
      expect(await audit.locator(`tr[data-event="${event}"]`).count(), event).to.be.greaterThan(0);
    }
    const added = audit.locator('tr[data-event="StaffAdded"]');
    expect(await added.count()).to.equal(2);
    expect(await added.first().textContent())
      .to.match(/Added Rita Reyes as receptionist/)
      .and.match(/Hospital Administrator/)
      .and.match(/0x[0-9a-f]{6}/);

    const filters = admin.page.getByRole("search", { name: "Filter the audit trail" });
    await filters.getByLabel("Event type").selectOption("StaffAdded");
    await admin.page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-table"] tbody tr:not([data-event="StaffAdded"])').length === 0);
    expect(await audit.locator("tbody tr").count()).to.equal(2);

    await filters.getByLabel("Event type").selectOption("");
    await filters.getByLabel("Actor").selectOption({ label: DEMO_PEOPLE[0]!.displayName });
    await filters.getByLabel("From", { exact: true }).fill("2000-01-01");
    await filters.getByLabel("To", { exact: true }).fill("2000-01-02");
    await admin.page.getByText("No events match.").waitFor();
    await filters.getByLabel("To", { exact: true }).fill("");
    await audit.locator('tr[data-event="Paused"]').waitFor();
    await screenshot(admin.page, "admin-audit");
    expect(admin.pageErrors).to.deep.equal([]);
  });
});
