/**
 * Every page of the app, in the states that matter (nobody connected; connected as the person
 * the page is for, over the seeded demo data), at phone (390×844) and desktop widths: no page is
 * wider than the phone's screen, axe-core finds no serious or critical WCAG 2 A/AA violation,
 * and a screenshot of each is saved (test-results/screenshots/pages-<width>-<state>.png).
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser, Locator, Page } from "playwright-core";
import { connectTestWallet, goto, openSession, type AppSession } from "#harness/browser/app.ts";
import { overflowingElements, scrollWidth, seriousAxeViolations } from "#harness/browser/audit.ts";
import { DESKTOP, launchBrowser, PHONE, screenshot } from "#harness/browser/browser.ts";
import { openReportViewer, unlockKey } from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

const PAGES = [
  ["/", "Medical reports you can prove"],
  ["/verify", "Verify a report"],
  ["/patient", "Patient"],
  ["/doctor", "Doctor"],
  ["/reception", "Reception"],
  ["/admin", "Administration"],
  ["/activity", "Activity"],
  ["/appointments", "Appointments"],
  ["/guardian", "Guardian"],
] as const;

interface State {
  readonly name: string;
  readonly person: string;
  readonly path: string;
  /** Brings the page into the state (connected, signed in, unlocked…) and waits for its data. */
  readonly enter: (page: Page) => Promise<void>;
}

async function signIn(page: Page): Promise<void> {
  const banner = page.getByRole("banner");
  const button = banner.getByRole("button", { name: "Sign in", exact: true });
  const badge = banner.getByTestId("session-badge"); // shown in words on wide screens only
  // Already signed in when an earlier page's "Unlock and sign in" did it for this person.
  await button.or(badge).first().waitFor({ state: "attached" });
  if (await button.isVisible()) await button.click();
  await badge.waitFor({ state: "attached" });
}

/** Unlocks the person's key if the page asks for it, then waits for `ready` (the page's data). */
async function unlockThen(page: Page, ready: Locator): Promise<void> {
  const button = page.getByRole("button", { name: /^(Unlock and sign in|Unlock my key)$/ });
  await button.or(ready).first().waitFor();
  if (await button.isVisible()) await unlockKey(page);
  await ready.waitFor();
}

/** Connected states, each as the person the page is for, over the seeded demo. */
const CONNECTED: readonly State[] = [
  {
    name: "admin",
    person: "admin",
    path: "/admin",
    enter: async (page) => {
      await page.getByTestId("staff-table").locator("tbody tr").first().waitFor();
      await page.getByTestId("audit-table").locator("tbody tr").first().waitFor();
    },
  },
  {
    name: "activity",
    person: "admin",
    path: "/activity",
    enter: async (page) => {
      await signIn(page);
      await page.locator('table[data-testid="activity-table"] tbody tr').first().waitFor();
    },
  },
  {
    name: "reception",
    person: "receptionist1",
    path: "/reception",
    enter: async (page) => {
      await unlockThen(page, page.getByTestId("patients-table").locator("tbody tr").first());
    },
  },
  {
    name: "appointments-reception",
    person: "receptionist1",
    path: "/appointments",
    enter: async (page) => {
      await signIn(page);
      await page.getByTestId("appointments-upcoming").waitFor();
    },
  },
  {
    name: "doctor",
    person: "doctor1",
    path: "/doctor",
    enter: async (page) => {
      await unlockThen(page, page.locator('table[data-testid="my-patients"] tbody tr').first());
      await page.getByTestId("issued-reports").locator("tbody tr").first().waitFor();
    },
  },
  {
    name: "patient",
    person: "patient1",
    path: "/patient",
    enter: async (page) => {
      await unlockThen(page, page.getByTestId("patient-reports").locator("tbody tr").first());
    },
  },
  {
    name: "patient-report-open",
    person: "patient1",
    path: "/patient",
    enter: async (page) => {
      const row = page.getByTestId("patient-reports").locator("tbody tr").first();
      await unlockThen(page, row);
      await openReportViewer(page, row);
    },
  },
  {
    name: "appointments-patient",
    person: "patient1",
    path: "/appointments",
    enter: async (page) => {
      await signIn(page);
      await page.getByTestId("appointments-upcoming").waitFor();
    },
  },
];

describe("web app: every page on phone and desktop, accessible (browser)", function () {
  this.timeout(900_000);
  let stack: E2EStack;
  let browser: Browser;
  const problems: string[] = [];

  before(async function () {
    stack = await startE2EStack({ seed: true });
    browser = await launchBrowser();
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  async function check(session: AppSession, viewport: { width: number }, name: string): Promise<void> {
    const page = session.page;
    await page.waitForLoadState("networkidle");
    await screenshot(page, `pages-${viewport.width}-${name}`);
    const width = await scrollWidth(page);
    if (width > viewport.width) problems.push(`${name} at ${viewport.width} px is ${width} px wide: ${(await overflowingElements(page)).join(", ")}`);
    for (const v of await seriousAxeViolations(page))
      problems.push(`${name} at ${viewport.width} px: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(" ")}`);
  }

  for (const viewport of [PHONE, DESKTOP]) {
    describe(`${viewport.width}×${viewport.height}`, function () {
      it("every page with no wallet connected", async function () {
        problems.length = 0;
        const session = await openSession(browser, stack, { viewport });
        try {
          for (const [path, heading] of PAGES) {
            await goto(session.page, stack, path);
            await session.page.getByRole("heading", { level: 1, name: heading }).waitFor();
            await check(session, viewport, `anonymous${path === "/" ? "-home" : path.replace("/", "-")}`);
          }
          expect(session.pageErrors).to.deep.equal([]);
        } finally {
          await session.close();
        }
        expect(problems).to.deep.equal([]);
      });

      it("every role's pages, connected as that role, with the demo data", async function () {
        problems.length = 0;
        const sessions = new Map<string, AppSession>();
        try {
          for (const state of CONNECTED) {
            let session = sessions.get(state.person);
            if (!session) {
              session = await openSession(browser, stack, { person: state.person, viewport });
              sessions.set(state.person, session);
              await goto(session.page, stack, state.path);
              await connectTestWallet(session.page);
            } else {
              await goto(session.page, stack, state.path);
              await session.page.getByTestId("connected-address").waitFor();
            }
            await state.enter(session.page);
            await check(session, viewport, state.name);
            expect(session.pageErrors, state.name).to.deep.equal([]);
          }
        } finally {
          for (const session of sessions.values()) await session.close();
        }
        expect(problems).to.deep.equal([]);
      });
    });
  }
});
