/**
 * The patient profile's rules (core/validation.ts, used by the CLI and the web app alike): each
 * refusal says what is wrong in words a receptionist understands, never "Invalid input".
 */
import { expect } from "chai";
import { parsePatientProfile, patientProfileSchema } from "#core/patients/profile.ts";
import { DATE_OF_BIRTH_FORMAT_MESSAGE, DATE_OF_BIRTH_FUTURE_MESSAGE, EMAIL_FORMAT_MESSAGE } from "#core/validation.ts";

const GOOD = { name: "Ana Silva", dateOfBirth: "1984-07-23", phone: "+351 21 000 0000", email: "ana@example.org", notes: "" };

/** The message of each refused field. */
function problems(input: Record<string, string>): Record<string, string> {
  const result = patientProfileSchema.safeParse(input);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [String(i.path[0]), i.message]));
}

describe("core: the patient profile's plain-language rules", () => {
  it("accepts a full profile and an almost empty one (name only), trimmed", () => {
    expect(parsePatientProfile({ ...GOOD, name: "  Ana Silva " }).name).to.equal("Ana Silva");
    expect(problems({ name: "Ana", dateOfBirth: "", phone: "", email: "", notes: "" })).to.deep.equal({});
  });

  it("refuses a date of birth in the future, one that does not exist, and one before 1900, each saying why", () => {
    const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    expect(problems({ ...GOOD, dateOfBirth: tomorrow })).to.deep.equal({ dateOfBirth: DATE_OF_BIRTH_FUTURE_MESSAGE });
    expect(DATE_OF_BIRTH_FUTURE_MESSAGE).to.equal("The date of birth cannot be in the future");
    expect(problems({ ...GOOD, dateOfBirth: "2001-02-30" })).to.deep.equal({ dateOfBirth: DATE_OF_BIRTH_FORMAT_MESSAGE });
    expect(problems({ ...GOOD, dateOfBirth: "23/07/1984" })).to.deep.equal({ dateOfBirth: DATE_OF_BIRTH_FORMAT_MESSAGE });
    expect(problems({ ...GOOD, dateOfBirth: "1850-01-01" }).dateOfBirth).to.contain("before 1900");
    expect(problems({ ...GOOD, dateOfBirth: new Date().toISOString().slice(0, 10) }), "born today").to.deep.equal({});
  });

  it("refuses an email that is not one, and names the length limits", () => {
    expect(problems({ ...GOOD, email: "ana at example" })).to.deep.equal({ email: EMAIL_FORMAT_MESSAGE });
    expect(problems({ ...GOOD, name: "A".repeat(121) })).to.deep.equal({ name: "The name can have at most 120 characters" });
    expect(problems({ ...GOOD, name: "  " })).to.deep.equal({ name: "Enter the patient's full name" });
    expect(problems({ ...GOOD, phone: "1".repeat(61) })).to.deep.equal({ phone: "The phone number can have at most 60 characters" });
    expect(problems({ ...GOOD, notes: "x".repeat(2001) })).to.deep.equal({ notes: "The notes can have at most 2000 characters" });
  });

  it("says all of it in the error the CLI prints", () => {
    expect(() => parsePatientProfile({ ...GOOD, email: "nope", dateOfBirth: "2999-01-01" }))
      .to.throw(
        "The patient's profile cannot be saved: The date of birth cannot be in the future; Enter an email address like name@example.org, or leave it empty.",
      )
      .with.property("code", "INVALID_INPUT");
  });
});
