/**
 * The security headers of the production build, in a real browser: a page gets a per-request
 * Content-Security-Policy (script nonce; connect-src naming the run-time RPC and IPFS URLs) plus
 * nosniff, frame, referrer and permissions policies, and works under it — no CSP violation, no
 * console error while the page loads, a wallet connects and the chain is read; an API route gets
 * its own headers; the API refuses a cross-site, Origin-less or text/plain state change; the IPFS
 * node's admin endpoints are unreachable through the web server, and the node refuses browsers.
 */
import { expect } from "chai";
import { after, before, describe, it } from "mocha";
import type { Browser } from "playwright-core";
import { connectTestWallet, goto, openSession } from "#harness/browser/app.ts";
import { launchBrowser } from "#harness/browser/browser.ts";
import { startE2EStack, type E2EStack } from "#harness/browser/stack.ts";

function expectBaseHeaders(headers: Record<string, string>): void {
  expect(headers["x-content-type-options"]).to.equal("nosniff");
  expect(headers["x-frame-options"]).to.equal("DENY");
  expect(headers["referrer-policy"]).to.equal("no-referrer");
  expect(headers["permissions-policy"]).to.contain("camera=(self)").and.to.contain("microphone=()").and.to.contain("geolocation=()");
}

describe("web app: security headers of the built app (browser)", function () {
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

  it("exposes no IPFS admin endpoint: Kubo RPC paths are 404 on the web server, the gateway takes CIDs only, and the node itself refuses browser origins", async function () {
    const cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
    for (const path of [`/api/v0/pin/rm?arg=${cid}`, "/api/v0/repo/gc", "/api/v0/shutdown", "/api/v0/config/show", "/api/ipfs/v0/pin/rm"]) {
      const reply = await fetch(new URL(path, stack.webUrl), { method: "POST", headers: { origin: stack.webUrl } });
      expect(reply.status, path).to.be.oneOf([404, 405]);
      await reply.body?.cancel();
    }
    for (const path of ["/api/ipfs/..%2Fv0%2Fshutdown", `/api/ipfs/..%2F..%2Fapi%2Fv0%2Fpin%2Frm%3Farg%3D${cid}`]) {
      const reply = await fetch(new URL(path, stack.webUrl));
      expect(reply.status, path).to.equal(400);
      await reply.body?.cancel();
    }
    const fromBrowser = await fetch(`${stack.ipfsApiUrl}/api/v0/version`, { method: "POST", headers: { origin: stack.webUrl } });
    expect(fromBrowser.status).to.equal(403);
    expect(fromBrowser.headers.get("access-control-allow-origin")).to.equal(null);
    await fromBrowser.body?.cancel();
  });

  it("serves pages under a per-request CSP naming the configured RPC URL (not the IPFS node: the browser uses the gateway), and they work under it", async function () {
    const session = await openSession(browser, stack, { person: "stranger" });
    const violations: string[] = [];
    session.page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    try {
      const first = await session.page.goto(new URL("/", stack.webUrl).toString(), { waitUntil: "networkidle" });
      const headers = first!.headers();
      expectBaseHeaders(headers);
      const csp = headers["content-security-policy"]!;
      expect(csp).to.match(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(csp)
        .to.contain("default-src 'self'")
        .and.to.contain("object-src 'none'")
        .and.to.contain("base-uri 'self'")
        .and.to.contain("frame-ancestors 'none'");
      expect(csp).to.contain(`connect-src 'self' ${new URL(stack.rpcUrl).origin};`);
      expect(csp).not.to.contain(new URL(stack.ipfsApiUrl).origin);
      // No JavaScript eval; WebAssembly only (the QR reader's ZXing at the reception, web/lib/qrReader.ts).
      expect(csp).to.not.match(/(^|\s)'unsafe-eval'/);
      expect(csp).to.match(/script-src [^;]*'wasm-unsafe-eval'/);
      const again = await session.page.request.get(new URL("/verify", stack.webUrl).toString());
      expect(again.headers()["content-security-policy"]).to.not.equal(csp); // a fresh nonce per response
      await goto(session.page, stack, "/verify");
      await session.page.getByRole("heading", { level: 1, name: "Verify a report" }).waitFor();
      await connectTestWallet(session.page);
      await goto(session.page, stack, "/patient");
      await session.page.getByRole("heading", { level: 1, name: "Patient" }).waitFor();
      expect(violations).to.deep.equal([]);
      expect(session.pageErrors).to.deep.equal([]);
    } finally {
      await session.close();
    }
  });

  it("gives API routes their own headers and refuses cross-site, Origin-less and text/plain state changes", async function () {
    const api = (path: string, init?: RequestInit) => fetch(new URL(path, stack.webUrl), init);
    const session = await api("/api/auth/session");
    expect(session.status).to.equal(200);
    expectBaseHeaders(Object.fromEntries(session.headers));
    expect(session.headers.get("content-security-policy")).to.contain("default-src 'none'").and.to.contain("frame-ancestors 'none'");
    const origin = new URL(stack.webUrl).origin;
    expect((await api("/api/auth/nonce", { method: "POST" })).status).to.equal(403);
    expect((await api("/api/auth/nonce", { method: "POST", headers: { origin: "null" } })).status).to.equal(403);
    expect((await api("/api/auth/nonce", { method: "POST", headers: { origin: "https://evil.example" } })).status).to.equal(403);
    expect((await api("/api/auth/login", { method: "POST", headers: { origin, "content-type": "text/plain" }, body: "{}" })).status).to.equal(415);
    const big = await api("/api/auth/login", {
      method: "POST",
      headers: { origin, "content-type": "application/json" },
      body: JSON.stringify({ message: "x".repeat(64 * 1024), signature: "0x00" }),
    });
    expect(big.status).to.equal(413);
    const nonce = await api("/api/auth/nonce", { method: "POST", headers: { origin } });
    expect(nonce.status).to.equal(201);
  });
});
