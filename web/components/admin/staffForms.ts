/**
 * The staff forms' zod schemas, loaded when a form is submitted (StaffManager imports this module
 * dynamically), so the administration page's first load carries no zod.
 */
import * as z from "zod/mini";
import { staffProfileSchema } from "#core/staff/staff.ts";
import { addressSchema } from "#core/validation.ts";

export { staffProfileSchema };

export const newStaffSchema = z.extend(staffProfileSchema, {
  account: addressSchema,
  role: z.enum(["doctor", "receptionist"], { error: "Pick doctor or receptionist" }),
});
