/** GET/POST/PATCH /api/appointments: list, request, confirm/decline/reschedule/cancel — the logic lives in server/http/api.ts. */
import { handle } from "#server/http/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(request, (api) => api.appointmentsList);
}

export async function POST(request: Request): Promise<Response> {
  return handle(request, (api) => api.appointmentsCreate);
}

export async function PATCH(request: Request): Promise<Response> {
  return handle(request, (api) => api.appointmentsUpdate);
}
