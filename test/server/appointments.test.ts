/**
 * Appointments through the real API handlers: requests only to assigned doctors (checked on
 * chain), double booking refused (also under concurrency and directly in SQL), visibility to
 * the patient, that doctor and receptionists only, and the doctor's / reception's decisions.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import {
  addressOf,
  announceBackend,
  BACKENDS,
  Browser,
  clinic,
  errorCode,
  freshDatabase,
  server,
  type Clinic,
  type Server,
  type TestDatabase,
} from "../support/server.ts";

interface AppointmentJson {
  id: string;
  patient: string;
  doctor: string;
  slotStart: string;
  slotEnd: string;
  status: string;
  reason: string | null;
}

const HOUR = 3600_000;

for (const backend of BACKENDS) {
  describe(`server: appointments [${backend}]`, function () {
    this.timeout(120_000);
    let world: Clinic;
    let database: TestDatabase;
    let app: Server;
    const as: Record<string, Browser> = {};
    /** A slot `hours` from now, on a whole hour, lasting `minutes`. */
    const slot = (hours: number, minutes = 30) => {
      const start = new Date(Math.ceil(app.clock.now().getTime() / HOUR) * HOUR + hours * HOUR);
      return { slotStart: start.toISOString(), slotEnd: new Date(start.getTime() + minutes * 60_000).toISOString() };
    };
    const request = (who: string, doctor: string, when: { slotStart: string; slotEnd: string }) =>
      as[who]!.call<{ appointment: AppointmentJson }>("appointmentsCreate", "POST", "/api/appointments", { doctor: addressOf(doctor), ...when });
    const list = async (who: string) => {
      const reply = await as[who]!.call<{ appointments: AppointmentJson[] }>("appointmentsList", "GET", "/api/appointments");
      return reply;
    };
    const patch = (who: string, body: Record<string, unknown>) =>
      as[who]!.call<{ appointment: AppointmentJson }>("appointmentsUpdate", "PATCH", "/api/appointments", body);

    before(async () => {
      announceBackend(backend);
      world = await clinic();
      database = await freshDatabase(backend);
      app = server(database, world.ledger);
      for (const handle of ["admin", "receptionist1", "doctor1", "doctor2", "patient1", "patient2", "patient3", "stranger"]) {
        as[handle] = new Browser(app);
        await as[handle].signInAs(handle);
      }
    });
    after(async () => {
      await database?.dispose();
      await world?.ledger.close();
    });

    it("lets a patient request a slot with an assigned doctor", async () => {
      const reply = await request("patient1", "doctor1", slot(24));
      expect(reply.status).to.equal(201);
      expect(reply.body.appointment).to.include({ patient: addressOf("patient1"), doctor: addressOf("doctor1"), status: "requested", reason: null });
    });

    it("refuses a doctor who is not assigned to the patient (checked on chain), and non-patients", async () => {
      const notAssigned = await request("patient1", "doctor2", slot(25));
      expect(notAssigned.status).to.equal(403);
      expect(errorCode(notAssigned)).to.equal("NO_ACCESS");
      expect((notAssigned.body as unknown as { error: { message: string } }).error.message).to.equal("This doctor is not assigned to you.");
      const doctor = await request("doctor1", "doctor2", slot(25));
      expect(doctor.status).to.equal(403);
      const unassignedPatient = await request("patient3", "doctor1", slot(25));
      expect(unassignedPatient.status).to.equal(403);
    });

    it("refuses double booking of a doctor's slot, exact or overlapping, and allows the adjacent slot", async () => {
      const taken = await request("patient2", "doctor1", slot(24));
      expect(taken.status).to.equal(409);
      expect(taken.body).to.deep.equal({
        error: { code: "SLOT_TAKEN", message: "The doctor already has an appointment at that time.", hint: "Pick another slot." },
      });
      const s = slot(24);
      const overlapping = await request("patient2", "doctor1", {
        slotStart: new Date(Date.parse(s.slotStart) + 15 * 60_000).toISOString(),
        slotEnd: new Date(Date.parse(s.slotStart) + 45 * 60_000).toISOString(),
      });
      expect(overlapping.status).to.equal(409);
      const adjacent = await request("patient2", "doctor1", { slotStart: s.slotEnd, slotEnd: new Date(Date.parse(s.slotEnd) + 30 * 60_000).toISOString() });
      expect(adjacent.status).to.equal(201);
      // Another doctor's identical slot is free.
      expect((await request("patient2", "doctor2", slot(24))).status).to.equal(201);
    });

    it("lets exactly one of two simultaneous requests for the same slot through", async () => {
      const when = slot(48);
      const replies = await Promise.all([request("patient1", "doctor1", when), request("patient2", "doctor1", when)]);
      expect(replies.map((r) => r.status).sort()).to.deep.equal([201, 409]);
    });

    it("enforces the rule in the database itself: a second open appointment on a doctor's slot is refused", async () => {
      const [first] = (await list("patient1")).body.appointments;
      const insert = () =>
        database.db.execute(sql`insert into appointments (id, patient, doctor, slot_start, slot_end, status, created_by, created_at, updated_by, updated_at)
          values (${randomUUID()}, 'x', ${first!.doctor.toLowerCase()}, ${first!.slotStart}, ${first!.slotEnd}, 'requested', 'x', now(), 'x', now())`);
      let refused: unknown;
      try {
        await insert();
      } catch (error) {
        refused = error;
      }
      expect(refused, "the partial unique index must refuse the row").to.be.instanceOf(Error);
      const text = `${String(refused)} ${String((refused as { cause?: unknown }).cause)}`;
      expect(text).to.contain("appointments_doctor_slot_open_key");
    });

    it("shows appointments to the patient, that doctor and receptionists only", async () => {
      const mine = (await list("patient1")).body.appointments;
      expect(mine.length).to.be.greaterThan(0);
      expect(mine.every((a) => a.patient === addressOf("patient1"))).to.equal(true);
      const doctor1 = (await list("doctor1")).body.appointments;
      expect(doctor1.every((a) => a.doctor === addressOf("doctor1"))).to.equal(true);
      const doctor2 = (await list("doctor2")).body.appointments;
      expect(doctor2).to.have.length(1);
      expect(doctor2[0]?.doctor).to.equal(addressOf("doctor2"));
      const reception = (await list("receptionist1")).body.appointments;
      expect(reception).to.have.length(doctor1.length + doctor2.length);
      expect((await list("patient3")).body.appointments).to.deep.equal([]);
      for (const outsider of ["admin", "stranger"]) {
        const reply = await list(outsider);
        expect(reply.status, outsider).to.equal(403);
        expect(errorCode(reply)).to.equal("NO_ACCESS");
      }
      const anonymous = await new Browser(app).call("appointmentsList", "GET", "/api/appointments");
      expect(anonymous.status).to.equal(401);
      expect(errorCode(anonymous)).to.equal("NOT_SIGNED_IN");
    });

    it("lets that doctor confirm, any receptionist reschedule or decline, and the patient cancel", async () => {
      const created = (await request("patient2", "doctor1", slot(72))).body.appointment;
      // Another doctor cannot even see it; the patient cannot confirm it.
      const foreign = await patch("doctor2", { id: created.id, action: "confirm" });
      expect(foreign.status).to.equal(404);
      const byPatient = await patch("patient2", { id: created.id, action: "confirm" });
      expect(byPatient.status).to.equal(403);
      const confirmed = await patch("doctor1", { id: created.id, action: "confirm" });
      expect(confirmed.status).to.equal(200);
      expect(confirmed.body.appointment.status).to.equal("confirmed");
      expect((await patch("doctor1", { id: created.id, action: "confirm" })).status).to.equal(409);
      // Rescheduling onto a taken slot is refused; onto a free one it moves.
      const taken = await patch("receptionist1", { id: created.id, action: "reschedule", ...slot(24) });
      expect(taken.status).to.equal(409);
      expect(errorCode(taken)).to.equal("SLOT_TAKEN");
      const moved = await patch("receptionist1", { id: created.id, action: "reschedule", ...slot(96), reason: "Doctor in surgery" });
      expect(moved.status).to.equal(200);
      expect(moved.body.appointment).to.include({ status: "confirmed", slotStart: slot(96).slotStart, reason: "Doctor in surgery" });
      // The old slot is free again.
      expect((await request("patient1", "doctor1", slot(72))).status).to.equal(201);
      const cancelled = await patch("patient2", { id: created.id, action: "cancel" });
      expect(cancelled.body.appointment.status).to.equal("cancelled");
      expect((await patch("doctor1", { id: created.id, action: "decline" })).status).to.equal(409);
    });

    it("frees a declined slot for a new request", async () => {
      const when = slot(120);
      const created = (await request("patient1", "doctor1", when)).body.appointment;
      expect((await request("patient2", "doctor1", when)).status).to.equal(409);
      const declined = await patch("receptionist1", { id: created.id, action: "decline", reason: "Clinic closed" });
      expect(declined.body.appointment).to.include({ status: "declined", reason: "Clinic closed" });
      expect((await request("patient2", "doctor1", when)).status).to.equal(201);
    });

    it("refuses invalid slots with clear errors", async () => {
      const past = await request("patient1", "doctor1", slot(-48));
      expect(past.status).to.equal(400);
      expect((past.body as unknown as { error: { message: string } }).error.message).to.equal("The appointment slot is in the past.");
      const s = slot(200);
      const backwards = await request("patient1", "doctor1", { slotStart: s.slotEnd, slotEnd: s.slotStart });
      expect(backwards.status).to.equal(400);
      const garbage = await as.patient1!.call("appointmentsCreate", "POST", "/api/appointments", { doctor: "bob", slotStart: "tomorrow" });
      expect(garbage.status).to.equal(400);
      expect(errorCode(garbage)).to.equal("INVALID_INPUT");
    });
  });
}
