import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../contracts/procedures';
import { applicationHash, canonicalJson, idempotentDossierId } from '../../../web/submission-ids';
import { birthInput } from '../../fixtures/dossiers';

const validated = (body: unknown) => catalogue.input.parse(body);

describe('the application hash an Idempotency-Key is bound to', () => {
  it('writes one canonical text whatever the key order, missing members and Unicode form', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 'Lan', x: undefined }, null], c: undefined })).toBe(
      '{"a":[{"y":"Lan"},null],"b":1}',
    );
    expect(canonicalJson({ name: 'Trần'.normalize('NFD') })).toBe(canonicalJson({ name: 'Trần' }));
  });

  it('is the same for one application sent in different forms, and differs for another application', () => {
    const body = birthInput(5);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const { householdHeadConsent: _h, ownerConsent: _o, ...residence } = body.residence;
    const padded = {
      ...body,
      residence, // the schema's defaults fill the consents in again
      birthCertificateReference: ` ${body.birthCertificateReference} `, // trimmed by the schema
    };
    const hash = applicationHash(validated(body));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(applicationHash(validated(reordered))).toBe(hash);
    expect(applicationHash(validated(padded))).toBe(hash);
    const girl = { ...body, child: { ...body.child, sex: 'female', fullName: 'Trần Minh Anh' } };
    expect(applicationHash(validated(girl))).not.toBe(hash);
  });

  it('gives a keyed submission a dossier id of its submitter, key and application', () => {
    const id = idempotentDossierId('citizen-lan', 'my-first-birth', 'a'.repeat(64));
    expect(id).toMatch(/^HS-K-[0-9A-Z]{12}$/);
    expect(idempotentDossierId('citizen-lan', 'my-first-birth', 'a'.repeat(64))).toBe(id);
    expect(idempotentDossierId('citizen-hanh', 'my-first-birth', 'a'.repeat(64))).not.toBe(id);
    expect(idempotentDossierId('citizen-lan', 'my-first-birth', 'b'.repeat(64))).not.toBe(id);
  });
});
