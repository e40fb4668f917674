/**
 * Wallets and getting in, in a real browser over the seeded demo stack: the wallet dialog lists
 * every wallet EIP-6963 announces (name and icon), names a legacy window.ethereum "Browser wallet",
 * and with no wallet at all says how to get one (no generic "Injected" button); after connecting,
 * one "Unlock and sign in" step asks for the identity signature and then the sign-in signature —
 * two different signatures, the identity one never sent anywhere — and a cancelled signature at
 * either step leaves a clear state to try again from.
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser, Locator, Page } from "playwright-core";
import { connectTestWallet, goto, openSession, type AppSession, type WalletPresence } from "#harness/browser/app.ts";
import { launchBrowser, screenshot } from "#harness/browser/browser.ts";
import { unlockKey } from "#harness/browser/flows.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";
import { otherWalletScript, svgDataUri, TEST_WALLET_ICON } from "#harness/browser/testWallet.ts";

const OTHER_WALLET = {
  uuid: "9a4f1c2e-0d3b-4c5a-8e7f-6b1a2c3d4e5f",
  name: "Other Example Wallet",
  icon: svgDataUri("#c2410c", "M2 2h6v6H2z"),
  rdns: "org.example.otherwallet",
} as const;

/** Everything a page of `session` sends anywhere (URL and body), to look for a secret in. */
function recordOutgoing(session: AppSession): { url: string; body: string }[] {
  const sent: { url: string; body: string }[] = [];
  session.context.on("request", (request) => sent.push({ url: request.url(), body: request.postData() ?? "" }));
  return sent;
}

function walletDialog(page: Page): Locator {
  return page.getByRole("dialog", { name: "Connect a wallet" });
}

async function openWalletDialog(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  const dialog = walletDialog(page);
  await dialog.waitFor();
  return dialog;
}

/** The text of each button in the dialog's wallet section, and each icon's source and whether it was drawn. */
async function listedWallets(dialog: Locator): Promise<{ name: string; icon: string | null; drawn: boolean }[]> {
  return dialog
    .getByRole("region", { name: "Browser wallets" })
    .getByRole("button")
    .evaluateAll((buttons) =>
      buttons.map((b) => {
        const img = b.querySelector("img");
        return { name: (b.textContent ?? "").trim(), icon: img?.getAttribute("src") ?? null, drawn: img ? img.complete && img.naturalWidth > 0 : false };
      }),
    );
}

