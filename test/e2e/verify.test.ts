/** Browser tests of the public verify page: no wallet, the file hashed in the browser, lookups, pre-filled links. */
import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser } from "playwright-core";
import { goto, openSession, type AppSession } from "#harness/browser/app.ts";
import { launchBrowser, screenshot } from "#harness/browser/browser.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

describe("web app: verify page (browser)", function () {
  this.timeout(300_000);
  let stack: E2EStack;
  let browser: Browser;
  let visitor: AppSession;

  before(async function () {
    stack = await startE2EStack();
    browser = await launchBrowser();
    visitor = await openSession(browser, stack);
  });

  after(async function () {
    await visitor?.close();
    await browser?.close();
    await stack?.stop();
  });

  it("answers 'not registered' for a random file, hashed in the browser, with no wallet", async function () {
    const bytes = randomBytes(200_000);
    await goto(visitor.page, stack, "/verify");
    const uploads: string[] = [];
    visitor.page.on("request", (request) => {
      if (request.method() === "POST" && !request.url().startsWith(stack.rpcUrl)) uploads.push(request.url());
    });
    await visitor.page.getByTestId("verify-file").setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: bytes });
    const verdict = visitor.page.getByTestId("verdict");
    await verdict.waitFor();
    expect(await verdict.getAttribute("data-status")).to.equal("not-registered");
    const text = (await verdict.textContent()) ?? "";
    expect(text).to.contain("Not registered");
    expect(text).to.contain(`0x${createHash("sha256").update(bytes).digest("hex")}`);
    expect(text).to.contain(`0x${createHash("sha1").update(bytes).digest("hex")}`);
    expect(uploads, "nothing but JSON-RPC calls leave the page").to.deep.equal([]);
    const asked = visitor.wallet.calls.filter((method) => /^(eth_requestAccounts|eth_sendTransaction|personal_sign|eth_sign)/.test(method));
    expect(asked, "the wallet is never asked for anything").to.deep.equal([]);
    await screenshot(visitor.page, "verify-not-registered");
  });

  it("looks up a pasted digest and explains a malformed one", async function () {
    await goto(visitor.page, stack, "/verify");
    await visitor.page.getByRole("tab", { name: "Look up a digest" }).click();
    const field = visitor.page.getByLabel("SHA-256 or SHA-1 digest");
    await field.fill("not-a-digest");
    await visitor.page.getByRole("button", { name: "Look up" }).click();
    const alert = visitor.page.locator(".alert-error");
    await alert.waitFor();
    expect(await alert.textContent())
      .to.contain("40 hex digits")
      .and.contain("Paste the digest");
    await field.fill(randomBytes(20).toString("hex"));
    // No stale message: the error was about the old input, and goes as soon as the input changes.
    await alert.waitFor({ state: "detached" });
    await visitor.page.getByRole("button", { name: "Look up" }).click();
    await visitor.page.locator('[data-testid="verdict"][data-status="not-registered"]').waitFor();
    expect(await field.inputValue()).to.have.length(40);
  });

  it("opens pre-filled from a link (?sha256=…&sha1=…) and answers at once", async function () {
    const sha256 = `0x${randomBytes(32).toString("hex")}`;
    const sha1 = `0x${randomBytes(20).toString("hex")}`;
    await goto(visitor.page, stack, `/verify?sha256=${sha256}&sha1=${sha1}`);
    const verdict = visitor.page.locator('[data-testid="verdict"][data-status="not-registered"]');
    await verdict.waitFor();
    expect(await verdict.textContent())
      .to.contain(sha256)
      .and.contain(sha1);
    expect(await visitor.page.getByLabel("SHA-256 or SHA-1 digest").inputValue()).to.equal(sha256);
    expect(visitor.pageErrors).to.deep.equal([]);
  });
});
