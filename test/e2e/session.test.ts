/**
 * Sign-in with Ethereum through the browser, over the seeded demo stack (real chain, real server
 * database, production build, injected test wallet): (a) the administrator signs in — a rejected
 * signature first —, out and in again, and the activity page shows those rows merged with the
 * on-chain events, verifies the log, anchors it on chain and exports CSV; (b) a patient books an
 * appointment with an assigned doctor (double booking refused), the doctor signs in and confirms
 * it, and the patient sees it confirmed; (c) report openings, signed in or not (a doctor who never
 * signed in), appear in the patient's access history with how they were opened.
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser, Page } from "playwright-core";
import { SiweMessage } from "siwe";
import type { Address, Hash } from "viem";
import type { TimelineEntry } from "#core/contract/events.ts";
import { activityParams, mergeActivity, type ActivityEntryJson } from "#web/lib/activity.ts";
import { allowedActions, groupByDay, slotFromInputs, type AppointmentJson } from "#web/lib/appointments.ts";
import { buildSignInMessage } from "#web/lib/signInMessage.ts";
import { connectTestWallet, goto, openSession, type AppSession } from "#harness/browser/app.ts";
import { DESKTOP, launchBrowser, PHONE, screenshot } from "#harness/browser/browser.ts";
import { demoPerson, unlockKey, openReport, waitForToast } from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

/** The header's sign-in control (the page body may have its own buttons). */
function header(page: Page) {
  return page.getByRole("banner");
}

async function signIn(page: Page): Promise<void> {
  await header(page).getByRole("button", { name: "Sign in", exact: true }).click();
  await header(page).getByTestId("session-badge").waitFor();
}

async function signOut(page: Page): Promise<void> {
  await header(page).getByRole("button", { name: "Sign out", exact: true }).click();
  await header(page).getByRole("button", { name: "Sign in", exact: true }).waitFor();
}

