/** Key types mtlsctl creates, and how each one signs. */

export const KEY_TYPES = [
  'ecdsa-p256',
  'ecdsa-p384',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
  'ed25519',
] as const;

export type KeyType = (typeof KEY_TYPES)[number];

/** True when `value` names a supported key type. */
export function isKeyType(value: string): value is KeyType {
  return (KEY_TYPES as readonly string[]).includes(value);
}

/** Whether the key type is RSA (which adds keyEncipherment to leaf key usage). */
export function isRsa(type: KeyType): boolean {
  return type.startsWith('rsa-');
}
