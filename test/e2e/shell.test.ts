/**
 * Browser tests of the app shell, wallets and role awareness, against the production build, a
 * real local chain and a real browser (Debian chromium) with an injected EIP-1193 test wallet.
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser } from "playwright-core";
import { launchBrowser, PHONE, screenshot } from "#harness/browser/browser.ts";
import { connectDevWallet, connectTestWallet, goto, openSession } from "#harness/browser/app.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";
import { confirmAction } from "#harness/browser/flows.ts";

describe("web app: shell, wallets, roles (browser)", function () {
  this.timeout(300_000);
  let stack: E2EStack;
  let browser: Browser;

  before(async function () {
    stack = await startE2EStack();
    browser = await launchBrowser();
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("renders every page with its navigation, on desktop and phone widths", async function () {
    const session = await openSession(browser, stack);
    try {
      for (const [path, heading] of [
        ["/", "Medical reports you can prove"],
        ["/verify", "Verify a report"],
        ["/admin", "Administration"],
        ["/reception", "Reception"],
        ["/doctor", "Doctor"],
        ["/patient", "Patient"],
      ] as const) {
        await goto(session.page, stack, path);
        await session.page.getByRole("heading", { level: 1, name: heading }).waitFor();
        await screenshot(session.page, `page${path === "/" ? "-home" : path.replace("/", "-")}`);
      }
      const nav = session.page.getByRole("navigation", { name: "Main" });
      expect(await nav.getByRole("link").allTextContents()).to.deep.equal(["Verify", "Admin", "Reception", "Doctor", "Patient"]);
      expect(session.pageErrors).to.deep.equal([]);
    } finally {
      await session.close();
    }
    const phone = await openSession(browser, stack, { viewport: PHONE });
    try {
      await goto(phone.page, stack, "/");
      const nav = phone.page.getByRole("navigation", { name: "Main" });
      expect(await nav.isVisible()).to.equal(false);
      await phone.page.getByRole("button", { name: "Menu" }).click();
      await nav.getByRole("link", { name: "Verify" }).click();
      await phone.page.getByRole("heading", { level: 1, name: "Verify a report" }).waitFor();
      await screenshot(phone.page, "phone-verify");
      const scrollWidth = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth).to.be.at.most(PHONE.width);
    } finally {
      await phone.close();
    }
  });

  it("a stranger connecting an injected wallet sees no role and how to get one", async function () {
    const session = await openSession(browser, stack, { person: "stranger" });
    try {
      await goto(session.page, stack, "/");
      await connectTestWallet(session.page);
      const card = session.page.getByTestId("no-role");
      await card.waitFor();
      expect(await card.textContent()).to.contain(session.wallet.address);
      expect(await card.textContent()).to.match(/reception/i);
      await screenshot(session.page, "stranger-no-role");
      await goto(session.page, stack, "/doctor");
      await session.page.getByTestId("no-role").waitFor();
      expect(session.wallet.calls).to.include("eth_requestAccounts");
    } finally {
      await session.close();
    }
  });

  it("detects the wrong network and switches the wallet back", async function () {
    const session = await openSession(browser, stack, { person: "admin" });
    try {
      await goto(session.page, stack, "/");
      await connectTestWallet(session.page);
      await session.page.getByTestId("account-roles").waitFor();
      await session.wallet.pretendChain(1);
      const banner = session.page.getByTestId("wrong-network");
      await banner.waitFor();
      expect(await banner.textContent()).to.contain("chain 1");
      await screenshot(session.page, "wrong-network");
      await banner.getByRole("button", { name: /Switch to/ }).click();
      await banner.waitFor({ state: "detached" });
      expect(session.wallet.calls).to.include("wallet_switchEthereumChain");
    } finally {
      await session.close();
    }
  });

  it("says so when the user rejects a signature, and lets them retry", async function () {
    const session = await openSession(browser, stack, { person: "stranger" });
    try {
      await goto(session.page, stack, "/patient");
      await connectTestWallet(session.page);
      const create = session.page.getByRole("button", { name: "Create my registration code" });
      session.wallet.rejectNext("eth_signTypedData_v4");
      await create.click();
      const alert = session.page.locator(".alert-error");
      await alert.waitFor();
      expect(await alert.getAttribute("data-error-code")).to.equal("USER_REJECTED");
      expect(await alert.textContent()).to.contain("You rejected the request in your wallet");
      await screenshot(session.page, "signature-rejected");
      await create.click();
      expect(await session.page.getByTestId("registration-code").inputValue()).to.match(/^medledger-registration:/);
      expect(session.pageErrors).to.deep.equal([]);
    } finally {
      await session.close();
    }
  });

  it("offers the dev wallet on the local chain, signs as the chosen demo person and sends transactions", async function () {
    const session = await openSession(browser, stack);
    try {
      await goto(session.page, stack, "/");
      await connectDevWallet(session.page, "admin");
      const roles = session.page.getByTestId("account-roles");
      await roles.waitFor();
      expect(await roles.getAttribute("data-roles")).to.equal("admin");
      // Known, a person sees the pages of their roles only.
      const nav = session.page.getByRole("navigation", { name: "Main" });
      await nav.getByRole("link", { name: "Doctor" }).waitFor({ state: "detached" });
      expect(await nav.getByRole("link").allTextContents()).to.deep.equal(["Verify", "Admin", "Activity"]);
      await nav.getByRole("link", { name: "Admin" }).click();
      await session.page.getByRole("button", { name: "Pause all changes" }).click();
      await confirmAction(session.page, "Pause all changes");
      await session.page.locator('[data-testid="pause-state"][data-paused="true"]').waitFor();
      await session.page.getByRole("button", { name: "Resume (unpause)" }).click();
      await session.page.locator('[data-testid="pause-state"][data-paused="false"]').waitFor();
      await session.page.getByLabel("Signing as").selectOption("stranger");
      await session.page.getByTestId("no-role").waitFor();
      // No role yet: the verify page, and the patient page where a new patient asks to be registered.
      await nav.getByRole("link", { name: "Admin" }).waitFor({ state: "detached" });
      expect(await nav.getByRole("link").allTextContents()).to.deep.equal(["Verify", "Patient"]);
      expect(
        session.wallet.calls.filter((m) => m === "eth_requestAccounts"),
        "the injected wallet is not involved",
      ).to.deep.equal([]);
      expect(session.pageErrors).to.deep.equal([]);
    } finally {
      await session.close();
    }
  });
});
