/**
 * "Who has seen my record" through the CLI: `medledger report read` logs the opening at the
 * hospital's MedLedger server (the local stack's production web server) with a proof of the
 * reader's key — no sign-in, no wallet prompt — and the patient, signed in, sees it in the
 * report's access history as "via CLI". Without a configured server the CLI says nothing is logged.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import type { Hex } from "viem";
import { createSiweMessage } from "viem/siwe";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { address, json, startCliStack, type CliResult, type CliStack } from "../support/cli.ts";

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

/** Signs in to the web server as `handle` (EIP-4361, as the web app does) and returns the session cookie. */
async function signIn(web: string, handle: string): Promise<string> {
  const account = demoAccount(DEMO_PEOPLE.find((p) => p.handle === handle)!);
  const origin = new URL(web).origin;
  const nonce = (await (await fetch(`${web}/api/auth/nonce`, { method: "POST", headers: { origin } })).json()) as {
    nonce: string;
    domain: string;
    chainId: number;
  };
  const message = createSiweMessage({
    domain: nonce.domain,
    address: account.address,
    statement: "Sign in to MedLedger.",
    uri: origin,
    version: "1",
    chainId: nonce.chainId,
    nonce: nonce.nonce,
    issuedAt: new Date(),
  });
  const signature = await account.signMessage({ message });
  const login = await fetch(`${web}/api/auth/login`, {
    method: "POST",
    headers: { origin, "content-type": "application/json" },
    body: JSON.stringify({ message, signature }),
  });
  expect(login.status, await login.clone().text()).to.equal(200);
  return login.headers.getSetCookie()[0]!.split(";")[0]!;
}

describe("medledger CLI: report read logs the opening in the patient's access history (no sign-in)", function () {
  this.timeout(600_000);
  let cli: CliStack;
  let web: string;
  let reportId: Hex;
  const patient = address("patient1");

  before(async () => {
    cli = await startCliStack({ web: true });
    web = cli.stack.webUrl!;
    ok(await cli.run(["--as", "admin", "staff", "add", address("receptionist1"), "--role", "receptionist", "--name", "Rita Reyes"]));
    ok(await cli.run(["--as", "admin", "staff", "add", address("doctor1"), "--role", "doctor", "--name", "Dr. Ada Lovelace"]));
    for (const handle of ["receptionist1", "doctor1"]) ok(await cli.run(["--as", handle, "keys", "publish"]));
    const request = json<{ code: string }>(ok(await cli.run(["--as", "patient1", "--json", "patient", "request"])));
    ok(await cli.run(["--as", "receptionist1", "patient", "register", "--code", request.code, "--name", "Alice Martin", "--doctor", address("doctor1")]));
    const file = join(cli.dir, "echo.pdf");
    writeFileSync(
      file,
      await makeReportPdf({
        title: "Echocardiogram",
        patientName: "Alice Martin",
        doctorName: "Dr. Ada Lovelace",
        department: "Cardiology",
        date: "2026-11-20",
        findings: ["Normal."],
      }),
    );
    reportId = json<{ reportId: Hex }>(ok(await cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", patient]))).reportId;
  });
  after(async () => {
    await cli?.stop();
  });

  it("without a server, the read works and says the opening is not logged", async () => {
    const result = ok(await cli.run(["--as", "doctor1", "report", "read", reportId, "--out", join(cli.dir, "unlogged.pdf")]));
    expect(result.stderr + result.stdout)
      .to.contain("no MedLedger server is configured")
      .and.contain("not logged");
  });

  it("with MEDLEDGER_SERVER_URL (or --server) the opening is logged, and the signed-in patient sees it via CLI", async () => {
    const doctorRead = ok(await cli.run(["--as", "doctor1", "report", "read", reportId, "--out", join(cli.dir, "doctor.pdf")], { MEDLEDGER_SERVER_URL: web }));
    expect(doctorRead.stdout).to.contain("The opening is logged in the patient's access history");
    const patientRead = json<{ openingLogged: boolean }>(
      ok(await cli.run(["--as", "patient1", "--json", "--server", web, "report", "read", reportId, "--out", join(cli.dir, "patient.pdf")])),
    );
    expect(patientRead.openingLogged).to.equal(true);

    const cookie = await signIn(web, "patient1");
    const reply = await fetch(`${web}/api/activity/report-openings?reportId=${reportId}`, { headers: { cookie } });
    expect(reply.status).to.equal(200);
    const { openings } = (await reply.json()) as { openings: { actor: string; role: string; via: string | null }[] };
    expect(openings.map((o) => [o.actor, o.role, o.via])).to.deep.equal([
      [patient.toLowerCase(), "patient", "cli"],
      [address("doctor1").toLowerCase(), "doctor", "cli"],
    ]);
  });
});
