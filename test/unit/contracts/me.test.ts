import { describe, expect, it } from 'vitest';
import { demoPeople } from '../../../contracts/demo-citizens';
import { meFrom } from '../../../contracts/me';
import type { Citizen } from '../../../contracts/population';
import { catalogue } from '../../../contracts/procedures';
import { fakeNationalRegistry } from '../agencies/support';

const access = { actor: 'test', organisation: 'portal', purpose: 'own-record' } as const;
const registry = (people: Citizen[] = Object.values(demoPeople)) =>
  fakeNationalRegistry(new Map(people.map((c) => [c.personalId, c])));

describe('what GET /api/me shows and fills', () => {
  it("fills Lan's birth form so that only the child and the certificate reference are left to type", async () => {
    const me = meFrom((await registry().family(demoPeople.lan.personalId, access))!);
    expect(me.spouse?.fullName).toBe(demoPeople.hung.fullName);
    expect(me.household.map((m) => m.fullName).sort()).toEqual(
      [demoPeople.hung.fullName, demoPeople.lan.fullName].sort(),
    );
    const form = me.forms['birth-bundle']!;
    expect(form).toEqual({
      applicant: {
        personalIdNumber: demoPeople.lan.personalId,
        fullName: demoPeople.lan.fullName,
        relationship: 'mother',
      },
      mother: { personalIdNumber: demoPeople.lan.personalId, fullName: demoPeople.lan.fullName },
      father: { personalIdNumber: demoPeople.hung.personalId, fullName: demoPeople.hung.fullName },
      residence: {
        address: { provinceCode: '001', commune: 'Phường Ba Đình', street: '12 Phố Đội Cấn' },
        parent: 'mother',
        householdHeadConsent: true,
        ownerConsent: true,
      },
    });
    const application = {
      procedure: 'birth-bundle',
      ...form,
      residence: { ...form.residence, parentConfirmed: true },
      child: {
        fullName: 'Trần Minh Khang',
        sex: 'male',
        birthDate: new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10),
        birthPlace: { provinceCode: '001', commune: 'Phường Hoàn Kiếm', street: '929 La Thành' },
      },
      birthCertificateReference: 'GCS-2026-000123',
    };
    expect(catalogue.input.safeParse(application).success).toBe(true);
  });

  it('offers Hạnh her living parents for a death application, as their child', async () => {
    const me = meFrom((await registry().family(demoPeople.hanh.personalId, access))!);
    expect(me.parents.map((p) => p.fullName)).toEqual([demoPeople.bao.fullName, demoPeople.mo.fullName]);
    expect(me.forms['death-bundle'].candidates).toEqual([
      expect.objectContaining({
        applicantRelationship: 'child',
        deceased: expect.objectContaining({ fullName: demoPeople.bao.fullName }),
      }),
      expect.objectContaining({
        applicantRelationship: 'child',
        deceased: expect.objectContaining({ fullName: demoPeople.mo.fullName }),
      }),
    ]);
    // Hạnh is neither head nor owner of her parents' household: consents are hers to obtain.
    expect(me.forms['birth-bundle']?.residence).toMatchObject({
      parent: 'mother',
      householdHeadConsent: false,
      ownerConsent: false,
    });
  });

  it('fills no birth form for a deceased citizen and offers no deceased relative', async () => {
    const people = Object.values(demoPeople).map((c) =>
      c.personalId === demoPeople.bao.personalId ? { ...c, alive: false } : c,
    );
    const hanh = meFrom((await registry(people).family(demoPeople.hanh.personalId, access))!);
    expect(hanh.forms['death-bundle'].candidates.map((c) => c.deceased.fullName)).toEqual([demoPeople.mo.fullName]);
    const bao = meFrom((await registry(people).family(demoPeople.bao.personalId, access))!);
    expect(bao.forms['birth-bundle']).toBeNull();
  });
});
