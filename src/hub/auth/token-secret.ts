/**
 * @module The secret half of a token: how one is minted, what is kept of it (a
 * SHA-256 digest, never the token), and a comparison whose time does not depend on
 * where two digests differ. Tokens carry 256 random bits, so a fast digest is as
 * strong as a slow password hash here: there is nothing to guess a dictionary for.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'baton';
/** `baton_<id>_<secret>`: the id finds the record without comparing secrets; the secret proves possession. */
const TOKEN_SHAPE = /^baton_([A-Za-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

export interface MintedToken {
  id: string;
  /** Shown once, to whoever created it. */
  token: string;
  digest: string;
}

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newId(): string {
  return [...randomBytes(10)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

export const digestOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

export function mintToken(id: string = newId()): MintedToken {
  const token = `${PREFIX}_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, digest: digestOf(token) };
}

/** The record id a presented token names, or undefined when it is not one of ours. */
export function tokenIdOf(presented: string): string | undefined {
  return TOKEN_SHAPE.exec(presented)?.[1];
}

/** Compares two digests in constant time (equal length by construction: both are SHA-256). */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
