import { eq } from "drizzle-orm";
import type { Actor, ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { members } from "../../members/tables";
import type { AgentRow } from "../internal";
import { linkInvoker } from "../tools/registry";

/**
 * The context an employee's tools run in. Design (kept small on purpose):
 * - Identity: the employee's own tenant member row. The actor is the invoker's actor with the
 *   employee member's user_id (kind "user", or the same "api_key" with its scopes, so a scoped key
 *   cannot widen through an employee), so currentMember(ctx) is the employee: tasks it creates name
 *   it as creator/owner, messages are its own, activity shows it.
 * - Permissions: ctx.workspace stays the invoker's scope, so every requirePermission/hasPermission
 *   checks the INVOKER's role (a viewer's run cannot create tasks; a member's cannot edit others'
 *   tasks). "Own" rules and object grants apply to the employee's member (what it owns or is
 *   assigned, channels it participates in).
 * - Visibility: tools read as the invoking person (invokerContext(ctx)) and check an object is
 *   visible to that person before changing it, so a run never reaches what the person cannot see.
 * No new Actor kind is needed; the run itself (agent_runs) records who invoked which employee.
 */
export async function employeeContext(ctx: ServiceContext, agent: AgentRow): Promise<ServiceContext> {
  const [m] = await ctx.db.select().from(members).where(eq(members.id, agent.memberId)).limit(1);
  if (!m) throw new ServiceError("internal_error", "The employee has no member record");
  const inv = ctx.actor;
  let actor: Actor;
  if (inv.kind === "api_key") actor = { ...inv, userId: m.userId };
  else if (inv.kind === "user") actor = { kind: "user", userId: m.userId, email: m.email };
  else throw new ServiceError("unauthorized", "Not authenticated");
  // A new object over the invoker's context: same connections, env and workspace scope, its own
  // actor, and its own per-context caches (permissions, currentMember) keyed by this object.
  const employee = Object.create(ctx, { actor: { value: actor, writable: true, enumerable: true } }) as ServiceContext;
  linkInvoker(employee, ctx);
  return employee;
}
