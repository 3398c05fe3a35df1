/**
 * AES-256-GCM encryption of every payload the agent sends to Temporal (workflow inputs, activity
 * arguments and results, signals, queries, updates, memos, summaries), so the server and anyone
 * reading its database see ciphertext only. Optional: wired in only when PAYLOAD_ENCRYPTION_KEYS
 * is set (config/env.ts builds it from there; this module never reads the environment).
 *
 * An encrypted payload carries `encoding: binary/encrypted` and `encryption-key-id: <id>` in its
 * metadata; its data is a fresh 12-byte IV, then the ciphertext of the whole original Payload
 * (serialized with its own metadata, so the original encoding comes back), then the 16-byte GCM tag.
 * Decoding picks the key by the payload's own key id, so payloads written before a key rotation
 * keep decoding as long as their key stays in the keyring.
 *
 * Codecs run in the worker and client processes, outside the workflow sandbox: workflows never
 * import this module and the workflow bundle does not change.
 */
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
// Default import: the package is CommonJS, and Node's ESM loader (tsx entry points) sees no named exports in it.
import proto from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** One key of the keyring: its id (stored in every payload it encrypts) and its 32 secret bytes. */
export interface EncryptionKey {
  id: string;
  key: Uint8Array;
}

/** A payload that cannot be decrypted: unknown key id, wrong key, or data altered after encryption. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  /** Private (#) so neither JSON.stringify nor util.inspect of a config shows the keys. */
  readonly #keys: ReadonlyMap<string, Buffer>;
  /** The id of the key new payloads are encrypted with. */
  readonly keyId: string;

  /** `keys`: every key that may still decode payloads; `keyId`: the one that encrypts (default: the first). */
  constructor(keys: readonly EncryptionKey[], keyId: string | undefined = keys[0]?.id) {
    const ring = new Map<string, Buffer>();
    for (const k of keys) {
      if (k.key.length !== KEY_BYTES) throw new Error(`encryption key "${k.id}" is ${k.key.length} bytes; AES-256 needs ${KEY_BYTES}`);
      if (ring.has(k.id)) throw new Error(`encryption key id "${k.id}" is given twice`);
      ring.set(k.id, Buffer.from(k.key));
    }
    if (keyId === undefined || !ring.has(keyId)) throw new Error(`encryption key id "${keyId ?? ''}" is not in the keyring`);
    this.#keys = ring;
    this.keyId = keyId;
  }

  /** The ids of the keys this codec can decode with (never the keys). */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.#keys.get(this.keyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = PayloadMessage.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.keyId) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Payloads written before encryption was switched on (or by another party) pass unchanged.
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      const key = keyId === undefined ? undefined : this.#keys.get(keyId);
      if (!key) {
        throw new PayloadDecryptionError(
          `payload encrypted with unknown key id "${keyId ?? '(none)'}" (known: ${this.keyIds.join(', ')}); keep every key still in use in PAYLOAD_ENCRYPTION_KEYS`,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload (key id "${keyId}") is too short to be valid`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        return PayloadMessage.decode(plain);
      } catch (err) {
        throw new PayloadDecryptionError(`payload with key id "${keyId}" failed to decrypt (altered data or a different key under that id)`, {
          cause: err,
        });
      }
    });
  }
}

/** What every Worker and Client is given as `dataConverter`: the codec when encryption is on, else undefined (the SDK default). */
export function codecDataConverter(codec: PayloadCodec | undefined): DataConverter | undefined {
  return codec ? { payloadCodecs: [codec] } : undefined;
}