describe("web app: wallets and the combined unlock and sign-in step (browser)", function () {
  this.timeout(600_000);
  let stack: E2EStack;
  let browser: Browser;
  const sessions: AppSession[] = [];

  async function open(options: { person?: string; wallet?: WalletPresence; initScripts?: readonly string[] }, path = "/"): Promise<AppSession> {
    const session = await openSession(browser, stack, options);
    sessions.push(session);
    await goto(session.page, stack, path);
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

  describe("the wallet list", function () {
    it("lists every wallet the page's EIP-6963 announcements name, each with its icon, and no generic Injected button", async function () {
      const session = await open({ person: "patient1", initScripts: [otherWalletScript(OTHER_WALLET)] });
      const dialog = await openWalletDialog(session.page);
      await dialog.getByRole("button", { name: OTHER_WALLET.name }).waitFor();
      await session.page.waitForFunction(() => [...document.querySelectorAll(".wallet-list img")].every((img) => (img as HTMLImageElement).complete));
      const wallets = await listedWallets(dialog);
      expect(wallets.map((w) => w.name).sort()).to.deep.equal([OTHER_WALLET.name, "MedLedger Test Wallet"].sort());
      expect(wallets.find((w) => w.name === "MedLedger Test Wallet")?.icon).to.equal(TEST_WALLET_ICON);
      expect(wallets.find((w) => w.name === OTHER_WALLET.name)?.icon).to.equal(OTHER_WALLET.icon);
      expect(
        wallets.every((w) => w.drawn),
        "both SVG icons are drawn",
      ).to.equal(true);
      expect(await dialog.getByRole("button", { name: /Injected|Browser wallet/ }).count()).to.equal(0);
      await screenshot(session.page, "wallets-two-announced");
      // The announced test wallet connects through its own EIP-6963 provider.
      await dialog.getByRole("button", { name: "MedLedger Test Wallet" }).click();
      await session.page.getByTestId("connected-address").waitFor();
      expect(session.wallet.calls).to.include("eth_requestAccounts");
      expect(session.pageErrors).to.deep.equal([]);
    });

    it("with no wallet at all, says a wallet app is needed and how to get one, and offers no Injected button", async function () {
      const session = await open({ wallet: "none" });
      const dialog = await openWalletDialog(session.page);
      const none = dialog.getByTestId("no-wallet");
      await none.waitFor();
      expect(await none.textContent())
        .to.contain("No wallet app was found in this browser. MedLedger needs one")
        .and.contain("Install a wallet app");
      expect(await none.getByRole("link", { name: /How to choose and get a wallet/ }).getAttribute("href")).to.match(/^https:\/\/ethereum\.org\/wallets\//);
      expect(await listedWallets(dialog)).to.deep.equal([]);
      expect(await dialog.getByRole("button", { name: /Injected|Browser wallet/ }).count()).to.equal(0);
      // The local chain's dev wallet stays.
      await dialog.getByRole("button", { name: "Use dev wallet" }).waitFor();
      await screenshot(session.page, "wallets-none");
      expect(session.pageErrors).to.deep.equal([]);
    });

    it("names a legacy window.ethereum (no EIP-6963 announcement) “Browser wallet”, and connects with it", async function () {
      const session = await open({ person: "admin", wallet: "legacy" });
      const dialog = await openWalletDialog(session.page);
      expect((await listedWallets(dialog)).map((w) => w.name)).to.deep.equal(["Browser wallet"]);
      await screenshot(session.page, "wallets-legacy");
      await dialog.getByRole("button", { name: "Browser wallet" }).click();
      const connected = session.page.getByTestId("connected-address");
      await connected.waitFor();
      expect(await connected.getAttribute("data-address")).to.equal(session.wallet.address);
      expect(session.pageErrors).to.deep.equal([]);
    });
  });

  describe("one step to get in", function () {
    it("unlocks and signs in with one click: the identity signature, then a different sign-in signature; the identity one is never sent", async function () {
      const session = await open({ person: "patient1" }, "/patient");
      const sent = recordOutgoing(session);
      await connectTestWallet(session.page);
      const card = session.page.getByTestId("unlock-card");
      await card.getByRole("heading", { name: "Unlock and sign in" }).waitFor();
      const steps = await card.getByRole("list", { name: "Progress" }).getByRole("listitem").allTextContents();
      expect(steps).to.have.length(2);
      expect(steps[0]).to.contain("Unlock your reports").and.contain("stays on this device");
      expect(steps[1]).to.contain("Sign in to the hospital server").and.contain("for your appointments and activity");
      await screenshot(session.page, "get-in-combined");

      const before = session.wallet.calls.length;
      await unlockKey(session.page);
      await session.page.getByTestId("patient-reports").waitFor();
      await session.page.getByRole("banner").getByTestId("session-badge").waitFor();
      const asked = session.wallet.calls.slice(before).filter((m) => m === "eth_signTypedData_v4" || m === "personal_sign");
      expect(asked.at(-1), "the sign-in signature comes last").to.equal("personal_sign");
      expect(asked.filter((m) => m === "personal_sign")).to.have.length(1);

      const identity = session.wallet.signatures.filter((s) => s.method === "eth_signTypedData_v4").map((s) => s.signature.toLowerCase());
      const signIn = session.wallet.signatures.filter((s) => s.method === "personal_sign").map((s) => s.signature.toLowerCase());
      expect(identity).to.have.length.greaterThan(0);
      expect(signIn).to.have.length(1);
      expect(identity, "two different messages give two different signatures").to.not.include(signIn[0]);

      const login = sent.filter((r) => new URL(r.url).pathname === "/api/auth/login");
      expect(login).to.have.length(1);
      const body = JSON.parse(login[0]!.body) as { message: string; signature: string };
      expect(body.signature.toLowerCase()).to.equal(signIn[0]);
      expect(body.message).to.contain("wants you to sign in with your Ethereum account").and.contain("Sign in to MedLedger.");
      // Not the identity signature, nor either half of it, in that body or in anything else the page sent.
      for (const signature of identity) {
        const hex = signature.slice(2);
        for (const part of [hex, hex.slice(0, 64), hex.slice(64, 128)]) {
          for (const request of sent) {
            expect(request.body.toLowerCase(), `${request.url} body`).to.not.contain(part);
            expect(request.url.toLowerCase(), request.url).to.not.contain(part);
          }
        }
      }
      await screenshot(session.page, "get-in-done");
      expect(session.pageErrors).to.deep.equal([]);
    });

    it("a page that needs only the key asks only for the identity signature", async function () {
      const session = await open({ person: "receptionist1" }, "/reception");
      await connectTestWallet(session.page);
      const card = session.page.getByTestId("unlock-card");
      await card.getByRole("heading", { name: "Unlock your reports" }).waitFor();
      expect(await card.getByRole("list", { name: "Progress" }).getByRole("listitem").count()).to.equal(1);
      await card.getByRole("button", { name: "Unlock my key" }).waitFor();
      await unlockKey(session.page);
      expect(session.wallet.calls).to.not.include("personal_sign");
      expect(session.pageErrors).to.deep.equal([]);
    });

    it("a page that needs only the session asks only for the sign-in signature", async function () {
      const session = await open({ person: "patient2" }, "/appointments");
      await connectTestWallet(session.page);
      await session.page.getByRole("button", { name: "Sign in with your wallet" }).click();
      await session.page.getByRole("form", { name: "Request an appointment" }).waitFor();
      expect(session.wallet.calls).to.include("personal_sign");
      expect(session.wallet.calls).to.not.include("eth_signTypedData_v4");
    });

    it("a cancelled identity signature changes nothing and can be tried again", async function () {
      const session = await open({ person: "patient3" }, "/patient");
      const sent = recordOutgoing(session);
      await connectTestWallet(session.page);
      const card = session.page.getByTestId("unlock-card");
      session.wallet.rejectNext("eth_signTypedData_v4");
      await card.getByRole("button", { name: "Unlock and sign in" }).click();
      const alert = card.getByRole("alert");
      await alert.waitFor();
      expect(await alert.getAttribute("data-error-code")).to.equal("USER_REJECTED");
      expect(await alert.textContent())
        .to.contain("You cancelled the signature in your wallet. Nothing was changed.")
        .and.contain("Try again");
      expect(session.wallet.calls, "no sign-in was asked for").to.not.include("personal_sign");
      expect(sent.filter((r) => new URL(r.url).pathname.startsWith("/api/auth/login"))).to.deep.equal([]);
      await screenshot(session.page, "get-in-cancelled-unlock");
      await card.getByRole("button", { name: "Try again" }).click();
      await card.waitFor({ state: "detached" });
      await session.page.getByTestId("patient-reports").waitFor();
      await session.page.getByRole("banner").getByTestId("session-badge").waitFor();
      expect(session.pageErrors).to.deep.equal([]);
    });

    it("a cancelled sign-in signature keeps the key unlocked, says so, and can be tried again or skipped", async function () {
      const session = await open({ person: "patient4" }, "/patient");
      await connectTestWallet(session.page);
      const card = session.page.getByTestId("unlock-card");
      session.wallet.rejectNext("personal_sign");
      await card.getByRole("button", { name: "Unlock and sign in" }).click();
      const alert = card.getByRole("alert");
      await alert.waitFor();
      expect(await alert.getAttribute("data-error-code")).to.equal("USER_REJECTED");
      expect(await alert.textContent())
        .to.contain("You cancelled the sign-in signature in your wallet. You are not signed in; nothing else was changed.")
        .and.contain("Try again");
      // Step 1 is done; the page waits at step 2.
      expect(await card.locator(".step-done").allTextContents()).to.satisfy((done: string[]) => done.length === 1 && done[0]!.includes("Unlock your reports"));
      await screenshot(session.page, "get-in-cancelled-sign-in");
      const identityCalls = session.wallet.calls.filter((m) => m === "eth_signTypedData_v4").length;
      await card.getByRole("button", { name: "Try again" }).click();
      await card.waitFor({ state: "detached" });
      await session.page.getByRole("banner").getByTestId("session-badge").waitFor();
      expect(session.wallet.calls.filter((m) => m === "eth_signTypedData_v4").length, "the key was not asked for again").to.equal(identityCalls);

      // Another patient cancels the sign-in and goes on without it: the reports show, the header still offers "Sign in".
      const other = await open({ person: "patient5" }, "/patient");
      await connectTestWallet(other.page);
      other.wallet.rejectNext("personal_sign");
      const otherCard = other.page.getByTestId("unlock-card");
      await otherCard.getByRole("button", { name: "Unlock and sign in" }).click();
      await otherCard.getByRole("alert").waitFor();
      await otherCard.getByRole("button", { name: "Go on without signing in" }).click();
      await other.page.getByTestId("patient-reports").waitFor();
      await other.page.getByRole("banner").getByRole("button", { name: "Sign in", exact: true }).waitFor();
      expect(session.pageErrors).to.deep.equal([]);
      expect(other.pageErrors).to.deep.equal([]);
    });
  });
});
