/** The appointment rule the server enforces and the web app presents. */
import { expect } from "chai";
import { describe, it } from "mocha";
import type { Address } from "viem";
import type { Roles } from "#core/accounts/roles.ts";
import { allowedAppointmentActions, awaitsAnswerFrom, canSeeAppointment, holdsSlot, type AppointmentParties } from "#core/appointments/rules.ts";

const patient: Address = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
const doctor: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const otherDoctor: Address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const receptionist: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const none: Roles = { admin: false, receptionist: false, doctor: false, patient: false };
const as = (role: keyof Roles): Roles => ({ ...none, [role]: true });

describe("Appointment rules", () => {
  const requested: AppointmentParties = { patient, doctor, status: "requested" };

  it("lets that doctor and the reception answer, the patient cancel, and nobody else anything", () => {
    expect(allowedAppointmentActions(requested, doctor, as("doctor"))).to.deep.equal(["confirm", "reschedule", "decline", "cancel"]);
    expect(allowedAppointmentActions(requested, receptionist, as("receptionist"))).to.deep.equal(["confirm", "reschedule", "decline", "cancel"]);
    expect(allowedAppointmentActions(requested, patient, as("patient"))).to.deep.equal(["cancel"]);
    expect(allowedAppointmentActions(requested, otherDoctor, as("doctor"))).to.deep.equal([]);
    expect(canSeeAppointment(requested, otherDoctor, as("doctor"))).to.equal(false);
    expect(canSeeAppointment(requested, patient.toLowerCase() as Address, as("patient"))).to.equal(true);
  });

  it("allows no confirm once confirmed, and nothing once declined or cancelled", () => {
    expect(allowedAppointmentActions({ ...requested, status: "confirmed" }, doctor, as("doctor"))).to.deep.equal(["reschedule", "decline", "cancel"]);
    for (const status of ["declined", "cancelled"] as const) {
      expect(holdsSlot(status)).to.equal(false);
      expect(allowedAppointmentActions({ ...requested, status }, receptionist, as("receptionist"))).to.deep.equal([]);
    }
    expect(awaitsAnswerFrom(requested, doctor, as("doctor"))).to.equal(true);
    expect(awaitsAnswerFrom({ ...requested, status: "confirmed" }, doctor, as("doctor"))).to.equal(false);
  });
});
