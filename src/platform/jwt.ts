import { errors, jwtVerify, SignJWT } from "jose";
import { ServiceError } from "./errors";
import { uuidv7 } from "./ids";

/** HS256 only: the verifier pins the algorithm so `alg: none` or key confusion cannot pass. */
const ALG = "HS256";
const ISSUER = "atrium";
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const IMPERSONATION_TTL_SECONDS = 15 * 60;

type TokenType = "access" | "impersonation" | "stream";
const AUDIENCE: Record<TokenType, string> = { access: "atrium-api", impersonation: "atrium-impersonation", stream: "atrium-stream" };

/** A workspace membership carried in an access token: [role, workspace_members.id]. */
export type MembershipClaim = [role: string, membershipId: string];

export interface AccessClaims {
  sub: string;
  email: string;
  /** Set when a staff member acts as this user. */
  imp?: string;
  /** Active memberships at issue, by workspace id (absent when the user has too many to carry). */
  ws?: Record<string, MembershipClaim>;
  /** The user's membership epoch at issue: claims are stale once the epoch has moved on. */
  ep?: number;
}

const keys = new Map<string, Uint8Array>();
function key(secret: string): Uint8Array {
  let k = keys.get(secret);
  if (!k) {
    k = new TextEncoder().encode(secret);
    keys.set(secret, k);
  }
  return k;
}

async function sign(secret: string, type: TokenType, claims: Record<string, unknown>, sub: string, ttl: number) {
  return new SignJWT({ ...claims, type })
    .setProtectedHeader({ alg: ALG, typ: "JWT" })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE[type])
    .setJti(uuidv7())
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(key(secret));
}

async function verify(secret: string, type: TokenType, token: string) {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: [ALG],
      issuer: ISSUER,
      audience: AUDIENCE[type],
      requiredClaims: ["sub", "exp", "iat"],
    });
    if (payload.type !== type) throw new ServiceError("invalid_token", "Invalid token type");
    return payload;
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    if (e instanceof errors.JWTExpired) throw new ServiceError("token_expired", "Token has expired");
    throw new ServiceError("invalid_token", "Invalid token");
  }
}

export function signAccessToken(secret: string, c: AccessClaims, ttl = ACCESS_TOKEN_TTL_SECONDS): Promise<string> {
  const claims: Record<string, unknown> = { email: c.email };
  if (c.imp) claims.imp = c.imp;
  if (c.ws && c.ep !== undefined) {
    claims.ws = c.ws;
    claims.ep = c.ep;
  }
  return sign(secret, "access", claims, c.sub, ttl);
}

export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims> {
  const p = await verify(secret, "access", token);
  const out: AccessClaims = { sub: String(p.sub), email: String(p.email ?? "") };
  if (typeof p.imp === "string") out.imp = p.imp;
  if (p.ws && typeof p.ws === "object" && typeof p.ep === "number") {
    out.ws = p.ws as Record<string, MembershipClaim>;
    out.ep = p.ep;
  }
  return out;
}

/** Minted by staff tooling (admin issue); exchanged once by the frontend for a session. */
export function signImpersonationToken(secret: string, userId: string, impersonatorId: string, ttl = IMPERSONATION_TTL_SECONDS) {
  return sign(secret, "impersonation", { imp: impersonatorId }, userId, ttl);
}

export async function verifyImpersonationToken(secret: string, token: string) {
  const p = await verify(secret, "impersonation", token);
  return {
    userId: String(p.sub),
    impersonatorId: typeof p.imp === "string" ? p.imp : undefined,
    jti: typeof p.jti === "string" ? p.jti : "",
    expiresAt: new Date(Number(p.exp) * 1000),
  };
}

/** Seconds a stream ticket has to open its first connection. */
export const STREAM_TICKET_CONNECT_SECONDS = 60;
/** Seconds a used ticket may resume its stream (the browser's own reconnects): an access token's lifetime. */
export const STREAM_TICKET_RESUME_SECONDS = ACCESS_TOKEN_TTL_SECONDS;

export interface StreamTicketClaims {
  sub: string;
  email: string;
  imp?: string;
  /** The workspace the ticket acts in. */
  wsid: string;
  /** One stream's path, or "*" for every stream of the workspace. */
  path: string;
  /** Unix seconds by which the first connection must be opened. */
  cby: number;
  jti: string;
  exp: number;
}

/** A stream ticket: its own audience, so it is never an access token (and vice versa). */
export function signStreamTicket(secret: string, c: Omit<StreamTicketClaims, "jti" | "exp" | "cby">): Promise<string> {
  const claims: Record<string, unknown> = {
    email: c.email,
    wsid: c.wsid,
    path: c.path,
    cby: Math.floor(Date.now() / 1000) + STREAM_TICKET_CONNECT_SECONDS,
  };
  if (c.imp) claims.imp = c.imp;
  return sign(secret, "stream", claims, c.sub, STREAM_TICKET_RESUME_SECONDS);
}

export async function verifyStreamTicket(secret: string, token: string): Promise<StreamTicketClaims> {
  const p = await verify(secret, "stream", token);
  if (typeof p.wsid !== "string" || typeof p.path !== "string" || typeof p.cby !== "number" || typeof p.jti !== "string") {
    throw new ServiceError("invalid_token", "Invalid token");
  }
  return {
    sub: String(p.sub),
    email: String(p.email ?? ""),
    ...(typeof p.imp === "string" ? { imp: p.imp } : {}),
    wsid: p.wsid,
    path: p.path,
    cby: p.cby,
    jti: p.jti,
    exp: Number(p.exp),
  };
}
