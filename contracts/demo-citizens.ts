import type { Citizen, Relations } from './population';
import type { ContactDetails } from './registry';

/**
 * Known citizens the demo, the development logins and the end-to-end tests act as; every seeded
 * population includes them. Two parents in Hà Nội (the mother owns the dwelling a child is
 * registered at), and the pensioner of the death bundle with his daughter and his wife.
 */
export const demoPeople = {
  lan: {
    personalId: '001190012345',
    fullName: 'Nguyễn Thị Lan',
    sex: 'female',
    birthDate: '1990-03-14',
    provinceCode: '001',
    commune: 'Phường Ba Đình',
    street: '12 Phố Đội Cấn',
    householdId: 'HK-001-DEMO001',
    householdHead: true,
    owner: true,
    contributionMonths: 96,
    pensioner: false,
    alive: true,
  },
  hung: {
    personalId: '079088123456',
    fullName: 'Trần Văn Hùng',
    sex: 'male',
    birthDate: '1988-07-02',
    provinceCode: '001',
    commune: 'Phường Ba Đình',
    street: '12 Phố Đội Cấn',
    householdId: 'HK-001-DEMO001',
    householdHead: false,
    owner: false,
    contributionMonths: 120,
    pensioner: false,
    alive: true,
  },
  bao: {
    personalId: '001050098765',
    fullName: 'Lê Văn Bảo',
    sex: 'male',
    birthDate: '1950-04-12',
    provinceCode: '001',
    commune: 'Phường Cầu Giấy',
    street: '45 Trần Thái Tông',
    householdId: 'HK-001-DEMO002',
    householdHead: true,
    owner: true,
    contributionMonths: 300,
    pensioner: true,
    alive: true,
  },
  hanh: {
    personalId: '001180054321',
    fullName: 'Lê Thị Hạnh',
    sex: 'female',
    birthDate: '1980-09-30',
    provinceCode: '001',
    commune: 'Phường Cầu Giấy',
    street: '45 Trần Thái Tông',
    householdId: 'HK-001-DEMO002',
    householdHead: false,
    owner: false,
    contributionMonths: 180,
    pensioner: false,
    alive: true,
  },
  mo: {
    personalId: '001055011111',
    fullName: 'Phạm Thị Mơ',
    sex: 'female',
    birthDate: '1955-01-20',
    provinceCode: '001',
    commune: 'Phường Cầu Giấy',
    street: '45 Trần Thái Tông',
    householdId: 'HK-001-DEMO002',
    householdHead: false,
    owner: false,
    contributionMonths: 0,
    pensioner: true,
    alive: true,
  },
} satisfies Record<string, Citizen>;

/** Who is married to whom, and whose parents are whom, among the demo people: their families in the registry. */
export const demoRelations: Relations = {
  spouses: [
    [demoPeople.lan.personalId, demoPeople.hung.personalId],
    [demoPeople.bao.personalId, demoPeople.mo.personalId],
  ],
  // [child, parent]
  parents: [
    [demoPeople.hanh.personalId, demoPeople.bao.personalId],
    [demoPeople.hanh.personalId, demoPeople.mo.personalId],
  ],
};

/**
 * The contact details the demo people gave the registry (made-up numbers and `example.vn`
 * addresses): the notifications service tells them about their dossiers. Hạnh reads in English.
 */
export const demoContacts: Record<string, ContactDetails> = {
  [demoPeople.lan.personalId]: { phone: '+84912000001', email: 'lan@example.vn', language: 'vi' },
  [demoPeople.hung.personalId]: { phone: '+84912000002', email: 'hung@example.vn', language: 'vi' },
  [demoPeople.bao.personalId]: { phone: '+84912000003', email: null, language: 'vi' },
  [demoPeople.hanh.personalId]: { phone: '+84912000004', email: 'hanh@example.vn', language: 'en' },
  [demoPeople.mo.personalId]: { phone: null, email: null, language: 'vi' },
};
