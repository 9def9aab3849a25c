import { SignJWT } from "jose";
import type { Bindings } from "../../env";
import { ServiceError } from "../../platform/errors";

/** LiveKit's AccessToken default lifetime. */
export const LIVEKIT_TOKEN_TTL_SECONDS = 6 * 60 * 60;

/** LiveKit's VideoGrant (the `video` claim), as far as joining a room needs it. */
export interface VideoGrant {
  room: string;
  roomJoin: true;
  canPublish: boolean;
  canSubscribe: boolean;
  canPublishData: boolean;
}

const keys = new Map<string, Uint8Array>();

/**
 * A LiveKit access token, byte-for-byte the shape livekit-server-sdk's AccessToken.toJwt()
 * produces: HS256 (header carries only `alg`), iss = API key, sub = identity, nbf = now,
 * exp = now + 6 h, claims `name`, `metadata` and the `video` grant. A `jti` is added (older
 * SDKs set one; LiveKit ignores it), so two tokens of one person are distinguishable in logs.
 */
export async function mintLiveKitToken(
  env: Pick<Bindings, "LIVEKIT_API_KEY" | "LIVEKIT_API_SECRET">,
  t: { identity: string; name: string; metadata?: string; grant: VideoGrant },
  now = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  const apiKey = env.LIVEKIT_API_KEY;
  const secret = env.LIVEKIT_API_SECRET;
  if (!apiKey || !secret) throw new ServiceError("service_unavailable", "Meetings are not configured (LiveKit keys are missing)");
  let key = keys.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    keys.set(secret, key);
  }
  const iat = Math.floor(now / 1000);
  const exp = iat + LIVEKIT_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ name: t.name, video: t.grant, ...(t.metadata ? { metadata: t.metadata } : {}) })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(apiKey)
    .setSubject(t.identity)
    .setJti(crypto.randomUUID())
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expiresAt: new Date(exp * 1000) };
}