/** Local `YYYY-MM-DD` `days` from today (the browser runs in this machine's time zone). */
function localDayFromNow(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

describe("web app: session, activity and appointment helpers", function () {
  const alice = demoPerson("patient1").address;
  const ada = demoPerson("doctor1").address;
  const roles = { admin: false, receptionist: false, doctor: false, patient: false };

  it("builds a sign-in message the server's siwe parser reads back field by field", function () {
    const nonce = {
      nonce: "a1B2c3D4e5F6g7H8",
      issuedAt: "2026-11-25T10:00:00.000Z",
      expiresAt: "2026-11-25T10:10:00.000Z",
      domain: "localhost:3000",
      chainId: 31337,
    };
    const parsed = new SiweMessage(buildSignInMessage(nonce, alice, "http://localhost:3000"));
    expect(parsed).to.include({
      domain: "localhost:3000",
      address: alice,
      uri: "http://localhost:3000",
      version: "1",
      chainId: 31337,
      nonce: nonce.nonce,
      statement: "Sign in to MedLedger.",
    });
    expect(parsed.issuedAt).to.equal(nonce.issuedAt);
    expect(parsed.expirationTime).to.equal(undefined);
  });

  it("merges off-chain entries and on-chain events newest first, and maps filters", function () {
    const entry = (seq: number, at: string): ActivityEntryJson => ({
      id: String(seq),
      seq,
      at,
      actor: alice.toLowerCase(),
      role: "patient",
      kind: "login",
      reportId: null,
      sessionId: "s",
      prevHash: "0x",
      hash: "0x",
    });
    const event = (block: bigint, seconds: number): TimelineEntry => ({
      eventName: "StaffAdded",
      actor: ada,
      args: {},
      blockNumber: block,
      transactionHash: `0x${block.toString(16).padStart(64, "0")}` as Hash,
      logIndex: 0,
      timestamp: seconds,
    });
    const t = Date.parse("2026-11-25T10:00:00.000Z") / 1000;
    const rows = mergeActivity([entry(1, "2026-11-25T10:00:00.500Z"), entry(2, "2026-11-25T10:00:05.000Z")], [event(7n, t), event(9n, t + 10)]);
    expect(rows.map((r) => r.key)).to.deep.equal([`tx-0x${"9".padStart(64, "0")}-0`, "log-2", `tx-0x${"7".padStart(64, "0")}-0`, "log-1"]);
    expect(rows.map((r) => r.source)).to.deep.equal(["on-chain", "off-chain", "on-chain", "off-chain"]);
    const params = activityParams({ user: "", role: "doctor", kind: "", from: "2026-11-01", to: "2026-11-02" });
    expect(params.user).to.equal(undefined);
    expect(params.role).to.equal("doctor");
    expect(new Date(params.from!).getTime()).to.equal(new Date(2026, 10, 1).getTime());
    expect(new Date(params.to!).getTime()).to.equal(new Date(2026, 10, 2, 23, 59, 59, 999).getTime());
  });

  it("turns date + start time + duration into a local slot, groups by day and knows who may do what", function () {
    const slot = slotFromInputs("2026-12-01", "09:45", 30)!;
    expect(new Date(slot.slotStart).getTime()).to.equal(new Date(2026, 11, 1, 9, 45).getTime());
    expect(Date.parse(slot.slotEnd) - Date.parse(slot.slotStart)).to.equal(30 * 60_000);
    expect(slotFromInputs("2026-12-01", "", 30)).to.equal(undefined);
    const make = (id: string, start: Date, status: AppointmentJson["status"]): AppointmentJson => ({
      id,
      patient: alice,
      doctor: ada,
      slotStart: start.toISOString(),
      slotEnd: new Date(start.getTime() + 1_800_000).toISOString(),
      status,
      reason: null,
      createdBy: alice,
      createdAt: start.toISOString(),
      updatedBy: alice,
      updatedAt: start.toISOString(),
    });
    const items = [
      make("b", new Date(2026, 11, 2, 9), "requested"),
      make("a", new Date(2026, 11, 1, 15), "confirmed"),
      make("c", new Date(2026, 11, 1, 8), "cancelled"),
    ];
    expect(groupByDay(items).map((g) => [g.day, g.items.map((i) => i.id)])).to.deep.equal([
      ["2026-12-01", ["c", "a"]],
      ["2026-12-02", ["b"]],
    ]);
    expect(allowedActions(items[0]!, ada, { ...roles, doctor: true })).to.deep.equal(["confirm", "reschedule", "decline", "cancel"]);
    expect(allowedActions(items[1]!, ada, { ...roles, doctor: true })).to.deep.equal(["reschedule", "decline", "cancel"]);
    expect(allowedActions(items[0]!, alice, { ...roles, patient: true })).to.deep.equal(["cancel"]);
    expect(allowedActions(items[0]!, demoPerson("doctor2").address as Address, { ...roles, doctor: true })).to.deep.equal([]);
    expect(allowedActions(items[2]!, ada, { ...roles, receptionist: true })).to.deep.equal([]);
  });
});

describe("web app: sign-in sessions, activity log and appointments (browser)", function () {
  this.timeout(600_000);
  let stack: E2EStack;
  let browser: Browser;
  const sessions: AppSession[] = [];
  const admin = demoPerson("admin");
  const patient = demoPerson("patient1");
  const doctor = demoPerson("doctor1");

  async function open(handle: string, path: string): Promise<AppSession> {
    const session = await openSession(browser, stack, { person: handle });
    sessions.push(session);
    await goto(session.page, stack, path);
    await connectTestWallet(session.page);
    return session;
  }

  before(async function () {
    stack = await startE2EStack({ seed: true });
    browser = await launchBrowser();
  });

  after(async function () {
    for (const session of sessions) await session.close();
    await browser?.close();
    await stack?.stop();
  });

  describe("(a) the administrator's sign-in and activity page", function () {
    let a: AppSession;

    before(async function () {
      a = await open("admin", "/activity");
    });

    it("keeps the admin signed out when the signature is rejected, and says so", async function () {
      a.wallet.rejectNext("personal_sign");
      await header(a.page).getByRole("button", { name: "Sign in", exact: true }).click();
      const banner = a.page.getByTestId("session-banner");
      await banner.getByText("You declined to sign the sign-in message").waitFor();
      expect(await banner.textContent())
        .to.contain("Signing in failed")
        .and.contain("Click “Sign in” again");
      expect(await a.page.getByTestId("session-status").getAttribute("data-signed-in")).to.equal("false");
      await banner.getByRole("button", { name: "Dismiss" }).click();
      await banner.waitFor({ state: "detached" });
    });

    it("signs in, out and in again; the page states the session", async function () {
      await signIn(a.page);
      const summary = a.page.getByTestId("session-summary");
      await summary.waitFor();
      expect(await summary.textContent()).to.match(new RegExp(`^Signed in as ${admin.displayName} \\(administrator\\) until .+`));
      await signOut(a.page);
      await a.page.getByRole("button", { name: "Sign in with your wallet" }).waitFor();
      await signIn(a.page);
      await a.page.getByRole("heading", { name: "Activity", exact: true, level: 2 }).waitFor();
      // The navigation offers the activity page to the administrator.
      await a.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Activity" }).waitFor();
    });

    it("shows the login and logout rows merged with the on-chain events, newest first", async function () {
      const table = a.page.getByTestId("activity-table");
      await table.locator('tr[data-source="off-chain"][data-kind="logout"]').waitFor();
      const adminRows = table.locator(`tr[data-source="off-chain"][data-actor="${admin.address.toLowerCase()}"]`);
      expect(await adminRows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-kind")))).to.deep.equal(["login", "logout", "login"]);
      expect(await adminRows.first().textContent())
        .to.contain("Signed in")
        .and.contain("off-chain")
        .and.contain("admin");
      const onChain = table.locator('tr[data-source="on-chain"]');
      expect(await onChain.count()).to.be.greaterThan(10);
      expect(await table.locator('tr[data-source="on-chain"][data-event="StaffAdded"]').count()).to.equal(5);
      const tx = await onChain.first().locator("[data-tx]").getAttribute("data-tx");
      expect(tx).to.match(/^0x[0-9a-f]{64}$/);
      // One chronological list, newest first (blocks carry whole seconds).
      const seconds = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => Math.floor(Number(r.getAttribute("data-time")) / 1000)));
      expect(seconds.every((t, i) => i === 0 || t <= seconds[i - 1]!)).to.equal(true);
      await screenshot(a.page, "activity-merged");
    });

    it("filters by user, activity and date, and exports the same selection as CSV", async function () {
      const filters = a.page.getByRole("search", { name: "Filter the activity" });
      const table = a.page.getByTestId("activity-table");
      await filters.getByLabel("Activity").selectOption("logout");
      await a.page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid="activity-table"] tbody tr')];
        return rows.length === 1 && rows[0]!.getAttribute("data-kind") === "logout";
      });
      const csvHref = await a.page.getByTestId("activity-csv").getAttribute("href");
      expect(csvHref).to.contain("kind=logout").and.contain("format=csv");
      const csv = await a.page.context().request.get(new URL(csvHref!, stack.webUrl).toString());
      expect(csv.status()).to.equal(200);
      const lines = (await csv.text()).trim().split(/\r\n/);
      expect(lines[0]).to.equal("seq,at,actor,role,kind,reportId,sessionId,prevHash,hash");
      expect(lines).to.have.length(2);
      expect(lines[1]).to.contain(`"${admin.address.toLowerCase()}"`).and.contain('"logout"');

      await filters.getByLabel("Activity").selectOption("");
      await filters.getByLabel("User (account address)").fill("0x1234");
      await filters.getByText("Enter an account address").waitFor();
      await filters.getByLabel("User (account address)").fill(doctor.address);
      // The doctor has not signed in yet: only their on-chain events (key published, reports registered).
      await table.locator('tr[data-event="ReportRegistered"]').first().waitFor();
      await a.page.waitForFunction(
        (who) => [...document.querySelectorAll('[data-testid="activity-table"] tbody tr')].every((r) => r.getAttribute("data-actor") === who),
        doctor.address.toLowerCase(),
      );
      expect(await table.locator('tr[data-source="off-chain"]').count()).to.equal(0);
      await filters.getByLabel("User (account address)").fill("");
      await filters.getByLabel("From", { exact: true }).fill("2000-01-01");
      await filters.getByLabel("To", { exact: true }).fill("2000-01-02");
      await a.page.getByText("No activity matches.").waitFor();
      await filters.getByLabel("From", { exact: true }).fill("");
      await filters.getByLabel("To", { exact: true }).fill("");
      await table.locator('tr[data-kind="login"]').first().waitFor();
    });

    it("verifies the log, anchors its head on chain with the admin's wallet, and shows the anchor", async function () {
      const integrity = a.page.getByTestId("log-integrity");
      await integrity.getByRole("button", { name: "Verify log" }).click();
      const result = integrity.getByTestId("verify-result");
      await result.waitFor();
      expect(await result.getAttribute("data-ok")).to.equal("true");
      expect(await result.textContent())
        .to.contain("0 on-chain anchors checked")
        .and.contain("not anchored yet");

      const sent = a.wallet.calls.filter((c) => c === "eth_sendTransaction").length;
      await integrity.getByRole("button", { name: "Anchor on chain" }).click();
      await waitForToast(a.page, "success", /anchored on chain/);
      expect(a.wallet.calls.filter((c) => c === "eth_sendTransaction").length).to.equal(sent + 1);
      await a.page.getByTestId("activity-table").locator('tr[data-event="AuditLogAnchored"]').waitFor();

      await integrity.getByRole("button", { name: "Verify log" }).click();
      await integrity.getByText("1 on-chain anchor checked").waitFor();
      expect(await integrity.getByTestId("verify-result").textContent()).to.contain("Every entry is anchored");
      await screenshot(a.page, "activity-anchored");
      expect(a.pageErrors).to.deep.equal([]);
    });
  });

  describe("(b) appointments between a patient and their doctor", function () {
    const day = localDayFromNow(2);
    let p: AppSession;
    let d: AppSession;

    it("the patient signs in and requests an appointment with an assigned doctor", async function () {
      p = await open("patient1", "/appointments");
      await expectSignInPrompt(p.page);
      await signIn(p.page);
      const form = p.page.getByRole("form", { name: "Request an appointment" });
      await form.getByLabel("Doctor").selectOption({ label: `${doctor.displayName} (${doctor.department})` });
      await form.getByLabel("Date").fill(day);
      await form.getByLabel("Start time").fill("10:30");
      await form.getByLabel("Duration").selectOption("30");
      await form.getByRole("button", { name: "Request appointment" }).click();
      await form.getByText(`Requested ${doctor.displayName}`).waitFor();
      const item = p.page.getByTestId("appointments-upcoming").locator('li[data-status="requested"]');
      await item.waitFor();
      expect(await item.textContent())
        .to.contain(`with ${doctor.displayName}`)
        .and.contain("requested");
    });

    it("refuses a second request for the same doctor's slot with the server's message", async function () {
      const form = p.page.getByRole("form", { name: "Request an appointment" });
      await form.getByLabel("Start time").fill("10:45"); // overlaps 10:30–11:00
      await form.getByRole("button", { name: "Request appointment" }).click();
      const alert = form.getByRole("alert");
      await alert.waitFor();
      expect(await alert.textContent())
        .to.contain("The doctor already has an appointment at that time.")
        .and.contain("Pick another slot.");
      expect(await form.getByLabel("Start time").inputValue()).to.equal("10:45");
      await screenshot(p.page, "appointments-patient-requested");
    });

    it("the doctor signs in, sees the request and confirms it", async function () {
      d = await open("doctor1", "/appointments");
      await signIn(d.page);
      const toAnswer = d.page.getByTestId("appointments-to-answer");
      const item = toAnswer.locator("li[data-appointment]");
      await item.waitFor();
      expect(await item.textContent()).to.contain(`${patient.displayName} with ${doctor.displayName}`);
      await item.getByRole("button", { name: "Confirm", exact: true }).click();
      await d.page.getByTestId("appointments-upcoming").locator('li[data-status="confirmed"]').waitFor();
      expect(await toAnswer.getByText("No request is waiting.").count()).to.equal(1);
      await screenshot(d.page, "appointments-doctor-confirmed");
      expect(d.pageErrors).to.deep.equal([]);
    });

    it("the patient sees the appointment confirmed, under its day", async function () {
      await goto(p.page, stack, "/appointments");
      await p.page.getByTestId("connected-address").waitFor();
      const upcoming = p.page.getByTestId("appointments-upcoming");
      const group = upcoming.locator(`section[data-day="${day}"]`);
      await group.locator('li[data-status="confirmed"]').waitFor();
      expect(await group.getByTestId("appointment-status").allTextContents()).to.deep.equal(["confirmed"]);
      // The patient may cancel it, not confirm or reschedule it.
      const item = group.locator("li[data-appointment]");
      expect(await item.getByRole("button").allTextContents()).to.deep.equal(["Cancel appointment"]);
      await screenshot(p.page, "appointments-patient-confirmed");
      await p.page.setViewportSize(PHONE);
      await screenshot(p.page, "appointments-patient-phone");
      await p.page.setViewportSize(DESKTOP);
      expect(p.pageErrors.filter((e) => !/HTTP 409 POST .*\/api\/appointments$/.test(e))).to.deep.equal([]);
    });

    it("the signed-in patient opens a report, and the administrator sees it in the activity log", async function () {
      await goto(p.page, stack, "/patient");
      await unlockKey(p.page);
      const row = p.page.getByTestId("patient-reports").locator("tbody tr").first();
      const reportId = await row.getAttribute("data-report");
      // Every opening is proven with the reader's key (no separate signed-in route): core/reports/openings.ts.
      const logged = p.page.waitForResponse((r) => r.url().endsWith("/api/activity/opening"));
      const bytes = await openReport(p.page, row);
      expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
      expect((await logged).status()).to.equal(201);

      const admin = sessions[0]!;
      await goto(admin.page, stack, "/activity");
      const opened = admin.page.getByTestId("activity-table").locator(`tr[data-kind="report_opened"][data-actor="${patient.address.toLowerCase()}"]`);
      await opened.waitFor();
      expect(await opened.textContent())
        .to.contain(`Opened report ${reportId!.slice(0, 10)}`)
        .and.contain(patient.displayName)
        .and.contain("patient");

      // The patient's own accounting of disclosures: the registration (chain) and the opening (log).
      await row.getByText("Who has seen it, and when").click();
      const history = row.getByTestId("access-history");
      await history.locator('li[data-source="log"]').getByText("You opened it via app").waitFor();
      expect(await history.locator('li[data-source="ledger"]').allTextContents()).to.satisfy((lines: string[]) =>
        lines.some((l) => l.includes("Registered by")),
      );
      await screenshot(p.page, "patient-access-history");
    });

    it("a doctor who never signed in opens the patient's report: it is logged, proven with the doctor's key, and the patient's history shows it via app", async function () {
      const fresh = await open("doctor1", "/doctor");
      expect(await header(fresh.page).getByRole("button", { name: "Sign in", exact: true }).count(), "not signed in").to.equal(1);
      // The doctor unlocks the key but declines the sign-in of the combined step, and goes on without it.
      fresh.wallet.rejectNext("personal_sign");
      const card = fresh.page.getByTestId("unlock-card");
      await card.getByRole("button", { name: "Unlock and sign in" }).click();
      await card.getByRole("button", { name: "Go on without signing in" }).click();
      await card.waitFor({ state: "detached" });
      const issued = fresh.page.getByTestId("issued-reports").locator("tbody tr[data-report]");
      await issued.first().waitFor();
      await goto(p.page, stack, "/patient");
      await unlockKey(p.page);
      const mine = p.page.getByTestId("patient-reports").locator("tbody tr[data-report]");
      await mine.first().waitFor();
      const patientIds = new Set(await mine.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-report"))));
      const doctorIds = await issued.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-report")));
      const reportId = doctorIds.find((id) => patientIds.has(id))!;
      expect(reportId, "a report of patient1 issued by doctor1").to.be.a("string");

      const logged = fresh.page.waitForResponse((r) => r.url().endsWith("/api/activity/opening"));
      const bytes = await openReport(fresh.page, fresh.page.getByTestId("issued-reports").locator(`tr[data-report="${reportId}"]`));
      expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
      const reply = await logged;
      expect(reply.status()).to.equal(201);
      expect(await header(fresh.page).getByRole("button", { name: "Sign in", exact: true }).count(), "still not signed in").to.equal(1);
      expect(fresh.pageErrors).to.deep.equal([]);

      await goto(p.page, stack, "/patient");
      await unlockKey(p.page);
      const row = p.page.getByTestId("patient-reports").locator(`tr[data-report="${reportId}"]`);
      await row.getByText("Who has seen it, and when").click();
      const history = row.getByTestId("access-history");
      const opening = history.locator('li[data-source="log"]').filter({ hasText: "(doctor) via app" });
      await opening.waitFor();
      expect(await opening.textContent()).to.match(/Opened by .+ \(doctor\) via app/);
      await screenshot(p.page, "patient-access-history-not-signed-in-doctor");
    });
  });
});

/** The appointments page asks a connected but signed-out account to sign in. */
async function expectSignInPrompt(page: Page): Promise<void> {
  await page.getByText("Sign in to see and book appointments").waitFor();
  await page.getByRole("button", { name: "Sign in with your wallet" }).waitFor();
}
