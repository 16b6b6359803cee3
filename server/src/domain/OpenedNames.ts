/**
 * People's display names, opened once. Names are sealed with the case key and were opened again on
 * every request that shows people (each thread list, message and history page, and every credential
 * re-check on each request and delivery): with 20-person cases that was hundreds of decryptions a
 * second for the same few names (socket.io ack benchmark). A name is remembered together with the
 * sealed value it was opened from and used only while the stored row still holds that exact value:
 * a renamed person (new ciphertext, fresh nonce) or a person added later is opened from the store
 * anew, so what is shown is always what is stored now.
 */
export class OpenedNames {
  readonly #byCase = new Map<string, Map<string, { sealed: string; name: string }>>();

  /** The name of `participantId` whose stored sealed name is `sealed`; `open` decrypts it when it is not known. */
  of(caseId: string, participantId: string, sealed: string, open: (sealed: string) => string): string {
    let names = this.#byCase.get(caseId);
    if (!names) {
      names = new Map();
      this.#byCase.set(caseId, names);
    }
    const known = names.get(participantId);
    if (known && known.sealed === sealed) return known.name;
    const name = open(sealed);
    names.set(participantId, { sealed, name });
    return name;
  }
}
