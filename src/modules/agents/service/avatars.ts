import { BUILTIN_AGENTS } from "../roster";

// Fill colours of the built-in employees' avatars, picked by slug.
const COLOURS = ["#4f46e5", "#0891b2", "#059669", "#d97706", "#dc2626", "#7c3aed", "#db2777", "#2563eb", "#65a30d", "#0d9488"];

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A built-in employee's avatar by file name: `<slug>.svg` is drawn from the roster (initial on a
 * colour of its own); `<slug>.png`, the name rows seeded before, points there. Null: no such employee.
 */
export function builtinAvatar(file: string): { svg: string } | { moved: string } | null {
  const m = /^([a-z0-9-]+)\.(svg|png)$/.exec(file);
  const i = m ? BUILTIN_AGENTS.findIndex((a) => a.slug === m[1]) : -1;
  const agent = BUILTIN_AGENTS[i];
  if (!m || !agent) return null;
  if (m[2] === "png") return { moved: `/avatars/agents/${agent.slug}.svg` };
  const colour = COLOURS[i % COLOURS.length];
  const initial = escapeXml(agent.name.slice(0, 1).toUpperCase());
  return {
    svg:
      `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" role="img" aria-label="${escapeXml(agent.name)}">` +
      `<circle cx="64" cy="64" r="64" fill="${colour}"/>` +
      `<text x="64" y="64" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="60" font-weight="600" fill="#fff">${initial}</text></svg>`,
  };
}
